"""Real `brickroad worker` processes: two sharing one PostgreSQL queue, and one killed with SIGKILL mid-batch.

These run on the wall clock (the workers are separate processes), so the data
is made due by building it with a clock set in the past.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from brickroad.clock import ManualClock
from brickroad.config import load_settings
from brickroad.services import accounts, charges, outbox, pledges
from brickroad.services.context import Context
from brickroad.store import outbox as rows
from brickroad.store.db import Database
from brickroad.store.migrate import upgrade
from tests.conftest import PG_REQUIRED, _pg_reachable, pg_database
from tests.jobs.kit import DAY, Receiver, make_goal

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own: worker processes sweep everything in it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        return
    problem = _pg_reachable()
    if problem:
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL unreachable: {problem}")
        pytest.skip(f"PostgreSQL unreachable ({problem}): PostgreSQL tests were NOT run")
    with pg_database() as url:
        yield url


def make_ctx(url: str, data_dir: Path, now: int) -> Context:
    settings = load_settings(data_dir=data_dir, database_url=url, secret=b"test-secret-shared-with-the-worker-0123")
    ctx = Context(Database(url), settings, ManualClock(now))
    upgrade(ctx.db)
    return ctx


def start_worker(url: str, data_dir: Path, lease: int = 3, batch: int = 10) -> subprocess.Popen[bytes]:
    env = dict(os.environ, BRICKROAD_DATABASE_URL=url, BRICKROAD_DATA_DIR=str(data_dir),
               BRICKROAD_SECRET="test-secret-shared-with-the-worker-0123", BRICKROAD_WEBHOOK_ALLOW="127.0.0.1",
               BRICKROAD_WORKER_LEASE=str(lease), BRICKROAD_WORKER_POLL="0.1", BRICKROAD_WORKER_BATCH=str(batch),
               BRICKROAD_WEBHOOK_TIMEOUT="20")
    return subprocess.Popen([sys.executable, "-m", "brickroad.cli.main", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def states(ctx: Context) -> Counter[str]:
    with ctx.db.read() as conn:
        return Counter(rows.counts(conn))


def delivered_ids(receiver: Receiver, path: str) -> Counter[str]:
    return Counter(r.headers["x-brickroad-delivery"] for r in receiver.to(path))


def stop(*procs: subprocess.Popen[bytes]) -> None:
    """SIGTERM all (they finish the row in hand), then wait; SIGKILL stragglers."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_two_workers_share_the_queue_without_double_processing(fresh_url, tmp_path):
    now = int(time.time())
    ctx = make_ctx(fresh_url, tmp_path, now - 3 * DAY)  # goals built three days ago are overdue now
    user = accounts.create_user(ctx, "pair", timezone="America/New_York")
    for i in range(30):
        make_goal(ctx, user, f"g{i}")
        pledges.shortcircuit(ctx, user, f"g{i}")  # $5 at risk, so each derailment is a charge
    receiver = Receiver().start()
    receiver.scripts["/count"] = lambda _r, _g: (time.sleep(0.01), (200, {}))[1]
    try:
        with ctx.db.write() as conn:
            for i in range(300):
                outbox.enqueue(conn, outbox.WEBHOOK, {"n": i}, now=now - 60, url=receiver.url + "/count", user_id=user.pk)
        workers = [start_worker(fresh_url, tmp_path, lease=60), start_worker(fresh_url, tmp_path, lease=60)]
        try:
            wait_for(lambda: states(ctx).get("pending", 0) == 0 and states(ctx).get("delivered", 0) >= 300)
            wait_for(lambda: len(charges.ledger(ctx, user)) >= 30)
            time.sleep(1)  # give a double-processing worker the chance to show itself
        finally:
            stop(*workers)
        got = delivered_ids(receiver, "/count")
        assert len(got) == 300 and set(got.values()) == {1}  # every row once, none twice
        with ctx.db.read() as conn:
            claimers = {r["claimed_by"] for r in rows.for_user(conn, user.pk, limit=1000)}
        assert len(claimers) == 2, claimers  # both workers took part
        ledger = charges.ledger(ctx, user)
        assert len(ledger) == 30 and {c.amount for c in ledger} == {5.0}  # one derailment per goal
    finally:
        receiver.stop()


def test_a_killed_worker_loses_no_delivery(fresh_url, tmp_path):
    now = int(time.time())
    ctx = make_ctx(fresh_url, tmp_path, now)
    user = accounts.create_user(ctx, "crash", timezone="America/New_York")
    release = threading.Event()
    receiver = Receiver().start()

    def first_hangs(_r, _g):  # type: ignore[no-untyped-def]
        if not release.is_set():
            release.wait(30)  # the first worker's requests hang until it has been killed
            return 500, {}
        return 200, {}

    receiver.scripts["/slow"] = first_hangs
    try:
        with ctx.db.write() as conn:
            ids = [outbox.enqueue(conn, outbox.WEBHOOK, {"n": i}, now=now - 1, url=receiver.url + "/slow",
                                  user_id=user.pk) for i in range(12)]
        doomed = start_worker(fresh_url, tmp_path, lease=3, batch=12)
        try:
            wait_for(lambda: len(receiver.to("/slow")) >= 8)  # a batch in flight
        finally:
            doomed.send_signal(signal.SIGKILL)
            doomed.wait()
        release.set()
        assert states(ctx).get("delivered", 0) == 0  # nothing was recorded by the dead worker
        survivor = start_worker(fresh_url, tmp_path, lease=3, batch=12)
        try:
            wait_for(lambda: states(ctx).get("delivered", 0) == 12, timeout=60)
        finally:
            stop(survivor)
        with ctx.db.read() as conn:
            final = [rows.by_id(conn, pk) for pk in ids]
        assert all(r["state"] == "delivered" for r in final)
        assert all(r["attempts"] >= 2 for r in final if r["idempotency_key"] in delivered_ids(receiver, "/slow"))
        # Redelivered with the same idempotency id, which is how receivers dedupe.
        assert set(delivered_ids(receiver, "/slow")) == {r["idempotency_key"] for r in final}
    finally:
        release.set()
        receiver.stop()


def test_worker_once_does_one_round(tmp_path):
    url = f"sqlite:///{tmp_path / 'once.sqlite3'}"
    now = int(time.time())
    ctx = make_ctx(url, tmp_path, now)
    user = accounts.create_user(ctx, "once", timezone="Europe/Paris")
    receiver = Receiver().start()
    try:
        with ctx.db.write() as conn:
            pk = outbox.enqueue(conn, outbox.WEBHOOK, {"n": 1}, now=now - 1, url=receiver.url + "/once",
                                user_id=user.pk)
        env = dict(os.environ, BRICKROAD_DATABASE_URL=url, BRICKROAD_DATA_DIR=str(tmp_path),
                   BRICKROAD_SECRET="test-secret-shared-with-the-worker-0123", BRICKROAD_WEBHOOK_ALLOW="127.0.0.1")
        done = subprocess.run([sys.executable, "-m", "brickroad.cli.main", "worker", "--once"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "claimed 1 item(s)" in done.stdout
        with ctx.db.read() as conn:
            assert rows.by_id(conn, pk)["state"] == "delivered"
        assert len(receiver.to("/once")) == 1
    finally:
        receiver.stop()
