"""Sweeper benchmark: time to process N goals of which a fraction are due; prints the figures.

    .venv/bin/python bench/sweeper.py [--goals 100000] [--due 0.01] [--backend sqlite|postgresql|both]
                                      [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Setup (not timed) bulk-inserts users, goals and their initial datapoints with
Core executemany, copying the rows of one goal made through the services.
Due goals are overdue derailments with $5 at risk: each is claimed, charged,
stepped up to $10, given its respite road and recomputed, with its outbox
events, in its own transaction. The rest have next_check_at a month out and
must cost nothing: the claim query goes through the next_check_at index.
"""

from __future__ import annotations

import argparse
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
from brickroad.services import accounts, goals, pledges  # noqa: E402
from brickroad.services.context import Context  # noqa: E402
from brickroad.store import outbox as outbox_rows  # noqa: E402
from brickroad.store.db import Database  # noqa: E402
from brickroad.store.migrate import upgrade  # noqa: E402
from brickroad.store.tables import charges, datapoints, users  # noqa: E402
from brickroad.store.tables import goals as goal_table  # noqa: E402

START = 1795435200  # 2026-11-23 12:00 UTC
DAY = 86400
GOALS_PER_USER = 100
CHUNK = 5000


def _chunks(rows: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


def populate(ctx: Context, n_goals: int, due_fraction: float) -> int:
    """Users, goals and initial datapoints by bulk insert; returns how many goals are due."""
    template_user = accounts.create_user(ctx, "template", timezone="America/New_York")
    goals.create(ctx, template_user, {"slug": "tpl", "goal_type": "hustler", "gunits": "reps", "rate": 1,
                                      "runits": "d", "goalval": 1000})
    pledges.shortcircuit(ctx, template_user, "tpl")  # $5 at risk
    with ctx.db.read() as conn:
        urow = dict(conn.execute(select(users).where(users.c.id == template_user.pk)).mappings().one())
        grow = dict(conn.execute(select(goal_table).where(goal_table.c.slug == "tpl")).mappings().one())
        prow = dict(conn.execute(select(datapoints).where(datapoints.c.goal_id == grow["id"])).mappings().one())
    n_users = (n_goals + GOALS_PER_USER - 1) // GOALS_PER_USER
    tag = uuid.uuid4().hex[:6]
    user_rows = []
    for i in range(n_users):
        u = {k: v for k, v in urow.items() if k != "id"}
        u.update(username=f"b{tag}{i}", token_hash=None)
        user_rows.append(u)
    with ctx.db.write() as conn:
        for chunk in _chunks(user_rows):
            conn.execute(insert(users), chunk)
        first_uid = conn.execute(select(func.min(users.c.id)).where(users.c.username.like(f"b{tag}%"))).scalar_one()
    every = max(1, round(1 / due_fraction)) if due_fraction > 0 else n_goals + 1
    due = 0
    goal_rows = []
    for i in range(n_goals):
        g = {k: v for k, v in grow.items() if k != "id"}
        is_due = i % every == 0
        due += is_due
        g.update(user_id=first_uid + i // GOALS_PER_USER, slug=f"g{i}",
                 # Due: the goal's losedate (end of 11-24 in New York) has passed by the sweep time.
                 next_check_at=grow["losedate"] + 1 if is_due else START + 30 * DAY,
                 losedate=grow["losedate"] if is_due else START + 30 * DAY)
        goal_rows.append(g)
    with ctx.db.write() as conn:
        for chunk in _chunks(goal_rows):
            conn.execute(insert(goal_table), chunk)
        ids = [r[0] for r in conn.execute(select(goal_table.c.id).where(goal_table.c.slug.like("g%")).order_by(goal_table.c.id))]
        point_rows = []
        for gid in ids:
            p = {k: v for k, v in prow.items() if k != "id"}
            p["goal_id"] = gid
            point_rows.append(p)
        for chunk in _chunks(point_rows):
            conn.execute(insert(datapoints), chunk)
    if ctx.db.dialect == "postgresql":
        with ctx.db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return due


def run(url: str, n_goals: int, due_fraction: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), database_url=url, secret=b"bench")
        ctx = Context(Database(url), settings, ManualClock(START))
        upgrade(ctx.db)
        t0 = time.perf_counter()
        due = populate(ctx, n_goals, due_fraction)
        setup = time.perf_counter() - t0
        ctx.clock.set(START + 3 * DAY)  # the due goals' deadline has passed
        js = JobSettings(batch=200, lease=600, worker_id="bench")
        t0 = time.perf_counter()
        processed = sweep_all(ctx, js)
        elapsed = time.perf_counter() - t0
        with ctx.db.read() as conn:
            n_charges = conn.execute(select(func.count()).select_from(charges)).scalar_one()
            n_derail = conn.execute(select(func.count()).select_from(outbox_rows.derailments)).scalar_one()
            left = conn.execute(select(func.count()).where(goal_table.c.next_check_at <= ctx.clock.now())).scalar_one()
        # A sweep with nothing due: the cost of looking (one index probe).
        t1 = time.perf_counter()
        sweep_all(ctx, js)
        idle = time.perf_counter() - t1
        ctx.db.dispose()
    print(f"{ctx.db.dialect:10s} goals={n_goals} due={due} setup={setup:.1f}s "
          f"sweep={elapsed:.2f}s ({processed} processed, {1000 * elapsed / max(1, processed):.1f} ms/goal; "
          f"derailments={n_derail} charges={n_charges} still_due={left}) idle_sweep={1000 * idle:.1f}ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--goals", type=int, default=100_000)
    ap.add_argument("--due", type=float, default=0.01)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = ap.parse_args()
    on_backends(args.backend, args.pg_url, lambda url: run(url, args.goals, args.due))


if __name__ == "__main__":
    main()
