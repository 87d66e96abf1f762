"""Queries on the charges ledger."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, insert, select

from brickroad.store.tables import charges, goals


def insert_charge(
    conn: Connection, user_id: int, amount: float, note: str | None, kind: str, created_at: int, goal_id: int | None = None
) -> int:
    stmt = insert(charges).values(
        user_id=user_id, goal_id=goal_id, amount=amount, note=note, kind=kind, created_at=created_at
    )
    return int(conn.execute(stmt.returning(charges.c.id)).scalar_one())


def for_user(
    conn: Connection, user_id: int, goal_id: int | None = None, limit: int | None = None, offset: int = 0
) -> list[RowMapping]:
    """The user's charges, newest first, each with its goal's slug (null when tied to no goal)."""
    stmt = (
        select(charges, goals.c.slug)
        .select_from(charges.outerjoin(goals, goals.c.id == charges.c.goal_id))
        .where(charges.c.user_id == user_id)
        .order_by(charges.c.id.desc())  # ids only grow (migration 0011): newest first, ties impossible
    )
    if goal_id is not None:
        stmt = stmt.where(charges.c.goal_id == goal_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return list(conn.execute(stmt).mappings())
