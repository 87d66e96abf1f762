"""A goal the road engine can't compute says so and is swept by the safe rule (services/uncomputable.py):
it keeps its last losedate and derails on it, and its owner hears about it once a day until it's fixed."""

from __future__ import annotations

from typing import Any

import orjson

from brickroad.services.beeminder_json import goal_json
from brickroad.jobs.sweeper import sweep_all
from brickroad.services import charges, datapoints, goals, pledges
from brickroad.store import datapoints as point_rows
from brickroad.store import outbox as rows
from tests.jobs.kit import make_goal, reload, set_columns
from tests.jobs.test_derailment import derailments, local
from tests.jobs.test_mail import with_email

NY = "America/New_York"


def store_unplaceable_point(ctx: Any, user: Any, slug: str) -> int:
    """A point on 1969-12-31, as the API stored them before it checked days; recomputed as then."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goals.load(conn, user, slug, for_update=True)
        pk = point_rows.insert_point(conn, dict(
            goal_id=goal.id, timestamp=0, daystamp="19691231", value=1.0, comment="", requestid=None, origin="api",
            creator=user.username, is_dummy=False, is_initial=False, urtext=None, created_at=now, updated_at=now))
        goals.recompute(conn, user, goal, now)
    return pk


def notices(ctx: Any, user: Any) -> list[tuple[str, str]]:
    """(kind, idempotency key) of every can't-be-computed notice queued for the user, oldest first."""
    with ctx.db.read() as conn:
        found = rows.for_user(conn, user.pk, limit=1000)
    return sorted((r["kind"], r["idempotency_key"]) for r in found if r["idempotency_key"].startswith("road_error"))


def test_a_broken_goal_says_so_and_keeps_its_losedate(ctx, clock, make_user):
    alice = make_user()
    g = make_goal(ctx, alice.user, "broken")
    assert g.losedate == local(NY, 2026, 11, 24, 23, 59, 59)
    store_unplaceable_point(ctx, alice.user, "broken")
    after = reload(ctx, alice.user, "broken")
    assert after.losedate == g.losedate and after.safebuf is None
    view = goals.get_view(ctx, alice.user, "broken")
    out = goal_json(view, alice.user, "http://x", clock.now())
    assert out["road_error"] and out["losedate"] == g.losedate and out["colorkey"] == "gray"
    # The sweeper will look at it before its next daily notice, not only at the losedate.
    assert after.next_check_at == local(NY, 2026, 11, 23, 9, 30)


def test_fixing_the_data_clears_the_error(ctx, clock, make_user):
    alice = make_user()
    make_goal(ctx, alice.user, "fixme")
    pk = store_unplaceable_point(ctx, alice.user, "fixme")
    assert reload(ctx, alice.user, "fixme").stats["error"]  # type: ignore[index]
    from brickroad.store.ids import public_id

    datapoints.delete(ctx, alice.user, "fixme", public_id(pk))
    fixed = reload(ctx, alice.user, "fixme")
    assert "error" not in (fixed.stats or {}) and fixed.safebuf == 1
    out = goal_json(goals.get_view(ctx, alice.user, "fixme"), alice.user, "http://x", clock.now())
    assert "road_error" not in out


def test_sweeper_derails_on_the_kept_losedate_and_notifies_daily(ctx, clock, make_user, js, receiver):
    alice = make_user()
    user = with_email(ctx, alice, "alice@example.test")
    g = make_goal(ctx, user, "doomed")
    pledges.shortcircuit(ctx, user, "doomed")  # $0 -> $5
    set_columns(ctx, g, callback_url=receiver.url + "/cb")
    store_unplaceable_point(ctx, user, "doomed")
    losedate = reload(ctx, user, "doomed").losedate
    assert losedate == g.losedate

    # Day one: one notice (mail and callback) at the alert time, however often the sweeper runs.
    clock.set(local(NY, 2026, 11, 23, 9, 30))
    for _ in range(3):
        sweep_all(ctx, js)
        clock.advance(3600)
    assert notices(ctx, user) == [("email", f"road_error_mail:{g.id}:2026-11-23"),
                                  ("webhook", f"road_error:{g.id}:2026-11-23")]

    # The kept losedate still derails the goal, on time, once.
    clock.set(losedate + 1)  # type: ignore[operator]
    sweep_all(ctx, js)
    assert [(c.amount, c.kind) for c in charges.ledger(ctx, user)] == [(5.0, "derail")]
    [d] = derailments(ctx, g)
    assert d["losedate"] == losedate
    # That day's notice waits for the alert time, and the goal is swept then.
    assert not [k for _kind, k in notices(ctx, user) if k.endswith("2026-11-25")]
    assert reload(ctx, user, "doomed").next_check_at == local(NY, 2026, 11, 25, 9, 30)
    clock.set(local(NY, 2026, 11, 25, 9, 30))
    sweep_all(ctx, js)

    # Still broken afterwards: no new losedate to charge on, but a notice every day, never quiet.
    for day in (26, 27, 28):
        clock.set(local(NY, 2026, 11, day, 12, 0))
        sweep_all(ctx, js)
        now_goal = reload(ctx, user, "doomed")
        assert now_goal.next_check_at is not None and now_goal.next_check_at > clock.now()
    assert len(charges.ledger(ctx, user)) == 1
    mails = [k for kind, k in notices(ctx, user) if kind == "email"]
    assert [m.rsplit(":", 1)[1] for m in mails] == ["2026-11-23", "2026-11-25", "2026-11-26", "2026-11-27",
                                                     "2026-11-28"]
    with ctx.db.read() as conn:
        hooks = [r for r in rows.for_user(conn, user.pk, limit=1000) if r["idempotency_key"].startswith("road_error:")]
    body = orjson.loads(hooks[0]["payload"])
    assert body["goal"]["slug"] == "doomed" and body["goal"]["road_error"] and body["seq"] >= 1


def test_a_healthy_goal_gets_no_notice(ctx, clock, make_user, js):
    alice = make_user()
    user = with_email(ctx, alice, "bob@example.test")
    make_goal(ctx, user, "fine")
    clock.set(local(NY, 2026, 11, 24, 12, 0))
    sweep_all(ctx, js)
    assert notices(ctx, user) == []
    assert reload(ctx, user, "fine").next_check_at is not None
