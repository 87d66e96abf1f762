"""Stepdowns: scheduled a week out, applied by the sweeper when due, cancellable; shortcircuit is seen."""

from __future__ import annotations

from brickroad.jobs.sweeper import sweep_all
from brickroad.services import charges, pledges
from brickroad.store import outbox as rows
from tests.jobs.kit import DAY, add, make_goal, reload


def safe_goal(ctx, user, slug):  # type: ignore[no-untyped-def]
    make_goal(ctx, user, slug)
    add(ctx, user, slug, 60)  # two months of buffer: nothing derails in these tests
    pledges.shortcircuit(ctx, user, slug)  # 0 -> 5
    pledges.shortcircuit(ctx, user, slug)  # 5 -> 10, charges 5
    return reload(ctx, user, slug)


def test_stepdown_applies_after_the_akrasia_horizon(ctx, clock, make_user, js):
    alice = make_user()
    g = safe_goal(ctx, alice.user, "sd")
    assert g.pledge == 10.0
    g = pledges.stepdown(ctx, alice.user, "sd").goal
    assert g.stepdown_at is not None and 6 * DAY < g.stepdown_at - clock.now() <= 8 * DAY
    assert g.next_check_at is not None and g.next_check_at <= g.stepdown_at
    clock.set(g.stepdown_at - 1)
    sweep_all(ctx, js)
    assert reload(ctx, alice.user, "sd").pledge == 10.0
    clock.set(g.stepdown_at)
    sweep_all(ctx, js)
    after = reload(ctx, alice.user, "sd")
    assert (after.pledge, after.stepdown_at, after.pending_amount) == (5.0, None, None)
    assert [c.amount for c in charges.ledger(ctx, alice.user)] == [5.0]  # a stepdown charges nothing


def test_cancel_stepdown_keeps_the_pledge(ctx, clock, make_user, js):
    alice = make_user()
    safe_goal(ctx, alice.user, "cs")
    when = pledges.stepdown(ctx, alice.user, "cs").goal.stepdown_at
    g = pledges.cancel_stepdown(ctx, alice.user, "cs").goal
    assert g.stepdown_at is None
    clock.set(when + DAY)
    sweep_all(ctx, js)
    assert reload(ctx, alice.user, "cs").pledge == 10.0


def test_pledge_changes_reach_the_outbox(ctx, clock, make_user, js, receiver):
    from brickroad.services import webhooks

    alice = make_user()
    webhooks.subscribe(ctx, alice.user, receiver.url + "/events", ["pledge.changed"])
    g = safe_goal(ctx, alice.user, "pc")
    when = pledges.stepdown(ctx, alice.user, "pc").goal.stepdown_at
    clock.set(when)
    sweep_all(ctx, js)
    with ctx.db.read() as conn:
        events = [r for r in rows.for_user(conn, alice.user.pk) if r["event"] == "pledge.changed"]
    reasons = sorted(__import__("orjson").loads(r["payload"])["data"]["reason"] for r in events)
    assert reasons == ["shortcircuit", "shortcircuit", "stepdown"]
    assert all(r["goal_id"] == g.id for r in events)
