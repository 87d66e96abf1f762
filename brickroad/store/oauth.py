"""Queries on oauth_clients, access_tokens (the OAuth ones) and oauth_grants."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from brickroad.store.tables import access_tokens, oauth_clients, oauth_grants


def insert_client(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(oauth_clients).values(**values).returning(oauth_clients.c.id)).scalar_one())


def client_by_client_id(conn: Connection, client_id: str) -> RowMapping | None:
    return conn.execute(select(oauth_clients).where(oauth_clients.c.client_id == client_id)).mappings().first()


def client_by_pk(conn: Connection, pk: int) -> RowMapping | None:
    return conn.execute(select(oauth_clients).where(oauth_clients.c.id == pk)).mappings().first()


def client_name_taken(conn: Connection, name: str) -> bool:
    stmt = select(oauth_clients.c.id).where(func.lower(oauth_clients.c.name) == name.lower())
    return conn.execute(stmt).first() is not None


def clients_owned_by(conn: Connection, owner_id: int) -> list[RowMapping]:
    stmt = select(oauth_clients).where(oauth_clients.c.owner_id == owner_id).order_by(oauth_clients.c.id)
    return list(conn.execute(stmt).mappings())


def insert_access_token(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(access_tokens).values(**values).returning(access_tokens.c.id)).scalar_one())


def set_token_hash(conn: Connection, token_pk: int, token_hash: str) -> None:
    conn.execute(update(access_tokens).where(access_tokens.c.id == token_pk).values(token_hash=token_hash))


def live_tokens_for_user(conn: Connection, user_id: int) -> list[RowMapping]:
    """Unrevoked OAuth tokens with their app's name, oldest first."""
    stmt = (
        select(
            access_tokens.c.id, access_tokens.c.client_id, access_tokens.c.created_at,
            oauth_clients.c.name, oauth_clients.c.deauthorize_url,
        )
        .join(oauth_clients, oauth_clients.c.id == access_tokens.c.client_id)
        .where(access_tokens.c.user_id == user_id, access_tokens.c.revoked_at.is_(None))
        .order_by(access_tokens.c.created_at, access_tokens.c.id)
    )
    return list(conn.execute(stmt).mappings())


def revoke_tokens(conn: Connection, user_id: int, client_pk: int, now: int) -> list[RowMapping]:
    """Revoke a user's live tokens for one app; returns the rows that were live."""
    stmt = select(access_tokens).where(
        access_tokens.c.user_id == user_id,
        access_tokens.c.client_id == client_pk,
        access_tokens.c.revoked_at.is_(None),
    )
    rows = list(conn.execute(stmt).mappings())
    if rows:
        ids = [r["id"] for r in rows]
        conn.execute(update(access_tokens).where(access_tokens.c.id.in_(ids)).values(revoked_at=now))
    return rows


def insert_grant(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(oauth_grants).values(**values).returning(oauth_grants.c.id)).scalar_one())


def grant_by_code_hash(conn: Connection, code_hash: str) -> RowMapping | None:
    return conn.execute(select(oauth_grants).where(oauth_grants.c.code_hash == code_hash)).mappings().first()


def use_grant(conn: Connection, grant_pk: int, now: int) -> bool:
    """Mark a grant used; False if it already was (the UPDATE is the single-use guard)."""
    stmt = (
        update(oauth_grants)
        .where(oauth_grants.c.id == grant_pk, oauth_grants.c.used_at.is_(None))
        .values(used_at=now)
    )
    return conn.execute(stmt).rowcount == 1


def revoke_by_hash(conn: Connection, client_pk: int, token_hash: str, now: int) -> bool:
    """Revoke one live token, only if it belongs to this client."""
    stmt = (
        update(access_tokens)
        .where(
            access_tokens.c.token_hash == token_hash,
            access_tokens.c.client_id == client_pk,
            access_tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return conn.execute(stmt).rowcount == 1


def revoke_for_grant(conn: Connection, grant_pk: int, now: int) -> int:
    """Revoke the live tokens issued for one authorization code."""
    stmt = (
        update(access_tokens)
        .where(access_tokens.c.grant_id == grant_pk, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(conn.execute(stmt).rowcount)
