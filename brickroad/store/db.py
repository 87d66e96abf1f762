"""Engine setup for SQLite (embedded default) and PostgreSQL, with explicit read/write transactions."""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import NullPool

_SERIALS = itertools.count(1)
WRITE_LOCK_WAIT = 30.0  # seconds, as the busy timeout
BUSY_TIMEOUT_MS = 30000


class WouldWait(Exception):
    """A write begun under Database.without_waiting found another writer holding the lock."""


def _private_file(url: str) -> None:
    """Create the SQLite file owner-only (0600) before SQLite does, and narrow an existing one:
    it holds webhook secrets and password hashes. SQLite gives its -wal and -shm files the
    main file's mode, so they follow."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path, path + "-wal", path + "-shm"):
        if os.path.exists(name):
            os.chmod(name, 0o600)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so we can choose
        # BEGIN IMMEDIATE for writes: concurrent writers then queue on the
        # busy timeout instead of failing with "database is locked" mid-way.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        driver = conn.connection.driver_connection
        if driver.in_transaction:  # type: ignore[union-attr]
            return  # a sticky read began it on the driver (Database.read); Core joins it
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        # Straight to the driver: exec_driver_sql costs more than the BEGIN itself.
        driver.execute(f"BEGIN {mode}")  # type: ignore[union-attr]


IDLE_PING = 10.0  # seconds a pooled PostgreSQL connection may sit unused before it is checked


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only if it sat idle a while (not on every checkout).

    A ping on every checkout (pool_pre_ping) costs a round trip per request;
    a connection in steady use proves itself, and the connections a database
    restart kills while in use fail once and make SQLAlchemy discard the pool.
    """

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned < IDLE_PING:
            return
        try:
            dbapi_conn.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as exc:
            raise DisconnectionError() from exc  # the pool replaces it and checks out again


