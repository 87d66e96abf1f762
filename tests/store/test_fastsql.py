"""Raw hot-path SELECTs (store/fastsql.py) give exactly what Core gives, types included, on both backends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from brickroad.services import accounts
from brickroad.services import datapoints as point_service
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.store import datapoints as point_rows
from brickroad.store import goals as goal_rows
from brickroad.store import users as user_rows
from brickroad.store.tables import datapoints, goals, users


def _typed(row: Any) -> dict[str, tuple[type, Any]]:
    return {k: (type(v), v) for k, v in dict(row).items()}


def test_hot_queries_match_core(ctx: Context) -> None:
    user = accounts.create_user(ctx, "fastsql_user")
    now = ctx.clock.now()
    goal_service.create(ctx, user, {"slug": "fast", "goal_type": "custom", "gunits": "u", "rate": 1.5,
                                    "runits": "d", "goaldate": now + 100 * 86400, "integery": "true"})
    for k in range(7):
        point_service.create(ctx, user, "fast", {"value": k + 0.25, "comment": f"c{k}", "requestid": f"r{k}"})
    with ctx.db.write() as conn:
        user_rows.update_user(conn, user.pk, token_hash="h" * 64)
        core_user = conn.execute(select(users).where(users.c.token_hash == "h" * 64)).mappings().first()
        assert _typed(user_rows.by_token_hash(conn, "h" * 64)) == _typed(core_user)
        assert user_rows.by_token_hash(conn, "nope") is None

        core_goal = conn.execute(select(goals).where(goals.c.user_id == user.pk, goals.c.slug == "fast")).mappings().first()
        for lock in (False, True):
            assert _typed(goal_rows.by_slug(conn, user.pk, "fast", for_update=lock)) == _typed(core_goal)
        assert goal_rows.by_slug(conn, user.pk, "missing") is None
        assert goal_rows.points_rev(conn, core_goal["id"]) == core_goal["points_rev"] is not None

        core_points = conn.execute(
            select(datapoints).where(datapoints.c.goal_id == core_goal["id"])
            .order_by(datapoints.c.timestamp.desc(), datapoints.c.id.desc()).limit(5)
        ).mappings().all()
        fast = point_rows.newest(conn, core_goal["id"], 5)
        assert [_typed(r) for r in fast] == [_typed(r) for r in core_points]
        assert any(isinstance(v, bool) for v in fast[0].values())


def test_nested_reads_share_one_transaction(ctx: Context) -> None:
    with ctx.db.read() as outer:
        with ctx.db.read() as inner:
            assert inner is outer
        with ctx.db.write() as w:  # a write inside a read has its own transaction
            assert w is not outer
            with ctx.db.read() as r:
                assert r is w


def test_raw_insert_and_update_store_what_core_would(ctx: Context) -> None:
    import pytest

    from brickroad.store import fastsql

    user = accounts.create_user(ctx, "fastsql_writer")
    with ctx.db.write() as conn:
        user_rows.update_user(conn, user.pk, api_enabled=False, email=None, default_leadtime=3, updated_at=12345)
        row = conn.execute(select(users).where(users.c.id == user.pk)).mappings().first()
        assert (row["api_enabled"], row["email"], row["default_leadtime"], row["updated_at"]) == (False, None, 3, 12345)
        with pytest.raises(KeyError):
            fastsql.update_by_id(conn, users, user.pk, {"no_such_column": 1})
        assert fastsql.update_by_id(conn, users, 10**9, {"updated_at": 1}) == 0


def test_sticky_reads_reuse_a_connection_and_still_see_new_commits(ctx: Context) -> None:
    from brickroad.store.db import Database

    db = Database(ctx.db.url)
    try:
        with db.read(sticky=True) as first:
            pass
        with db.write() as conn:
            pk = user_rows.insert_user(conn, username="sticky_reader", timezone="UTC", created_at=0, updated_at=0)
        with db.read(sticky=True) as second:
            assert second is first  # no pool round trip
            assert user_rows.by_id(second, pk) is not None  # a new snapshot each time
        with db.write() as conn:
            user_rows.update_user(conn, pk, updated_at=7)
        with db.read(sticky=True) as third:
            assert third is first and user_rows.by_id(third, pk)["updated_at"] == 7
        # Raw statements only (no Core autobegin): the read still ends, so the next one sees new commits.
        with db.write() as conn:
            user_rows.update_user(conn, pk, token_hash="f" * 64)
        with db.read(sticky=True) as fourth:
            assert user_rows.by_token_hash(fourth, "f" * 64)["id"] == pk
        with db.write() as conn:
            user_rows.update_user(conn, pk, token_hash="e" * 64)
        with db.read(sticky=True) as fifth:
            assert user_rows.by_token_hash(fifth, "e" * 64)["id"] == pk
        with pytest.raises(RuntimeError), db.read(sticky=True) as sixth:
            user_rows.by_id(sixth, pk)
            raise RuntimeError("handler failed")
        with db.read(sticky=True) as seventh:
            assert seventh is first
            assert user_rows.by_id(seventh, pk)["updated_at"] == 7
        if db.dialect == "sqlite":
            assert not first.connection.driver_connection.in_transaction
    finally:
        db.dispose()
    assert first.closed


def test_bulk_insert_hands_back_each_rows_id_in_order(ctx: Context) -> None:
    """One statement for any number of rows (an unnest of arrays on PostgreSQL), NULLs and all."""
    user = accounts.create_user(ctx, "bulk_writer")
    now = ctx.clock.now()
    goal_service.create(ctx, user, {"slug": "bulk", "goal_type": "hustler", "gunits": "u", "rate": 1, "runits": "d",
                                    "goaldate": now + 100 * 86400})

    def row(goal_id: int, k: int) -> dict[str, Any]:
        return dict(goal_id=goal_id, timestamp=now - k, daystamp="20261126", value=k / 4, comment=f"c{k}" * (k % 3),
                    requestid=f"r{k}" if k % 2 else None, origin="api", creator=None if k % 3 else "bulk_writer",
                    is_dummy=k % 5 == 0, is_initial=False, urtext=None, created_at=now, updated_at=now,
                    xid=None)

    with ctx.db.write() as conn:
        goal_id = goal_rows.by_slug(conn, user.pk, "bulk")["id"]
        for n in (1, 7, 40):
            rows = [row(goal_id, k) for k in range(n)]
            ids = point_rows.insert_many_returning(conn, rows)
            stored = {r["id"]: r for r in conn.execute(select(datapoints).where(datapoints.c.id.in_(ids))).mappings()}
            assert [{k: stored[i][k] for k in rows[0]} for i in ids] == rows
            conn.execute(datapoints.delete().where(datapoints.c.id.in_(ids)))
    if ctx.db.dialect == "postgresql":  # an over-long string is refused, not cut short (SQLite has no lengths)
        with pytest.raises(ctx.db.engine.dialect.loaded_dbapi.DataError), ctx.db.write() as conn:
            point_rows.insert_many_returning(conn, [{**row(goal_id, 1), "daystamp": "202611260"}])


def test_a_raw_insert_that_breaks_a_constraint_raises_cores_integrity_error(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `except IntegrityError` in the services catches, on both backends; a lost requestid race
    then answers with the point that won, as a retry would."""
    from sqlalchemy.exc import IntegrityError

    user = accounts.create_user(ctx, "raced_writer")
    now = ctx.clock.now()
    goal_service.create(ctx, user, {"slug": "race", "goal_type": "hustler", "gunits": "u", "rate": 1, "runits": "d",
                                    "goaldate": now + 100 * 86400})
    first = point_service.create(ctx, user, "race", {"value": 1, "requestid": "once"})
    with pytest.raises(IntegrityError), ctx.db.write() as conn:
        point_rows.insert_point(conn, {**{k: getattr(first, k) for k in point_rows.COLUMNS if k != "id"}})
    calls: list[str] = []
    real = point_rows.by_requestid

    def missing_once(conn: Any, goal_id: int, requestid: str) -> Any:
        calls.append(requestid)  # the check before the insert misses the winner once, as in a race
        return None if len(calls) == 1 else real(conn, goal_id, requestid)

    monkeypatch.setattr(point_rows, "by_requestid", missing_once)
    again = point_service.create(ctx, user, "race", {"value": 1, "requestid": "once"})
    assert (again.id, again.status) == (first.id, "duplicate") and len(calls) == 2
