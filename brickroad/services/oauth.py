"""OAuth apps: client registration, authorization codes, access tokens and revocation.

Protocol parsing lives in brickroad/web/oauth_server.py (oauthlib); this module
holds the rules and the rows. Access tokens, like personal auth tokens, are
derived from the server's "access_token" key and the token row, and only their hash is
stored: the database alone never reveals one, yet the deauthorize callback can
still send the revoked token to the app, as Beeminder's does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from brickroad.config import Settings
from brickroad.errors import Conflict, Invalid, NotFound
from brickroad.services import outbound, outbox
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.services.tokens import token_hash
from brickroad.store import oauth as oauth_rows
from brickroad.store import users as user_rows

ACCESS_TOKEN_PURPOSE = "access_token"
# The URLs this server POSTs to (the redirect URI is only ever followed by the user's browser).
SERVER_CALLED = ("deauthorize_url", "autofetch_url")
CODE_LIFETIME = 600  # seconds an authorization code stays redeemable
MAX_URL = 2000


@dataclass(frozen=True)
class OAuthClient:
    pk: int
    owner_id: int
    name: str
    client_id: str
    redirect_uri: str
    deauthorize_url: str | None
    autofetch_url: str | None
    created_at: int
    implicit_allowed: bool = True  # may it use the implicit grant (else only code + PKCE)?

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "OAuthClient":
        return cls(
            pk=row["id"], owner_id=row["owner_id"], name=row["name"], client_id=row["client_id"],
            redirect_uri=row["redirect_uri"], deauthorize_url=row["deauthorize_url"],
            autofetch_url=row["autofetch_url"], created_at=row["created_at"],
            implicit_allowed=bool(row["implicit_allowed"]),
        )


@dataclass(frozen=True)
class AuthorisedApp:
    """An app holding at least one live access token for the user."""

    client_pk: int
    name: str
    authorised_at: int
    tokens: int


@dataclass(frozen=True)
class Deauthorization:
    """A callback owed to an app after the user revoked it."""

    url: str
    access_token: str


@dataclass(frozen=True)
class Grant:
    pk: int
    client_pk: int
    user: User
    redirect_uri: str
    code_challenge: str | None
    code_challenge_method: str | None


# ------------------------------------------------------------------ clients


def validate_url(value: str, field: str, required: bool) -> str | None:
    """An absolute http(s) URL without a fragment, or None when optional and blank."""
    value = (value or "").strip()
    if not value:
        if required:
            raise Invalid(field, "can't be blank")
        return None
    parts = urlsplit(value)
    if len(value) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise Invalid(field, "must be an absolute http:// or https:// URL without a #fragment")
    return value


def register_client(
    ctx: Context,
    owner: User,
    name: str,
    redirect_uri: str,
    deauthorize_url: str = "",
    autofetch_url: str = "",
    implicit: bool = True,
) -> tuple[OAuthClient, str]:
    """A new app; returns it and its client secret (shown once, stored hashed)."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["can't be blank"]
    elif len(name) > 100:
        errors["name"] = ["is too long (maximum is 100 characters)"]
    urls: dict[str, str | None] = {}
    for field, value, required in (
        ("redirect_uri", redirect_uri, True),
        ("deauthorize_url", deauthorize_url, False),
        ("autofetch_url", autofetch_url, False),
    ):
        try:
            urls[field] = validate_url(value, field, required)
            if field in SERVER_CALLED and urls[field]:
                outbound.check_target(str(urls[field]), field, ctx.settings.outbound)
        except Invalid as exc:
            errors.update(exc.fields)
    if errors:
        raise Invalid(errors)
    secret = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        # The name is what goals' `datasource` refers to, so it is unique.
        if oauth_rows.client_name_taken(conn, name):
            raise Conflict("name", "has already been taken")
        pk = oauth_rows.insert_client(
            conn, owner_id=owner.pk, name=name, client_id=secrets.token_urlsafe(18),
            secret_hash=token_hash(secret), created_at=now, implicit_allowed=implicit, **urls,
        )
        row = oauth_rows.client_by_pk(conn, pk)
    assert row is not None
    return OAuthClient.from_row(row), secret


def clients_of(ctx: Context, owner: User) -> list[OAuthClient]:
    with ctx.db.read() as conn:
        return [OAuthClient.from_row(r) for r in oauth_rows.clients_owned_by(conn, owner.pk)]


def find_client(ctx: Context, client_id: str) -> OAuthClient | None:
    if not client_id or len(client_id) > 64:
        return None
    with ctx.db.read() as conn:
        row = oauth_rows.client_by_client_id(conn, client_id)
    return OAuthClient.from_row(row) if row is not None else None


def check_client_secret(ctx: Context, client_id: str, secret: str) -> OAuthClient | None:
    """The client if the secret is its own (compared in constant time)."""
    with ctx.db.read() as conn:
        row = oauth_rows.client_by_client_id(conn, client_id or "")
    if row is None or not row["secret_hash"] or not secret:
        return None
    if not hmac.compare_digest(row["secret_hash"], token_hash(secret)):
        return None
    return OAuthClient.from_row(row)


# ------------------------------------------------------------------ access tokens


