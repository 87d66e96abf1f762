"""Signed session cookies (itsdangerous), keyed by the server secret's "session" key.

The cookie holds the secret naming the browser's server-side session (see
services/sessions.py: the server can end it whatever the cookie says), the
CSRF token every form must echo back, and flash messages. The signature stops
tampering; the cookie is HttpOnly, so scripts can't read the secret.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from brickroad.config import derive_key

COOKIE = "brickroad_session"
MAX_AGE = 30 * 24 * 3600


@dataclass
class Session:
    sid: str | None = None  # the server-side session's secret, while logged in
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    flash: list[str] = field(default_factory=list)
    changed: bool = False

    def login(self, sid: str) -> None:
        # A new CSRF token on login, so a token planted before login is useless after.
        self.sid = sid
        self.csrf = secrets.token_urlsafe(24)
        self.changed = True

    def logout(self) -> None:
        self.sid = None
        self.csrf = secrets.token_urlsafe(24)
        self.changed = True

    def add_flash(self, message: str) -> None:
        self.flash.append(message)
        self.changed = True

    def pop_flash(self) -> list[str]:
        messages, self.flash = self.flash, []
        if messages:
            self.changed = True
        return messages


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    # A key of its own (config.derive_key); the CSRF token rides inside the signed session.
    return URLSafeTimedSerializer(derive_key(secret, "session"), salt="brickroad.session")


def load(request: Request, secret: bytes) -> Session:
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data: dict[str, Any] = _serializer(secret).loads(raw, max_age=MAX_AGE)
            sid = data.get("s")
            return Session(sid=str(sid) if sid else None, csrf=str(data["c"]), flash=list(data.get("m", [])))
        except (BadSignature, KeyError, TypeError, ValueError):
            pass
    return Session(changed=True)


def save(response: Response, session: Session, secret: bytes, secure: bool) -> None:
    if not session.changed:
        return
    data = {"s": session.sid, "c": session.csrf, "m": session.flash}
    response.set_cookie(
        COOKIE, _serializer(secret).dumps(data), max_age=MAX_AGE, path="/",
        httponly=True, samesite="lax", secure=secure,
    )
