"""Shared fixtures: a real database per backend, a real server on loopback, users with tokens.

Storage and API tests take the `ctx` or `server` fixtures and so run once on
SQLite and once on PostgreSQL. PostgreSQL is at 127.0.0.1:5432 (user postgres,
trust auth); each test module gets its own database, dropped afterwards. When it
is unreachable those tests are reported as not run, unless
BRICKROAD_REQUIRE_POSTGRES=1 (CI), where that is a failure.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from brickroad.api.app import create_app
from brickroad.clock import ManualClock
from brickroad.config import OutboundPolicy, load_settings, parse_networks
from brickroad.services import accounts, tokens
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store.db import Database, admin_engine
from brickroad.store.migrate import upgrade

PG_ADMIN_URL = os.environ.get("BRICKROAD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_REQUIRED = os.environ.get("BRICKROAD_REQUIRE_POSTGRES") == "1"
# 2026-11-23 12:00:00 UTC: tests start from a fixed instant and move it themselves.
START = 1795435200

BACKENDS = ["sqlite", "postgresql"]


def _pg_reachable() -> str | None:
    try:
        with admin_engine(PG_ADMIN_URL).connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure means "not reachable" here
        return str(exc).splitlines()[0]


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    _require_pg()
    with pg_database() as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database, for tests of PostgreSQL-only behaviour."""
    _require_pg()
    with pg_database() as url:
        yield url


def _require_pg() -> None:
    problem = _pg_reachable()
    if problem:
        message = f"PostgreSQL at {PG_ADMIN_URL} unreachable ({problem}): PostgreSQL tests were NOT run"
        if PG_REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for the duration of the block."""
    name = f"brickroad_test_{uuid.uuid4().hex[:12]}"
    admin = admin_engine(PG_ADMIN_URL)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def ctx(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    with test_context(database_url, tmp_path_factory.mktemp("data")) as context:
        yield context


@contextmanager
def test_context(database_url: str, data_dir: Path) -> Iterator[Context]:
    """The tests' Context: a migrated database, a ManualClock at START, loopback receivers allowed."""
    settings = load_settings(
        data_dir=data_dir,
        database_url=database_url,
        secret=b"test-secret",
        max_body_bytes=1024 * 1024,
        signups_per_hour=10_000,  # every test signs up from 127.0.0.1; test_security checks the limit
        # Test receivers listen on 127.0.0.1 (as the jobs tests' JobSettings allow); all else private stays refused.
        outbound=OutboundPolicy(allow_networks=parse_networks("127.0.0.1/32")),
    )
    context = Context(db=Database(database_url), settings=settings, clock=ManualClock(START))
    upgrade(context.db)
    try:
        yield context
    finally:
        context.db.dispose()


test_context.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test pytest should collect


@pytest.fixture
def clock(ctx: Context) -> ManualClock:
    assert isinstance(ctx.clock, ManualClock)
    ctx.clock.set(START)
    return ctx.clock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn on a loopback port in a background thread, serving the test's context."""

    def __init__(self, ctx: Context, app: Any = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app or create_app(ctx), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(ctx: Context) -> Iterator[LiveServer]:
    live = LiveServer(ctx)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@dataclass
class Account:
    user: User
    token: str

    @property
    def username(self) -> str:
        return self.user.username


_names = itertools.count(1)


@pytest.fixture
def make_user(ctx: Context):  # type: ignore[no-untyped-def]
    """Factory: a fresh user with a unique name and its auth token."""

    def make(timezone: str = "America/New_York", password: str | None = None, prefix: str = "u") -> Account:
        name = f"{prefix}{next(_names)}_{uuid.uuid4().hex[:6]}"
        user = accounts.create_user(ctx, name, timezone=timezone, password=password)
        return Account(user, tokens.current_token(ctx, user))

    return make


@pytest.fixture
def alice(make_user) -> Account:  # type: ignore[no-untyped-def]
    return make_user(prefix="alice")


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repository (goldens, API examples), overridable for CI layouts."""
    env = os.environ.get("BRICKROAD_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"
