"""Queries on the goals table."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, RowMapping, insert, select

from brickroad.store.fastsql import Select, raw_query, scalar, update_by_id
from brickroad.store.tables import goals

_BY_SLUG = Select(goals, "user_id = ? AND slug = ? AND deleted_at IS NULL")
COLUMNS = _BY_SLUG.names


def insert_goal(conn: Connection, values: dict[str, Any]) -> int:
    values = {k: v for k, v in values.items() if k != "id"}
    return int(conn.execute(insert(goals).values(**values).returning(goals.c.id)).scalar_one())


def by_slug(conn: Connection, user_id: int, slug: str, for_update: bool = False) -> dict[str, Any] | None:
    return _BY_SLUG.mapping(by_slug_row(conn, user_id, slug, for_update))


def by_slug_row(conn: Connection, user_id: int, slug: str, for_update: bool = False) -> tuple[Any, ...] | None:
    """The goal row as a tuple in COLUMNS order (raw SQL: every goal call reads it)."""
    # FOR UPDATE: serialise writers of one goal so each recompute sees the previous one's points.
    suffix = " FOR UPDATE" if for_update and conn.dialect.name == "postgresql" else ""
    return _BY_SLUG.first(conn, (user_id, slug), suffix)


def by_slug_raw(conn: Connection, user_id: int, slug: str) -> tuple[Any, ...] | None:
    """The goal row as the driver gives it (a cache key); `fix_row` makes it what by_slug_row gives."""
    return _BY_SLUG.first_raw(conn, (user_id, slug))


def fix_row(conn: Connection, raw: tuple[Any, ...]) -> tuple[Any, ...]:
    return _BY_SLUG.fix(conn, raw)


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
    lock = " FOR UPDATE" if conn.dialect.name == "postgresql" else ""
    return scalar(conn, "SELECT points_rev FROM goals WHERE id = ?" + lock, (goal_id,))


def update_goal(conn: Connection, goal_id: int, **values: Any) -> None:
    update_by_id(conn, goals, goal_id, values)  # plain values only (every recompute stores its results)


class GoalSummary(NamedTuple):
    """What the plain user GET needs of each active goal: slug, buffer, burner and urgency-key fields."""

    slug: str
    safebuf: int | None
    burner: str
    losedate: int | None
    pledge: float
    frozen: bool
    archived_at: int | None
    id: int
    next_check_at: int | None


_SUMMARIES = (
    "SELECT slug, safebuf, burner, losedate, pledge, frozen, archived_at, id, next_check_at FROM goals "
    "WHERE user_id = ? AND deleted_at IS NULL AND archived_at IS NULL ORDER BY id"
)


def summaries_for_user(conn: Connection, user_id: int) -> list[GoalSummary]:
    """Active goals' summaries (raw SQL: the user GET asks on every call)."""
    return [GoalSummary(*r[:5], bool(r[5]), *r[6:]) for r in raw_query(conn, _SUMMARIES, (user_id,))]
