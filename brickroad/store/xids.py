"""Lookups by external id (xid) for goals and datapoints."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from brickroad.store.tables import datapoints, goals


def goal_slug_by_xid(conn: Connection, user_id: int, xid: str) -> str | None:
    stmt = select(goals.c.slug).where(goals.c.user_id == user_id, goals.c.xid == xid, goals.c.deleted_at.is_(None))
    return conn.execute(stmt).scalar()


def goal_slug_by_id(conn: Connection, user_id: int, goal_id: int) -> str | None:
    stmt = select(goals.c.slug).where(goals.c.user_id == user_id, goals.c.id == goal_id, goals.c.deleted_at.is_(None))
    return conn.execute(stmt).scalar()


def goal_xid_taken(conn: Connection, user_id: int, xid: str) -> bool:
    return conn.execute(select(goals.c.id).where(goals.c.user_id == user_id, goals.c.xid == xid)).first() is not None


def point_id_by_xid(conn: Connection, goal_id: int, xid: str) -> int | None:
    stmt = select(datapoints.c.id).where(datapoints.c.goal_id == goal_id, datapoints.c.xid == xid)
    return conn.execute(stmt).scalar()


def point_xids_taken(conn: Connection, goal_id: int, xids: Sequence[str]) -> set[str]:
    if not xids:
        return set()
    stmt = select(datapoints.c.xid).where(datapoints.c.goal_id == goal_id, datapoints.c.xid.in_(list(xids)))
    return {row[0] for row in conn.execute(stmt)}
