"""Queries on web_sessions (browser sessions with server-side identity)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, or_, select, update

from brickroad.store.tables import users, web_sessions


def insert_session(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(web_sessions).values(**values).returning(web_sessions.c.id)).scalar_one())


def live_by_hash(conn: Connection, secret_hash: str, now: int) -> tuple[RowMapping, RowMapping] | None:
    """The live session with this secret and its user's row, or None (unknown, ended or expired)."""
    stmt = select(web_sessions).where(
        web_sessions.c.secret_hash == secret_hash, web_sessions.c.ended_at.is_(None), web_sessions.c.expires_at > now
    )
    session = conn.execute(stmt).mappings().first()
    if session is None:
        return None
    user = conn.execute(select(users).where(users.c.id == session["user_id"])).mappings().first()
    return None if user is None else (session, user)


def end_by_hash(conn: Connection, secret_hash: str, now: int) -> None:
    conn.execute(update(web_sessions).where(web_sessions.c.secret_hash == secret_hash,
                                            web_sessions.c.ended_at.is_(None)).values(ended_at=now))


def end_for_user(conn: Connection, user_id: int, now: int, *, via: str | None = None,
                 keep_hash: str | None = None) -> int:
    """End a user's live sessions (only those started `via`, if given; all but `keep_hash`, if given)."""
    stmt = update(web_sessions).where(web_sessions.c.user_id == user_id, web_sessions.c.ended_at.is_(None))
    if via is not None:
        stmt = stmt.where(web_sessions.c.via == via)
    if keep_hash is not None:
        stmt = stmt.where(web_sessions.c.secret_hash != keep_hash)
    return int(conn.execute(stmt.values(ended_at=now)).rowcount)


def prune(conn: Connection, user_id: int, now: int) -> None:
    """Forget a user's ended and expired sessions (they can never come back)."""
    conn.execute(delete(web_sessions).where(
        web_sessions.c.user_id == user_id,
        or_(web_sessions.c.ended_at.is_not(None), web_sessions.c.expires_at <= now),
    ))
