"""Claims through next_check_at: leases, expiry, and a goal edited while the sweeper holds it."""

from __future__ import annotations

import time

import asyncio

from brickroad.api.app import create_app
from brickroad.jobs.config import JobSettings
from brickroad.services import charges, pledges, sweep
from brickroad.store import outbox as rows
from tests.jobs.kit import add, make_goal, reload


def claim(ctx, lease=60, limit=1000):  # type: ignore[no-untyped-def]
    with ctx.db.write() as conn:
        return rows.claim_goals(conn, ctx.clock.now(), lease, limit)


def test_a_claimed_goal_is_not_claimed_again_until_its_lease_expires(ctx, clock, make_user):
    alice = make_user()
    g = make_goal(ctx, alice.user, "lease")
    clock.set(g.losedate + 1)
    assert g.id in claim(ctx, lease=60)
    assert g.id not in claim(ctx)  # another worker finds it held
    assert reload(ctx, alice.user, "lease").next_check_at == clock.now() + 60
    clock.advance(61)  # the first worker died: the goal comes back
    assert g.id in claim(ctx)


def test_stepdown_cancelled_while_the_sweeper_holds_the_goal_is_not_applied(ctx, clock, make_user):
    alice = make_user()
    make_goal(ctx, alice.user, "race")
    add(ctx, alice.user, "race", 60)
    pledges.shortcircuit(ctx, alice.user, "race")
    pledges.shortcircuit(ctx, alice.user, "race")
    g = pledges.stepdown(ctx, alice.user, "race").goal
    clock.set(g.stepdown_at)
    assert g.id in claim(ctx)
    pledges.cancel_stepdown(ctx, alice.user, "race")  # the user's later change
    out = sweep.process_goal(ctx, g.id)
    after = reload(ctx, alice.user, "race")
    assert not out.stepped_down and after.pledge == 10.0 and after.stepdown_at is None
    assert after.next_check_at is None or after.next_check_at > clock.now()


def test_data_added_before_the_deadline_while_claimed_prevents_the_derailment(ctx, clock, make_user):
    alice = make_user()
    g = make_goal(ctx, alice.user, "save")
    pledges.shortcircuit(ctx, alice.user, "save")
    clock.set(g.losedate - 600)  # claimed for the reminder, ten minutes before the deadline
    assert g.id in claim(ctx)
    add(ctx, alice.user, "save", 5)
    clock.set(g.losedate + 1)
    sweep.process_goal(ctx, g.id)
    assert charges.ledger(ctx, alice.user) == [] and reload(ctx, alice.user, "save").pledge == 5.0


def test_serve_runs_the_sweeper_in_process(ctx, clock, make_user, monkeypatch):
    alice = make_user()
    g = make_goal(ctx, alice.user, "embedded")
    pledges.shortcircuit(ctx, alice.user, "embedded")
    clock.set(g.losedate + 1)
    monkeypatch.setattr(JobSettings, "from_env", classmethod(lambda cls, **kw: cls(poll=0.05, worker_id="embedded")))

    async def serve_a_while() -> None:
        app = create_app(ctx, sweeper=True)
        async with app.router.lifespan_context(app):  # what uvicorn runs around the server
            deadline = time.monotonic() + 20
            while not charges.ledger(ctx, alice.user) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)

    asyncio.run(serve_a_while())
    assert [c.amount for c in charges.ledger(ctx, alice.user)] == [5.0]


def test_no_sweeper_means_nothing_happens_in_process(ctx, clock, make_user):
    alice = make_user()
    g = make_goal(ctx, alice.user, "quiet")
    pledges.shortcircuit(ctx, alice.user, "quiet")
    clock.set(g.losedate + 1)

    async def serve_a_while() -> None:
        app = create_app(ctx)
        async with app.router.lifespan_context(app):
            await asyncio.sleep(0.3)

    asyncio.run(serve_a_while())
    assert charges.ledger(ctx, alice.user) == []
