"""Secrets that sign outbound POSTs, each held by its receiver so the receiver can verify them.

- an event subscription: its own random secret, returned when it is created;
- a goal's `callback_url` reminders: the owner's callback signing secret, shown
  (and rotated) on the Apps & API page;
- an OAuth app's autofetch and deauthorize callbacks: the app's signing
  secret, shown to its developer on the same page.

The last two are derived, like auth tokens, from the server's "callback-signing"
key (config.Settings.key) and a row id (plus a version for the user's, which
"rotate" bumps), so the database never holds them and rotation is one write.
The signature is `X-Brickroad-Signature: sha256=<hex HMAC-SHA256 of the body>`
keyed by the secret's UTF-8 bytes (brickroad.jobs.deliver_http.sign).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from brickroad.config import Settings
from brickroad.errors import NotFound
from brickroad.services import outbox
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store import outbox as outbox_rows
from brickroad.store import users as user_rows

PURPOSE = "callback-signing"


class ReceiverGone(Exception):
    """The subscription, user or app a delivery was to be signed for no longer exists."""


def _derive(settings: Settings, message: str) -> str:
    return "whsec_" + hmac.new(settings.key(PURPOSE), message.encode(), hashlib.sha256).hexdigest()


def user_secret(settings: Settings, user_pk: int, version: int) -> str:
    return _derive(settings, f"user:{user_pk}:{version}")


def app_secret(settings: Settings, client_pk: int) -> str:
    return _derive(settings, f"app:{client_pk}")


def current_user_secret(ctx: Context, user: User) -> str:
    """The secret the user's callback_url reminders are signed with now."""
    with ctx.db.read() as conn:
        version = user_rows.signing_version(conn, user.pk)
    if version is None:
        raise NotFound()
    return user_secret(ctx.settings, user.pk, version)


def rotate_user_secret(ctx: Context, user: User) -> str:
    """A new callback signing secret; deliveries from now on (pending ones too) are signed with it."""
    with ctx.db.write() as conn:
        version = user_rows.bump_signing_version(conn, user.pk)
    return user_secret(ctx.settings, user.pk, version)


def delivery_secret(ctx: Context, row: Any) -> bytes:
    """The key for an outbox row's signature: its receiver's secret, looked up as it is sent."""
    secret: str | None = None
    if row["kind"] in (outbox.AUTOFETCH, outbox.DEAUTHORIZE):
        if row["oauth_client_id"] is not None:
            secret = app_secret(ctx.settings, row["oauth_client_id"])
    elif row["subscription_id"] is not None:
        with ctx.db.read() as conn:
            secret = outbox_rows.subscription_secret(conn, row["subscription_id"])
    elif row["user_id"] is not None:  # a goal's callback_url: its owner's secret
        with ctx.db.read() as conn:
            version = user_rows.signing_version(conn, row["user_id"])
        secret = None if version is None else user_secret(ctx.settings, row["user_id"], version)
    if secret is None:
        raise ReceiverGone("nobody left to sign this delivery for (subscription, app or user deleted)")
    return secret.encode()
