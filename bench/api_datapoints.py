"""Datapoint-create and goal-GET throughput on a goal with 10k datapoints, as a ratio to bare Starlette.

Usage: .venv/bin/python bench/api_datapoints.py [--seconds 3] [--connections 8] [--points 10000]
                                                 [--backends sqlite,postgresql]

For each backend: seed a user and a goal with N datapoints through the services,
start brickroad (uvicorn, one worker) in a subprocess, and measure with an async
httpx load generator for a bounded time:
  - GET  /api/v1/users/me/goals/bench.json        (full goal object, road arrays, recent data)
  - POST /api/v1/users/me/goals/bench/datapoints.json  (insert + road recompute over all points)
next to a bare Starlette JSON endpoint measured in the same run. Prints figures only;
targets are >= 0.4 of bare for GET and >= 0.25 for create.
PostgreSQL uses a scratch database at BRICKROAD_TEST_PG_URL's server (skipped if unreachable).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.loadgen import free_port, start_server  # noqa: E402
from brickroad.clock import SystemClock  # noqa: E402
from brickroad.config import load_settings  # noqa: E402
from brickroad.services import accounts, tokens  # noqa: E402
from brickroad.services import datapoints as point_service  # noqa: E402
from brickroad.services import goals as goal_service  # noqa: E402
from brickroad.services.context import Context  # noqa: E402
from brickroad.store.db import Database, admin_engine  # noqa: E402
from brickroad.store.migrate import upgrade  # noqa: E402

PG_ADMIN_URL = os.environ.get("BRICKROAD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Rate:
    ok: int
    errors: int
    seconds: float
    statuses: str = ""

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


async def _hammer(url: str, method: str, data: dict[str, str] | None, seconds: float, conns: int) -> Rate:
    counts = [0, 0]
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        stop = time.monotonic() + seconds
        start = time.monotonic()

        async def worker() -> None:
            while time.monotonic() < stop:
                r = await client.request(method, url, data=data)
                counts[0 if r.status_code == 200 else 1] += 1
                if r.status_code != 200:
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(conns)))
        return Rate(counts[0], counts[1], time.monotonic() - start, str(statuses) if statuses else "")


def hammer(url: str, method: str = "GET", data: dict[str, str] | None = None, seconds: float = 3, conns: int = 8) -> Rate:
    return asyncio.run(_hammer(url, method, data, seconds, conns))


def seed(url: str, data_dir: str, n: int) -> str:
    """A user and a 10k-point goal, written through the services; returns the auth token."""
    settings = load_settings(data_dir=data_dir, database_url=url, secret=b"bench")
    ctx = Context(db=Database(url), settings=settings, clock=SystemClock())
    upgrade(ctx.db)
    user = accounts.create_user(ctx, "bench")
    now = ctx.clock.now()
    goal_service.create(ctx, user, {"slug": "bench", "goal_type": "hustler", "gunits": "reps", "rate": 1,
                                    "runits": "d", "goaldate": now + 2 * 365 * 86400})
    # One point every 50 minutes back from now: ~350 days of data, several points a day.
    points = [{"value": 1, "timestamp": now - i * 3000, "comment": f"p{i}"} for i in range(n)]
    for i in range(0, n, point_service.MAX_BATCH):
        point_service.create_all(ctx, user, "bench", points[i:i + point_service.MAX_BATCH])
    token = tokens.current_token(ctx, user)
    ctx.db.dispose()
    return token


def run_backend(name: str, url: str, args: argparse.Namespace, bare: Rate) -> None:
    data_dir = tempfile.mkdtemp(prefix=f"brickroad-bench-{name}-")
    t0 = time.monotonic()
    token = seed(url, data_dir, args.points)
    seeded = time.monotonic() - t0
    port = free_port()
    # Quotas off: the bench is one user doing far more than a day's allowance.
    env = {"BRICKROAD_DATA_DIR": data_dir, "BRICKROAD_DATABASE_URL": url, "BRICKROAD_SECRET": "bench",
           "BRICKROAD_QUOTAS": "off"}
    server = start_server("brickroad.api.asgi:create", port, env=env, factory=True)
    base = f"http://127.0.0.1:{port}/api/v1/users/me/goals/bench"
    try:
        hammer(f"{base}.json?auth_token={token}", seconds=0.5, conns=2)  # warm up
        get = hammer(f"{base}.json?auth_token={token}", seconds=args.seconds, conns=args.connections)
        post = hammer(f"{base}/datapoints.json", "POST", {"auth_token": token, "value": "1"},
                      seconds=args.seconds, conns=args.connections)
    finally:
        server.terminate()
        server.wait(10)
    print(f"[{name}] seeded {args.points} points in {seeded:.1f}s")
    print(f"[{name}] GET goal.json         {get.rps:8.0f} req/s  ({get.errors} errors{get.statuses})  ratio {get.rps / bare.rps:5.2f}  (target >= 0.40)")
    print(f"[{name}] POST datapoints.json  {post.rps:8.0f} req/s  ({post.errors} errors{post.statuses})  ratio {post.rps / bare.rps:5.2f}  (target >= 0.25)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--points", type=int, default=10000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()

    port = free_port()
    bare_server = start_server("bench.bare_app:app", port)
    try:
        hammer(f"http://127.0.0.1:{port}/user", seconds=0.5, conns=2)
        bare = hammer(f"http://127.0.0.1:{port}/user", seconds=args.seconds, conns=args.connections)
    finally:
        bare_server.terminate()
        bare_server.wait(10)
    print(f"bare starlette JSON        {bare.rps:8.0f} req/s  ({bare.errors} errors)  [same httpx load generator]")

    for name in args.backends.split(","):
        if name == "sqlite":
            run_backend("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='brickroad-bench-db-')}/bench.sqlite3", args, bare)
        elif name == "postgresql":
            dbname = f"brickroad_bench_{uuid.uuid4().hex[:8]}"
            try:
                admin = admin_engine(PG_ADMIN_URL)
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
            except Exception as exc:  # no server: say so and go on
                print(f"[postgresql] skipped: {str(exc).splitlines()[0]}")
                continue
            try:
                run_backend("postgresql", PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + dbname, args, bare)
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
                admin.dispose()


if __name__ == "__main__":
    main()
