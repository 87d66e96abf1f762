"""The sweeper: find goals whose next_check_at has come (one index), claim them, process each."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from brickroad.jobs.config import JobSettings
from brickroad.services import sweep
from brickroad.services.context import Context
from brickroad.store import outbox as rows


def sweep_batch(ctx: Context, js: JobSettings, limit: int | None = None) -> int:
    """Claim up to a batch of due goals and process them; returns how many were claimed."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        ids = rows.claim_goals(conn, now, js.lease, limit or js.batch)

    def process(goal_id: int) -> None:
        sweep.process_safely(ctx, goal_id, js.lease)

    threads = js.sweep_threads if ctx.db.dialect == "postgresql" else 1  # SQLite has one writer anyway
    if threads > 1 and len(ids) > 1:
        # Each goal is its own transaction; on PostgreSQL their round trips overlap.
        with ThreadPoolExecutor(max_workers=min(threads, len(ids))) as pool:
            list(pool.map(process, ids))
    else:
        for goal_id in ids:
            process(goal_id)
    return len(ids)


def sweep_all(ctx: Context, js: JobSettings) -> int:
    """Sweep until nothing is due (tests and the benchmark); returns goals processed."""
    total = 0
    for _round in range(100_000):  # a guard: every processed goal is rescheduled past now
        n = sweep_batch(ctx, js)
        total += n
        if n == 0:
            break
    return total