class Database:
    """One engine per process; `read()` and `write()` each run one transaction.

    Inside an open `write()` block, further `read()`/`write()` calls on the
    same thread join that transaction instead of opening their own. That is
    what lets a batch of service calls (the /api/v2 `batch` service) commit
    or roll back as one, while each service still manages its own
    transaction when called alone. Likewise `read()` inside `read()` joins
    the outer read (one connection, and on SQLite one snapshot, for an API
    GET's auth and handler); a `write()` inside a `read()` opens its own
    transaction.
    """

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self._active: ContextVar[Connection | None] = ContextVar(f"brickroad-tx-{id(self)}", default=None)
        self._reading: ContextVar[Connection | None] = ContextVar(f"brickroad-rx-{id(self)}", default=None)
        self._sticky = threading.local()
        self._at_once: ContextVar[list[bool] | None] = ContextVar(f"brickroad-now-{id(self)}", default=None)
        # The sticky read's connection and its data version, taken as the read began.
        self._version: ContextVar[tuple[Connection, Hashable] | None] = ContextVar(
            f"brickroad-dv-{id(self)}", default=None)
        if url.startswith("sqlite"):
            self.dialect = "sqlite"
            _private_file(url)
            self.engine = create_engine(
                url,
                echo=echo,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=8,
                max_overflow=16,
            )
            _configure_sqlite(self.engine)
            self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
            self._reader = self.engine  # a read transaction is one WAL snapshot for all its statements
            # SQLite has one writer at a time. Writers of this process queue on this lock
            # (handed over at once) rather than in SQLite's busy handler, which sleeps
            # 1, 2, 5, 10... ms between retries; other processes still meet the busy timeout.
            self._write_lock: threading.Lock | None = threading.Lock()
        elif url.startswith("postgresql"):
            self.dialect = "postgresql"
            # Keep as many as a busy process uses at once (an overflow connection is closed when
            # returned, and opening one costs milliseconds); the same 24 at most as before.
            self.engine = create_engine(url, echo=echo, pool_size=16, max_overflow=8)
            _ping_when_idle(self.engine)
            self._writer = self.engine
            # At READ COMMITTED (PostgreSQL's default, kept here) every statement takes its own
            # snapshot even inside a transaction, so a read transaction buys nothing but the
            # BEGIN and COMMIT round trips: reads run in autocommit.
            self._reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
            self._write_lock = None
        else:
            raise ValueError(f"unsupported database URL: {url.split(':', 1)[0]}")

    @contextmanager
    def read(self, sticky: bool = False) -> Iterator[Connection]:
        """A read: one snapshot for all its statements on SQLite; on PostgreSQL autocommit, each
        statement seeing the latest commits as READ COMMITTED would inside a transaction.
        `sticky`: on a connection this thread keeps checked out between calls (the event
        loop's inline SQLite GETs: saves the pool round trip; one per thread, so never from
        a pool of worker threads)."""
        outer = self._active.get() or self._reading.get()
        if outer is not None:
            yield outer
            return
        if sticky:
            yield from self._sticky_read()
            return
        with self._reader.connect() as conn:
            yield from self._read_on(conn)

    def _read_on(self, conn: Connection) -> Iterator[Connection]:
        with conn.begin():
            token = self._reading.set(conn)
            try:
                yield conn
            finally:
                self._reading.reset(token)

    def _sticky_read(self) -> Iterator[Connection]:
        """A read on this thread's kept connection, begun and ended on the SQLite driver itself.

        SQLAlchemy's transaction bookkeeping costs more than the two statements,
        and hot reads use the driver's cursor anyway (store/fastsql.py). The
        transaction begins with the first statement (fastsql.cursor, or Core's
        autobegin, which on_begin joins), so a read answered from caches by the
        data version, taken first, runs no other statement at all.
        """
        conn = getattr(self._sticky, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self._sticky.conn = self._reader.connect()
        if self.dialect != "sqlite":
            yield from self._read_on(conn)
            return
        token = self._reading.set(conn)
        version = self._version.set((conn, self._data_version(conn)))
        ok = False
        try:
            yield conn
            ok = True
        finally:
            self._version.reset(version)
            self._reading.reset(token)
            _end(conn, ok)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        outer = self._active.get()
        if outer is not None:
            yield outer
            return
        at_once = self._at_once.get()
        if at_once is not None and at_once[0]:
            at_once[0] = False  # only the first write may refuse: later ones may follow what it did
            with self._write_at_once() as conn:
                yield conn
            return
        lock = self._write_lock
        # A bounded wait: past it (a writer stuck for long), fall back to SQLite's own busy timeout.
        locked = lock is not None and lock.acquire(timeout=WRITE_LOCK_WAIT)
        try:
            with self._writer.connect() as conn, conn.begin():
                yield from self._writing(conn)
        finally:
            if locked:
                lock.release()  # type: ignore[union-attr]

    def _writing(self, conn: Connection) -> Iterator[Connection]:
        token = self._active.set(conn)
        try:
            yield conn
        finally:
            self._active.reset(token)

    @contextmanager
    def without_waiting(self) -> Iterator[None]:
        """The first write begun inside raises WouldWait rather than wait for another writer.

        For writes on the event loop, which must never block: SQLite's write
        lock held by another thread or process sends the write to a worker
        thread instead. Only the first write can refuse (before it has written
        anything); PostgreSQL writes never wait for each other at BEGIN, and
        are never run this way.
        """
        token = self._at_once.set([True])
        try:
            yield
        finally:
            self._at_once.reset(token)

    @contextmanager
    def _write_at_once(self) -> Iterator[Connection]:
        """A write on this thread's kept writer connection, whose busy timeout is zero, begun and
        ended on the driver (as sticky reads are: Core's bookkeeping cost more than the BEGIN)."""
        lock = self._write_lock
        if lock is None or not lock.acquire(blocking=False):
            raise WouldWait()
        try:
            conn = getattr(self._sticky, "writer", None)
            if conn is None or conn.closed or conn.invalidated:
                conn = self._sticky.writer = self._writer.connect()
                conn.connection.driver_connection.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]
            driver = conn.connection.driver_connection
            try:
                driver.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
            except sqlite3.OperationalError as exc:  # another process is writing
                raise WouldWait() from exc
            token = self._active.set(conn)
            ok = False
            try:
                yield conn
                ok = True
            finally:
                self._active.reset(token)
                _end(conn, ok)
        finally:
            lock.release()

    def in_read_only(self) -> bool:
        """Whether this context is inside a read that is not also a write: a write started
        here would need a second connection while this one pins its snapshot."""
        return self._reading.get() is not None and self._active.get() is None

    def data_version(self, conn: Connection) -> Hashable | None:
        """A key that stays equal while the database, as this read sees it, is unchanged; None if unknown.

        SQLite's `PRAGMA data_version` changes whenever another connection (of any
        process) commits; `total_changes` covers this connection's own writes, and
        the serial tells connections apart. Caches of rows read under one key can
        answer later reads under the same key without reading the rows again
        (take the key before reading the rows: a cache may then be newer than its
        key, never older). Inside a write the key would outlive a rollback, and
        PostgreSQL has no such counter: both answer None (no shortcut).
        """
        if self.dialect != "sqlite" or self._active.get() is not None:
            return None
        taken = self._version.get()
        if taken is not None and taken[0] is conn:
            return taken[1]
        return self._data_version(conn)

    @staticmethod
    def _data_version(conn: Connection) -> Hashable:
        record = conn.connection
        serial = record.info.get("serial")
        if serial is None:
            serial = record.info["serial"] = next(_SERIALS)
        driver = record.driver_connection
        version = driver.execute("PRAGMA data_version").fetchone()[0]  # type: ignore[union-attr]
        return serial, driver.total_changes, version  # type: ignore[union-attr]

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        for kept in ("conn", "writer"):
            conn = getattr(self._sticky, kept, None)
            if conn is not None:
                conn.close()
                setattr(self._sticky, kept, None)
        self.engine.dispose()


def _end(conn: Connection, commit: bool) -> None:
    """Commit or roll back a transaction begun on the driver (Core may have joined it); a failed
    COMMIT is rolled back, so a kept connection is never left inside a transaction."""
    try:
        _close(conn, commit)
    except BaseException:
        _close(conn, False)
        raise


def _close(conn: Connection, commit: bool) -> None:
    driver = conn.connection.driver_connection
    if conn.in_transaction():
        conn.commit() if commit else conn.rollback()
    elif driver.in_transaction:  # type: ignore[union-attr]
        driver.execute("COMMIT" if commit else "ROLLBACK")  # type: ignore[union-attr]


def admin_engine(url: str) -> Engine:
    """An autocommit engine for CREATE/DROP DATABASE (tests, setup scripts)."""
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
