"""API usage counters per user and local day, and per-user quota overrides."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, ForeignKey, Integer, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from brickroad.store.tables import metadata

api_usage = Table(
    "api_usage",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("day", String(8), primary_key=True),  # YYYYMMDD in the user's timezone
    Column("requests", BigInteger, nullable=False),
    Column("bytes", BigInteger, nullable=False),
)

api_quotas = Table(
    "api_quotas",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("requests", BigInteger, nullable=True),
    Column("bytes", BigInteger, nullable=True),
)


def add_usage(conn: Connection, user_id: int, day: str, requests: int, nbytes: int) -> None:
    """Atomic increment: an upsert, so concurrent writers never lose counts."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(api_usage).values(user_id=user_id, day=day, requests=requests, bytes=nbytes)
    stmt = stmt.on_conflict_do_update(
        index_elements=[api_usage.c.user_id, api_usage.c.day],
        set_={"requests": api_usage.c.requests + requests, "bytes": api_usage.c.bytes + nbytes},
    )
    conn.execute(stmt)


def get_usage(conn: Connection, user_id: int, day: str) -> tuple[int, int]:
    row = conn.execute(
        select(api_usage.c.requests, api_usage.c.bytes).where(api_usage.c.user_id == user_id, api_usage.c.day == day)
    ).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def get_override(conn: Connection, user_id: int) -> tuple[int | None, int | None]:
    row = conn.execute(select(api_quotas.c.requests, api_quotas.c.bytes).where(api_quotas.c.user_id == user_id)).first()
    return (row[0], row[1]) if row else (None, None)


def set_override(conn: Connection, user_id: int, requests: int | None, nbytes: int | None) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(api_quotas).values(user_id=user_id, requests=requests, bytes=nbytes)
    conn.execute(stmt.on_conflict_do_update(index_elements=[api_quotas.c.user_id], set_={"requests": requests, "bytes": nbytes}))
