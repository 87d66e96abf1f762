"""Queries on the users table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from brickroad.store.fastsql import Select, update_by_id
from brickroad.store.tables import access_tokens, users

_BY_TOKEN_HASH = Select(users, "token_hash = ?")



def insert_user(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(users).values(**values).returning(users.c.id)).scalar_one())


def by_id(conn: Connection, user_id: int) -> RowMapping | None:
    return conn.execute(select(users).where(users.c.id == user_id)).mappings().first()


def by_username(conn: Connection, username: str) -> RowMapping | None:
    # Usernames are unique case-insensitively, as on Beeminder.
    stmt = select(users).where(func.lower(users.c.username) == username.lower())
    return conn.execute(stmt).mappings().first()


def by_token_hash(conn: Connection, token_hash: str) -> dict[str, Any] | None:
    # Every API call: raw SQL (fastsql).
    return _BY_TOKEN_HASH.mapping(_BY_TOKEN_HASH.first(conn, (token_hash,)))


def by_token_hash_raw(conn: Connection, token_hash: str) -> tuple[Any, ...] | None:
    """The row as the driver gives it: a key for caching what is built from it (`as_mapping` builds)."""
    return _BY_TOKEN_HASH.first_raw(conn, (token_hash,))


def as_mapping(conn: Connection, raw: tuple[Any, ...]) -> dict[str, Any]:
    return _BY_TOKEN_HASH.mapping(_BY_TOKEN_HASH.fix(conn, raw))  # type: ignore[return-value]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def update_user(conn: Connection, user_id: int, **values: Any) -> None:
    update_by_id(conn, users, user_id, values)  # plain values only (every datapoint write touches the user)


def by_access_token_hash(conn: Connection, token_hash: str) -> RowMapping | None:
    stmt = (
        select(users)
        .join(access_tokens, access_tokens.c.user_id == users.c.id)
        .where(access_tokens.c.token_hash == token_hash, access_tokens.c.revoked_at.is_(None))
    )
    return conn.execute(stmt).mappings().first()


def signing_version(conn: Connection, user_id: int) -> int | None:
    """The version of the user's callback signing secret (services/signing.py); None if no such user."""
    version = conn.execute(select(users.c.signing_version).where(users.c.id == user_id)).scalar_one_or_none()
    return int(version) if version is not None else None


def bump_signing_version(conn: Connection, user_id: int) -> int:
    stmt = update(users).where(users.c.id == user_id).values(signing_version=users.c.signing_version + 1)
    return int(conn.execute(stmt.returning(users.c.signing_version)).scalar_one())
