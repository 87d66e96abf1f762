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
