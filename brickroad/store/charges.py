"""Queries on the charges ledger."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, insert, select

from brickroad.store.tables import charges


def insert_charge(
    conn: Connection, user_id: int, amount: float, note: str | None, kind: str, created_at: int, goal_id: int | None = None
) -> int:
    stmt = insert(charges).values(
        user_id=user_id, goal_id=goal_id, amount=amount, note=note, kind=kind, created_at=created_at
    )
    return int(conn.execute(stmt.returning(charges.c.id)).scalar_one())


def for_user(conn: Connection, user_id: int) -> list[RowMapping]:
    stmt = select(charges).where(charges.c.user_id == user_id).order_by(charges.c.id)
    return list(conn.execute(stmt).mappings())
