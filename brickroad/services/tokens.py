"""Personal auth tokens: derived from the server's "auth_token" key and a per-user version, stored only as a hash.

Deriving (rather than storing) the token lets the settings page show it again,
while the database alone never reveals it. Bumping the version rotates it.
Tokens issued before the per-purpose keys (migration 0011) were derived from
the server secret itself; they stay valid, and shown, until rotated.
"""

from __future__ import annotations

import hashlib
import hmac

from brickroad.config import Settings
from brickroad.errors import NotFound
from brickroad.services import sessions
from brickroad.services.context import Context
from brickroad.services.memo import Memo
from brickroad.services.models import User
from brickroad.store import users as user_rows

PURPOSE = "auth_token"
_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TOKEN_LENGTH = 20


def derive_token(secret: bytes, user_pk: int, version: int) -> str:
    digest = hmac.new(secret, f"auth_token:{user_pk}:{version}".encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest, "big")
    chars = []
    for _ in range(TOKEN_LENGTH):
        n, r = divmod(n, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return "".join(chars)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issued_token(settings: Settings, user_pk: int, version: int) -> str:
    return derive_token(settings.key(PURPOSE), user_pk, version)


def _legacy_token(settings: Settings, user_pk: int, version: int, stored_hash: str | None) -> str | None:
    """The token as issued before per-purpose keys, if that is the one the row still holds."""
    legacy = derive_token(settings.secret, user_pk, version)
    return legacy if stored_hash == token_hash(legacy) else None


def current_token(ctx: Context, user: User) -> str:
    """The user's token; re-stores its hash if the secret changed since it was issued.

    The version comes from the stored row, not the (possibly stale) User passed in:
    deriving from an old version would bring a rotated-away token back to life.
    """
    with ctx.db.read() as conn:
        row = user_rows.by_id(conn, user.pk)
    if row is None:
        raise NotFound()
    token = issued_token(ctx.settings, user.pk, row["token_version"])
    if row["token_hash"] == token_hash(token):
        return token
    legacy = _legacy_token(ctx.settings, user.pk, row["token_version"], row["token_hash"])
    if legacy is not None:
        return legacy
    with ctx.db.write() as conn:  # only after a secret change: a write is rare
        user_rows.update_user(conn, user.pk, token_hash=token_hash(token))
    return token


def rotate(ctx: Context, user: User, keep_session: str | None = None) -> str:
    """"Get a new token": the old one stops working in the same transaction, and so does every
    web session but `keep_session` (the browser asking): a leaked token may have started one."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        row = user_rows.by_id(conn, user.pk)
        assert row is not None
        version = row["token_version"] + 1
        token = issued_token(ctx.settings, user.pk, version)
        user_rows.update_user(conn, user.pk, token_version=version, token_hash=token_hash(token), updated_at=now)
        sessions.end_others(conn, user, now, keep=keep_session)
    return token


_USERS = Memo(1024)  # token hash -> (the user row read, the User built from it, the data version then)


def user_for_token(ctx: Context, token: str) -> User | None:
    """The token's owner, read on every call (a rotated token dies at once); the
    User object is reused while the row read is the same, and the row isn't read
    again while the database is unchanged (Database.data_version)."""
    if not token or len(token) > 256:
        return None
    digest = token_hash(token)
    with ctx.db.read() as conn:
        version = ctx.db.data_version(conn)
        cached = _USERS.get(digest)
        if cached is not None and version is not None and cached[2] == version:
            return cached[1]  # type: ignore[no-any-return]
        raw = user_rows.by_token_hash_raw(conn, digest)
        if raw is None:
            return None
        if cached is not None and cached[0] == raw:
            user: User = cached[1]
        else:
            user = User.from_row(user_rows.as_mapping(conn, raw))
    _USERS.put(digest, (raw, user, version))
    return user


def user_for_access_token(ctx: Context, token: str) -> User | None:
    """The user an OAuth access token acts for, unless it was revoked."""
    if not token or len(token) > 256:
        return None
    with ctx.db.read() as conn:
        row = user_rows.by_access_token_hash(conn, token_hash(token))
    return User.from_row(row) if row is not None else None
