"""A goal whose sweep keeps crashing is retried later and later, not every lease forever; success resets it."""

from __future__ import annotations

from brickroad.jobs.sweeper import sweep_batch
from brickroad.services import sweep
from brickroad.store import outbox as rows
from tests.jobs.kit import make_goal, reload


def test_crashing_sweeps_back_off_and_a_success_resets_the_count(ctx, clock, make_user, js, monkeypatch):
    alice = make_user()
    g = make_goal(ctx, alice.user, "flaky")
    clock.set(g.losedate + 1)  # due: it derails when it gets through
    real = sweep.process_in

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in the sweeper")

    monkeypatch.setattr(sweep, "process_in", crash)
    for failures in (1, 2, 3):
        assert sweep_batch(ctx, js) == 1
        g = reload(ctx, alice.user, "flaky")
        assert g.sweep_failures == failures and not g.lost
        assert g.next_check_at == clock.now() + js.lease * 2 ** failures
        assert sweep_batch(ctx, js) == 0  # nothing due until then
        clock.set(g.next_check_at)
    for _ in range(10):  # capped
        sweep_batch(ctx, js)
        clock.set(reload(ctx, alice.user, "flaky").next_check_at)
    assert reload(ctx, alice.user, "flaky").next_check_at - clock.now() <= sweep.MAX_BACKOFF

    monkeypatch.setattr(sweep, "process_in", real)
    assert sweep_batch(ctx, js) == 1
    g = reload(ctx, alice.user, "flaky")
    assert g.sweep_failures == 0
    with ctx.db.read() as conn:
        [d] = rows.derailments_for_goal(conn, g.id)  # the late sweep still derails it, once
    assert d["cause"] == "deadline"
