"""Queries on the goals table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from brickroad.store.tables import goals


def insert_goal(conn: Connection, values: dict[str, Any]) -> int:
    values = {k: v for k, v in values.items() if k != "id"}
    return int(conn.execute(insert(goals).values(**values).returning(goals.c.id)).scalar_one())


def by_slug(conn: Connection, user_id: int, slug: str, for_update: bool = False) -> RowMapping | None:
    stmt = select(goals).where(goals.c.user_id == user_id, goals.c.slug == slug, goals.c.deleted_at.is_(None))
    if for_update and conn.dialect.name == "postgresql":
        # Serialise writers of one goal so each recompute sees the previous one's points.
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()


def slug_exists(conn: Connection, user_id: int, slug: str) -> bool:
    stmt = select(goals.c.id).where(goals.c.user_id == user_id, goals.c.slug == slug)
    return conn.execute(stmt).first() is not None


def for_user(conn: Connection, user_id: int, archived: bool | None = None) -> list[RowMapping]:
    stmt = select(goals).where(goals.c.user_id == user_id, goals.c.deleted_at.is_(None))
    if archived is True:
        stmt = stmt.where(goals.c.archived_at.is_not(None))
    elif archived is False:
        stmt = stmt.where(goals.c.archived_at.is_(None))
    return list(conn.execute(stmt.order_by(goals.c.id)).mappings())


def updated_since(conn: Connection, user_id: int, since: int) -> list[RowMapping]:
    stmt = select(goals).where(
        goals.c.user_id == user_id, goals.c.deleted_at.is_(None), goals.c.updated_at >= since
    )
    return list(conn.execute(stmt.order_by(goals.c.id)).mappings())


def deleted_since(conn: Connection, user_id: int, since: int) -> list[RowMapping]:
    stmt = select(goals.c.id, goals.c.slug).where(
        goals.c.user_id == user_id, goals.c.deleted_at.is_not(None), goals.c.deleted_at >= since
    )
    return list(conn.execute(stmt.order_by(goals.c.id)).mappings())


def points_rev(conn: Connection, goal_id: int) -> int | None:
    """The goal's points_rev, with the row locked on PostgreSQL (recompute reads points after this)."""
    stmt = select(goals.c.points_rev).where(goals.c.id == goal_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return conn.execute(stmt).scalar_one_or_none()


def update_goal(conn: Connection, goal_id: int, **values: Any) -> None:
    conn.execute(update(goals).where(goals.c.id == goal_id).values(**values))
