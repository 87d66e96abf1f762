"""The store on both backends: migrations, SQLite pragmas, atomic writes, concurrent writers."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import inspect, select, text

from brickroad.services.context import Context
from brickroad.store import users as user_rows
from brickroad.store.db import WouldWait
from brickroad.store.migrate import upgrade
from brickroad.store.tables import users


def test_migrations_create_the_tables_and_rerun_cleanly(ctx: Context) -> None:
    upgrade(ctx.db)  # already at head: a second run is a no-op
    names = set(inspect(ctx.db.engine).get_table_names())
    assert {"users", "oauth_clients", "access_tokens", "alembic_version"} <= names


def test_backend_session_settings(ctx: Context) -> None:
    with ctx.db.read() as conn:
        if ctx.db.dialect == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        else:
            assert int(conn.exec_driver_sql("SHOW server_version_num").scalar()) >= 130000
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"


def test_failed_transaction_leaves_nothing(ctx: Context) -> None:
    with pytest.raises(RuntimeError):
        with ctx.db.write() as conn:
            user_rows.insert_user(conn, username="ghost_rollback", timezone="UTC", created_at=1, updated_at=1)
            raise RuntimeError("crash before commit")
    with ctx.db.read() as conn:
        assert user_rows.by_username(conn, "ghost_rollback") is None


def test_concurrent_writers_queue_instead_of_failing(ctx: Context) -> None:
    with ctx.db.write() as conn:
        pk = user_rows.insert_user(conn, username="counter_user", timezone="UTC", created_at=0, updated_at=0)
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                with ctx.db.write() as conn:
                    current = conn.execute(select(users.c.updated_at).where(users.c.id == pk)).scalar_one()
                    if ctx.db.dialect == "postgresql":  # read-modify-write needs the row lock there
                        current = conn.execute(
                            select(users.c.updated_at).where(users.c.id == pk).with_for_update()
                        ).scalar_one()
                    user_rows.update_user(conn, pk, updated_at=current + 1)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with ctx.db.read() as conn:
        assert conn.execute(select(users.c.updated_at).where(users.c.id == pk)).scalar_one() == 120


def test_ping_reports_health(ctx: Context) -> None:
    assert ctx.db.ping() is True
    with ctx.db.read() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_nested_writes_join_the_outer_transaction(ctx: Context) -> None:
    with pytest.raises(RuntimeError):
        with ctx.db.write():
            with ctx.db.write() as inner:
                user_rows.insert_user(inner, username="joined_a", timezone="UTC", created_at=1, updated_at=1)
            with ctx.db.read() as seen:  # reads inside see the uncommitted row
                assert user_rows.by_username(seen, "joined_a") is not None
            with ctx.db.write() as inner:
                user_rows.insert_user(inner, username="joined_b", timezone="UTC", created_at=1, updated_at=1)
            raise RuntimeError("the batch fails after both inner writes")
    with ctx.db.read() as conn:  # both rolled back together
        assert user_rows.by_username(conn, "joined_a") is None
        assert user_rows.by_username(conn, "joined_b") is None
    with ctx.db.write() as conn:  # and the next transaction starts fresh
        user_rows.insert_user(conn, username="joined_c", timezone="UTC", created_at=1, updated_at=1)
    with ctx.db.read() as conn:
        assert user_rows.by_username(conn, "joined_c") is not None


def test_a_postgresql_connection_killed_while_idle_is_replaced_on_checkout(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connections in steady use aren't pinged; one idle past IDLE_PING is, and a dead one is swapped out."""
    from brickroad.store import db as db_module
    from brickroad.store.db import Database

    db = Database(pg_url)
    try:
        with db.engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        killer = Database(pg_url)  # kill it from another pool while it sits in this one
        with killer.engine.connect() as admin:
            assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        killer.dispose()
        with pytest.raises(Exception), db.read() as conn:  # returned just now: not pinged, the kill shows
            conn.execute(text("SELECT 1"))
        monkeypatch.setattr(db_module, "IDLE_PING", 0.0)  # every connection now counts as idle
        with db.engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        killer = Database(pg_url)
        with killer.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
        with db.read() as conn:  # idle past the limit: pinged, found dead, replaced
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        db.dispose()


def test_data_version_moves_with_every_commit_and_is_none_when_unknown(ctx: Context) -> None:
    with ctx.db.write() as conn:
        assert ctx.db.data_version(conn) is None  # a rollback would outlive any key taken here
    if ctx.db.dialect != "sqlite":
        with ctx.db.read() as conn:
            assert ctx.db.data_version(conn) is None  # PostgreSQL: no shortcut, rows are read
        return

    def sticky_version() -> object:
        with ctx.db.read(sticky=True) as conn:
            return ctx.db.data_version(conn)

    first = sticky_version()
    assert first is not None and sticky_version() == first  # nothing committed: the same key
    with ctx.db.write() as conn:  # this process, another connection
        user_rows.insert_user(conn, username="dv_one", timezone="UTC", created_at=1, updated_at=1)
    second = sticky_version()
    assert second != first
    other = sqlite3.connect(ctx.db.url.removeprefix("sqlite:///"))  # as another process would
    try:
        other.execute("UPDATE users SET updated_at = 2 WHERE username = 'dv_one'")
        other.commit()
    finally:
        other.close()
    assert sticky_version() != second


def test_a_write_without_waiting_refuses_while_another_writer_holds_the_lock(ctx: Context) -> None:
    if ctx.db.dialect != "sqlite":  # never run this way: the event loop leaves them to threads
        with pytest.raises(WouldWait), ctx.db.without_waiting(), ctx.db.write() as conn:
            user_rows.insert_user(conn, username="dv_refused", timezone="UTC", created_at=1, updated_at=1)
        with ctx.db.read() as conn:
            assert user_rows.by_username(conn, "dv_refused") is None
        return
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with ctx.db.write():
            holding.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    try:
        with pytest.raises(WouldWait), ctx.db.without_waiting(), ctx.db.write() as conn:
            user_rows.insert_user(conn, username="dv_refused", timezone="UTC", created_at=1, updated_at=1)
    finally:
        done.set()
        holder.join(10)
    other = sqlite3.connect(ctx.db.url.removeprefix("sqlite:///"))  # another process writing
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(WouldWait), ctx.db.without_waiting(), ctx.db.write() as conn:
            user_rows.insert_user(conn, username="dv_refused", timezone="UTC", created_at=1, updated_at=1)
    finally:
        other.rollback()
        other.close()
    # Free again: the first write goes ahead; a second one waits as usual (it may follow the first).
    with ctx.db.without_waiting():
        with ctx.db.write() as conn:
            user_rows.insert_user(conn, username="dv_first", timezone="UTC", created_at=1, updated_at=1)
        with ctx.db.write() as conn:
            user_rows.insert_user(conn, username="dv_second", timezone="UTC", created_at=1, updated_at=1)
    with ctx.db.read() as conn:
        assert user_rows.by_username(conn, "dv_refused") is None
        assert user_rows.by_username(conn, "dv_first") is not None
        assert user_rows.by_username(conn, "dv_second") is not None
