"""Who a web session belongs to, and when it stops being valid.

A session cookie names a user and carries a fingerprint of their password
hash: changing the password changes the fingerprint, which logs out every
other browser at once without a sessions table.
"""

from __future__ import annotations

import hashlib

from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store import users as user_rows


def _fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def fingerprint(ctx: Context, user: User) -> str:
    with ctx.db.read() as conn:
        row = user_rows.by_id(conn, user.pk)
    return _fingerprint(row["password_hash"] if row is not None else None)


def session_user(ctx: Context, user_pk: int, fp: str) -> User | None:
    """The user a session cookie names, if the account still exists and the password is unchanged."""
    with ctx.db.read() as conn:
        row = user_rows.by_id(conn, user_pk)
    if row is None or _fingerprint(row["password_hash"]) != fp:
        return None
    return User.from_row(row)


def has_password(ctx: Context, user: User) -> bool:
    """False for accounts made by `brickroad serve`/the CLI without one: they may set it without the old."""
    with ctx.db.read() as conn:
        row = user_rows.by_id(conn, user.pk)
    return bool(row is not None and row["password_hash"])