def _derive_access_token(secret: bytes, token_pk: int, user_pk: int, client_pk: int, created_at: int) -> str:
    message = f"access_token:{token_pk}:{user_pk}:{client_pk}:{created_at}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _token_of(settings: Settings, row: Mapping[str, Any]) -> str:
    """The access token an access_tokens row stands for (for the deauthorize callback).

    Derived with the "access_token" key; a token issued before per-purpose keys
    (migration 0011) was derived from the server secret itself, and is that one.
    """
    parts = (row["id"], row["user_id"], row["client_id"], row["created_at"])
    token = _derive_access_token(settings.key(ACCESS_TOKEN_PURPOSE), *parts)
    if token_hash(token) == row["token_hash"]:
        return token
    return _derive_access_token(settings.secret, *parts)


def issue_access_token(ctx: Context, user: User, client: OAuthClient, grant_pk: int | None = None) -> str:
    """A new access token for `client` acting as `user` (valid until revoked), issued for the
    authorization code `grant_pk` if any (a replay of that code revokes it)."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        # The token depends on the row id, so the row starts with a placeholder hash.
        pk = oauth_rows.insert_access_token(
            conn, user_id=user.pk, client_id=client.pk, token_hash="pending:" + secrets.token_hex(16),
            created_at=now, grant_id=grant_pk,
        )
        token = _derive_access_token(ctx.settings.key(ACCESS_TOKEN_PURPOSE), pk, user.pk, client.pk, now)
        oauth_rows.set_token_hash(conn, pk, token_hash(token))
    return token


def authorised_apps(ctx: Context, user: User) -> list[AuthorisedApp]:
    with ctx.db.read() as conn:
        rows = oauth_rows.live_tokens_for_user(conn, user.pk)
    apps: dict[int, AuthorisedApp] = {}
    for r in rows:
        seen = apps.get(r["client_id"])
        if seen is None:
            apps[r["client_id"]] = AuthorisedApp(r["client_id"], r["name"], r["created_at"], 1)
        else:
            apps[r["client_id"]] = AuthorisedApp(seen.client_pk, seen.name, seen.authorised_at, seen.tokens + 1)
    return list(apps.values())


def revoke_app(ctx: Context, user: User, client_pk: int) -> list[Deauthorization]:
    """Revoke every live token the user gave this app, and owe it a deauthorize callback for each.

    The callbacks are outbox rows written in the same transaction (REFERENCE §9:
    POST `access_token` = the revoked token), so a crash can't revoke without
    telling the app; the workers deliver them. Returns what was enqueued.
    """
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        client = oauth_rows.client_by_pk(conn, client_pk)
        revoked = oauth_rows.revoke_tokens(conn, user.pk, client_pk, now)
        if client is None or not revoked:
            raise NotFound()
        user_rows.update_user(conn, user.pk, updated_at=now)
        url = client["deauthorize_url"]
        calls = [] if not url else [Deauthorization(url, _token_of(ctx.settings, r)) for r in revoked]
        for row, call in zip(revoked, calls):
            outbox.enqueue_deauthorize(conn, client_pk, call.url, call.access_token, now=now, user_id=user.pk,
                                       key=f"deauthorize:{row['id']}")
    return calls


def revoke_token(ctx: Context, client: OAuthClient, token: str) -> bool:
    """An app giving up one of its own tokens (RFC 7009); no deauthorize callback, the app asked."""
    if not token or len(token) > 256:
        return False
    with ctx.db.write() as conn:
        return oauth_rows.revoke_by_hash(conn, client.pk, token_hash(token), ctx.clock.now())


# ------------------------------------------------------------------ authorization codes


def create_grant(
    ctx: Context,
    client: OAuthClient,
    user: User,
    code: str,
    redirect_uri: str,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> None:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        oauth_rows.insert_grant(
            conn, client_id=client.pk, user_id=user.pk, code_hash=token_hash(code), redirect_uri=redirect_uri,
            code_challenge=code_challenge, code_challenge_method=code_challenge_method,
            expires_at=now + CODE_LIFETIME, created_at=now,
        )


def redeem_grant(ctx: Context, client: OAuthClient, code: str) -> Grant | None:
    """The grant behind `code`, used up by this call; None if unknown, expired, used or not this client's.

    Marking it used here, before the PKCE check, means a failed verifier burns
    the code too: an attacker who stole a code gets one guess, not many. A
    second use of a code means it leaked: the tokens it issued are revoked
    (RFC 6749 §4.1.2).
    """
    if not code or len(code) > 256:
        return None
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        row = oauth_rows.grant_by_code_hash(conn, token_hash(code))
        if row is None or row["client_id"] != client.pk or row["expires_at"] < now:
            return None
        if not oauth_rows.use_grant(conn, row["id"], now):
            oauth_rows.revoke_for_grant(conn, row["id"], now)
            return None
        user_row = user_rows.by_id(conn, row["user_id"])
    if user_row is None:
        return None
    return Grant(
        pk=row["id"], client_pk=row["client_id"], user=User.from_row(user_row), redirect_uri=row["redirect_uri"],
        code_challenge=row["code_challenge"], code_challenge_method=row["code_challenge_method"],
    )
