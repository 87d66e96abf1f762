"""GET of a goal reuses its JSON only while the rows it came from are unchanged."""

from __future__ import annotations

from sqlalchemy import create_engine, update
from sqlalchemy.pool import NullPool

from brickroad.services import goals as goal_service
from brickroad.store import goals as goal_rows
from brickroad.store.tables import goals, users

from tests.api.goalkit import DAY, add_point, create_goal, get_goal


def test_goal_get_follows_every_change(http, alice, clock, ctx):
    create_goal(http, alice.token, "cached", rate=1, goalval=100, runits="d")
    first = get_goal(http, alice.token, "cached")
    assert get_goal(http, alice.token, "cached") == first
    # A change behind the API's back (another process, the sweeper): a new row, a new answer.
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, alice.user, "cached")
        goal_rows.update_goal(conn, goal.id, title="Changed elsewhere", queued=True)
    second = get_goal(http, alice.token, "cached")
    assert (second["title"], second["queued"]) == ("Changed elsewhere", True)
    add_point(http, alice.token, "cached", value=3, comment="fresh")
    third = get_goal(http, alice.token, "cached")
    assert "fresh" in [p["comment"] for p in third["recent_data"]] and third["curval"] == 3
    assert third["todayta"] is True
    assert get_goal(http, alice.token, "cached", emaciated="true").keys() != third.keys()
    # todayta follows the clock even when nothing was written.
    clock.advance(DAY)
    assert get_goal(http, alice.token, "cached")["todayta"] is False


def test_changes_by_another_process_show_at_once(http, alice, ctx):
    """GETs skip re-reading rows while the database's data version is unchanged; a commit on a
    connection this server never saw (another process) still shows on the next GET."""
    create_goal(http, alice.token, "elsewhere", rate=1, goalval=100, runits="d")
    assert get_goal(http, alice.token, "elsewhere")["title"] == "Elsewhere"
    other = create_engine(ctx.db.url, poolclass=NullPool)
    try:
        with other.begin() as conn:
            conn.execute(update(goals).where(goals.c.slug == "elsewhere").values(title="Renamed"))
        assert get_goal(http, alice.token, "elsewhere")["title"] == "Renamed"
        with other.begin() as conn:
            conn.execute(update(users).where(users.c.id == alice.user.pk).values(token_hash="revoked"))
        r = http.get("/api/v1/users/me/goals/elsewhere.json", params={"auth_token": alice.token})
        assert r.status_code == 401 and "errors" in r.json()
    finally:
        other.dispose()
