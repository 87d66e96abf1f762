"""Day rollover benchmark: every active goal is recomputed as its day turns over; can one worker keep up?

    .venv/bin/python bench/rollover.py [--goals 2000] [--points 365] [--backend sqlite|postgresql|both]

Setup (not timed) bulk-inserts users with 100 goals each, every goal with a
year of daily datapoints (--points, varied ±50% per goal so aggregation and
buffers differ), all made through one template goal's rows. Then the clock
moves to the goals' day start and the sweeper rolls every goal over: claim,
derail check, recompute as of the new day (the whole engine on all points,
with a cold point cache, as after a restart), reschedule, graph render
queued. Printed: goals per second, and what that means for 100k goals on one
worker as a share of the day they must fit in (the reference: 86,400 s).
The engine alone on the same goals is timed too, so the ratio shows what the
sweep adds around it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.backends import DEFAULT_PG_URL, on_backends  # noqa: E402
from brickroad.clock import ManualClock  # noqa: E402
from brickroad.config import load_settings  # noqa: E402
from brickroad.jobs.config import JobSettings  # noqa: E402
from brickroad.jobs.sweeper import sweep_all  # noqa: E402
from brickroad.services import accounts, days, goals, pointcache, roadcalc  # noqa: E402
from brickroad.services.context import Context  # noqa: E402
from brickroad.services.goal_models import Goal  # noqa: E402
from brickroad.store.db import Database  # noqa: E402
from brickroad.store.migrate import upgrade  # noqa: E402
from brickroad.store.tables import datapoints, users  # noqa: E402
from brickroad.store.tables import goals as goal_table  # noqa: E402

START = 1795435200  # 2026-11-23 12:00 UTC, 07:00 in New York
DAY = 86400
GOALS_PER_USER = 100
CHUNK = 5000
TARGET_GOALS = 100_000


def populate(ctx: Context, n_goals: int, points: int) -> list[int]:
    """Users and goals with a history of daily points, by bulk insert; returns the goal ids."""
    tpl_user = accounts.create_user(ctx, "template", timezone="America/New_York")
    goals.create(ctx, tpl_user, {"slug": "tpl", "goal_type": "hustler", "gunits": "reps", "rate": 1,
                                 "runits": "d", "goalval": 100_000, "initval": 0})
    with ctx.db.read() as conn:
        urow = dict(conn.execute(select(users).where(users.c.id == tpl_user.pk)).mappings().one())
        grow = dict(conn.execute(select(goal_table).where(goal_table.c.slug == "tpl")).mappings().one())
    rng = random.Random(7)
    tag = uuid.uuid4().hex[:6]
    with ctx.db.write() as conn:
        for lo in range(0, (n_goals + GOALS_PER_USER - 1) // GOALS_PER_USER, CHUNK):
            hi = min(lo + CHUNK, (n_goals + GOALS_PER_USER - 1) // GOALS_PER_USER)
            conn.execute(insert(users), [{**{k: v for k, v in urow.items() if k != "id"},
                                          "username": f"r{tag}{i}", "token_hash": None} for i in range(lo, hi)])
        first_uid = conn.execute(select(func.min(users.c.id)).where(users.c.username.like(f"r{tag}%"))).scalar_one()
        day_start = days.next_day_start(START, "America/New_York", 0)
        rows = []
        for i in range(n_goals):
            n = max(1, int(points * rng.uniform(0.5, 1.5)))
            g = {k: v for k, v in grow.items() if k != "id"}
            # The road starts n days back, so the goal has been going as long as its data.
            g.update(user_id=first_uid + i // GOALS_PER_USER, slug=f"g{i}", initday=START - n * DAY,
                     next_check_at=day_start, points_rev=None)
            rows.append(g)
        for lo in range(0, n_goals, CHUNK):
            conn.execute(insert(goal_table), rows[lo:lo + CHUNK])
        ids = [r[0] for r in conn.execute(select(goal_table.c.id).where(goal_table.c.slug.like("g%"))
                                          .order_by(goal_table.c.id))]
        batch: list[dict[str, Any]] = []
        for gid, g in zip(ids, rows):
            n = (START - g["initday"]) // DAY
            for k in range(n):
                t = g["initday"] + k * DAY + 3600
                batch.append(dict(goal_id=gid, timestamp=t, daystamp=days.daystamp_of(t, "America/New_York", 0),
                                  value=float(rng.randint(0, 3)), comment="", requestid=None, origin="api",
                                  creator="bench", is_dummy=False, is_initial=False, urtext=None,
                                  created_at=t, updated_at=t))
            if len(batch) >= CHUNK:
                conn.execute(insert(datapoints), batch)
                batch = []
        if batch:
            conn.execute(insert(datapoints), batch)
    if ctx.db.dialect == "postgresql":
        with ctx.db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return ids


def engine_only(ctx: Context, ids: list[int], now: int) -> float:
    """Seconds to read every goal's points and run the engine on them, nothing stored: the reference."""
    tz = "America/New_York"
    t0 = time.perf_counter()
    with ctx.db.read() as conn:
        for gid in ids:
            row = conn.execute(select(goal_table).where(goal_table.c.id == gid)).mappings().one()
            goal = Goal.from_row(row)
            gp = pointcache.fetch(conn, gid)
            pts = roadcalc.Points(gp.daystamps, gp.values, gp.comments, columns=gp.columns())
            roadcalc.derive(goal, tz, pts, now)
    return time.perf_counter() - t0


def run(url: str, n_goals: int, points: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), database_url=url, secret=b"bench" * 8)
        ctx = Context(Database(url), settings, ManualClock(START))
        upgrade(ctx.db)
        t0 = time.perf_counter()
        ids = populate(ctx, n_goals, points)
        setup = time.perf_counter() - t0
        ctx.clock.set(days.next_day_start(START, "America/New_York", 0) + 60)  # a minute into the new day
        reference = engine_only(ctx, ids, ctx.clock.now())
        pointcache.CACHE.clear()
        js = JobSettings(batch=200, lease=600, worker_id="bench")
        t0 = time.perf_counter()
        processed = sweep_all(ctx, js)
        elapsed = time.perf_counter() - t0
        with ctx.db.read() as conn:
            behind = conn.execute(select(func.count()).where(goal_table.c.next_check_at <= ctx.clock.now())).scalar_one()
            stale = conn.execute(select(func.count()).where(goal_table.c.id.in_(ids),
                                                            ~goal_table.c.stats.like('%"today":"20261124"%'))).scalar_one()
        ctx.db.dispose()
    per_goal = elapsed / max(1, processed)
    full = per_goal * TARGET_GOALS
    print(f"{ctx.db.dialect:10s} goals={n_goals} points/goal~{points} setup={setup:.0f}s "
          f"rollover={elapsed:.2f}s ({processed / elapsed:.0f} goals/s, {1000 * per_goal:.2f} ms/goal; "
          f"still behind={behind}, not on the new day={stale}) engine alone={reference:.2f}s "
          f"(sweep/engine {elapsed / reference:.2f}x); {TARGET_GOALS:,} goals on one worker: "
          f"{full / 60:.1f} min = {100 * full / DAY:.2f}% of a day")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--goals", type=int, default=2000)
    ap.add_argument("--points", type=int, default=365)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = ap.parse_args()
    on_backends(args.backend, args.pg_url, lambda url: run(url, args.goals, args.points))


if __name__ == "__main__":
    main()
