"""GET /graphs/{user}+{slug}.png|.svg|-thumb.png on a live server, and the queued-render hook."""

from __future__ import annotations

import io

from PIL import Image

from brickroad.services import graph_images, outbox
from brickroad.store import goals as goal_rows
from tests.api.goalkit import add_point, create_goal, get_goal


def test_graph_urls_serve_png_svg_and_thumbnail(http, alice, clock) -> None:
    g = create_goal(http, alice.token, "pushups")
    add_point(http, alice.token, "pushups", value=3, comment="first")
    png_url = g["graph_url"].split("/graphs/", 1)[1]
    r = http.get(f"/graphs/{png_url}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == (696, 453)
    r = http.get(f"/graphs/{alice.username}+pushups-thumb.png")
    assert r.status_code == 200
    assert Image.open(io.BytesIO(r.content)).size == (212, 140)
    r = http.get(f"/graphs/{alice.username}+pushups.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert 'class="razr"' in r.text and 'class="dp' in r.text


def test_etag_changes_when_data_changes(http, alice, clock) -> None:
    create_goal(http, alice.token, "situps")
    url = f"/graphs/{alice.username}+situps.png"
    first = http.get(url)
    etag = first.headers["etag"]
    assert http.get(url, headers={"If-None-Match": etag}).status_code == 304
    clock.advance(60) if hasattr(clock, "advance") else clock.set(clock.now() + 60)
    add_point(http, alice.token, "situps", value=5)
    second = http.get(url)
    assert second.status_code == 200 and second.headers["etag"] != etag


def test_unknown_goals_and_bad_names_are_404(http, alice, clock) -> None:
    assert http.get(f"/graphs/{alice.username}+nope.png").status_code == 404
    assert http.get("/graphs/nobody_at_all+nope.png").status_code == 404
    assert http.get(f"/graphs/{alice.username}.png").status_code == 404
    assert http.get(f"/graphs/{alice.username}+x.gif").status_code == 404


def test_queued_render_clears_the_flag(http, alice, clock, ctx) -> None:
    create_goal(http, alice.token, "reading")
    r = http.get("/api/v1/users/me/goals/reading/refresh_graph.json", params={"auth_token": alice.token})
    assert r.status_code == 200
    assert get_goal(http, alice.token, "reading")["queued"] is True
    with ctx.db.read() as conn:
        goal_id = goal_rows.by_slug(conn, alice.user.pk, "reading")["id"]
    assert graph_images.render_queued_goal(ctx, goal_id)
    assert get_goal(http, alice.token, "reading")["queued"] is False
    assert list((ctx.settings.data_dir / "graphs").glob(f"{goal_id}-*-thumb.png"))


def test_a_datapoint_queues_a_render_that_clears_queued(http, alice, clock, ctx) -> None:
    from brickroad.jobs import outbox as delivery
    from brickroad.jobs.config import JobSettings
    from brickroad.jobs.worker import install_handlers

    before = create_goal(http, alice.token, "drawn")
    clock.advance(60)
    add_point(http, alice.token, "drawn", value=2)
    queued = get_goal(http, alice.token, "drawn")
    assert queued["queued"] is True
    assert queued["graph_url"] != before["graph_url"]  # a new version: no cache shows the old picture
    install_handlers()
    js = JobSettings()
    clock.advance(outbox.GRAPH_SETTLE)
    for _ in range(5):  # the graph row is due now; other tests' rows may share the queue
        delivery.deliver_batch(ctx, js)
        if get_goal(http, alice.token, "drawn")["queued"] is False:
            break
    drawn = get_goal(http, alice.token, "drawn")
    assert drawn["queued"] is False
    assert drawn["graph_url"] == queued["graph_url"]  # rendering doesn't change the picture's version
    r = http.get(drawn["graph_url"].split("127.0.0.1:8080", 1)[1])
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"


def test_a_burst_of_writes_is_drawn_once_when_it_settles(http, alice, clock, ctx, monkeypatch) -> None:
    from brickroad.jobs import outbox as delivery
    from brickroad.jobs.config import JobSettings
    from brickroad.jobs.worker import install_handlers

    create_goal(http, alice.token, "burst")
    with ctx.db.read() as conn:
        goal_id = goal_rows.by_slug(conn, alice.user.pk, "burst")["id"]
    drawn: list[int] = []
    real_render = graph_images.render_queued_goal

    def counting_render(ctx_, gid: int) -> bool:
        drawn.append(gid)
        return real_render(ctx_, gid)

    monkeypatch.setattr(graph_images, "render_queued_goal", counting_render)
    install_handlers()
    js = JobSettings()
    for value in range(1, 5):  # a write every second, the worker polling in between
        clock.advance(1)
        add_point(http, alice.token, "burst", value=value)
        delivery.deliver_batch(ctx, js)
    assert goal_id not in drawn  # every request due so far had a newer one behind it
    assert get_goal(http, alice.token, "burst")["queued"] is True
    clock.advance(outbox.GRAPH_SETTLE)
    for _ in range(5):  # other tests' rows may share the queue
        delivery.deliver_batch(ctx, js)
        if get_goal(http, alice.token, "burst")["queued"] is False:
            break
    assert drawn.count(goal_id) == 1
    assert get_goal(http, alice.token, "burst")["queued"] is False
    assert list((ctx.settings.data_dir / "graphs").glob(f"{goal_id}-*-thumb.png"))


def test_two_changes_in_one_second_are_two_versions(http, alice, clock, ctx, monkeypatch) -> None:
    """A picture drawn between two writes of the same second must not pass for the second one."""
    create_goal(http, alice.token, "quick")
    add_point(http, alice.token, "quick", value=1)
    mid = get_goal(http, alice.token, "quick")
    url = f"/graphs/{alice.username}+quick.png"
    drawn = http.get(url)
    add_point(http, alice.token, "quick", value=2)  # the same clock second
    after = get_goal(http, alice.token, "quick")
    assert after["updated_at"] == mid["updated_at"] and after["graph_url"] != mid["graph_url"]
    assert http.get(url).headers["etag"] != drawn.headers["etag"]

    # A write landing while the worker draws (same second again) keeps the goal queued for its own render.
    real_store = graph_images.store_all

    def store_after_a_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        add_point(http, alice.token, "quick", value=3)
        return real_store(*args, **kwargs)

    monkeypatch.setattr(graph_images, "store_all", store_after_a_write)
    with ctx.db.read() as conn:
        goal_id = goal_rows.by_slug(conn, alice.user.pk, "quick")["id"]
    assert graph_images.render_queued_goal(ctx, goal_id)
    assert get_goal(http, alice.token, "quick")["queued"] is True
