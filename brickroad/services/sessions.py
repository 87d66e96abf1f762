"""Web sessions: who a browser is logged in as, how it logged in, and when that ends.

A session is a row; the browser's cookie holds a random secret whose SHA-256
names the row, so the server can end a session whatever the cookie says:

- logout ends the browser's own session; "log out everywhere" ends all of them;
- a password change or a token rotation ends every other session;
- disabling the API ends the sessions the personal token started (redirect_to_url);
- sessions expire LIFETIME after they start.

`via` bounds what a session may do: only a login that proved the password or
the personal token (FULL_LOGINS) may read the personal token or set a password.
OAuth access tokens never start sessions (api/users.py).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection

from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store import sessions as session_rows
from brickroad.store import users as user_rows

LIFETIME = 30 * 24 * 3600
PASSWORD, SIGNUP, TOKEN = "password", "signup", "token"
FULL_LOGINS = frozenset({PASSWORD, SIGNUP, TOKEN})


@dataclass(frozen=True)
class WebSession:
    user: User
    via: str

    @property
    def full(self) -> bool:
        """May it see the personal token and set a password (it proved as much to log in)?"""
        return self.via in FULL_LOGINS


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(ctx: Context, user: User, via: str) -> str:
    """A new session for `user`; returns the secret for the cookie (only its hash is stored)."""
    secret = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        session_rows.prune(conn, user.pk, now)  # keeps the table to live sessions, user by user
        session_rows.insert_session(conn, user_id=user.pk, secret_hash=_hash(secret), via=via,
                                    created_at=now, expires_at=now + LIFETIME)
    return secret


def lookup(ctx: Context, secret: str) -> WebSession | None:
    """The live session a cookie's secret names, or None (unknown, ended, expired, account gone)."""
    if not secret or len(secret) > 128:
        return None
    with ctx.db.read() as conn:
        found = session_rows.live_by_hash(conn, _hash(secret), ctx.clock.now())
    if found is None:
        return None
    session, user = found
    return WebSession(User.from_row(user), str(session["via"]))


def end(ctx: Context, secret: str) -> None:
    with ctx.db.write() as conn:
        session_rows.end_by_hash(conn, _hash(secret), ctx.clock.now())


def end_all(ctx: Context, user: User) -> int:
    """"Log out everywhere": every session of the user, this browser's included."""
    with ctx.db.write() as conn:
        return end_others(conn, user, ctx.clock.now())


def end_others(conn: Connection, user: User, now: int, keep: str | None = None, via: str | None = None) -> int:
    """End the user's sessions (but the one whose secret is `keep`; only those started `via`), in `conn`'s
    transaction, so they end together with the change that ends them."""
    return session_rows.end_for_user(conn, user.pk, now, via=via, keep_hash=_hash(keep) if keep else None)


def has_password(ctx: Context, user: User) -> bool:
    """False for accounts made by `brickroad serve`/the CLI without one: they may set it without the old."""
    with ctx.db.read() as conn:
        row = user_rows.by_id(conn, user.pk)
    return bool(row is not None and row["password_hash"])
