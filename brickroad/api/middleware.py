"""ASGI middleware: path normalisation and checks, and the request-body cap, in one layer (every layer costs every request)."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from brickroad.api.responses import JSON, error_response
from brickroad.errors import BadRequest, PayloadTooLarge

_SLASHES = re.compile(r"/{2,}")


def normalize_path(path: str) -> str:
    """`/api/v1//users/me.json` and `/api/v1/users/me` reach the same route."""
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if path.startswith("/api/") and path.endswith(".json"):
        path = path[:-5]
    return path


class Ingress:
    """Normalise the path (refusing NULs); refuse bodies over the cap, early on Content-Length, else while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = normalize_path(scope["path"])
        if "\x00" in path:  # no name of ours holds one, and PostgreSQL text can't
            await error_response(BadRequest("Paths can't contain NUL characters"))(scope, receive, send)
            return
        if path != scope["path"]:
            scope = dict(scope, path=path, raw_path=path.encode())
        limit = self.max_bytes
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await JSON(_too_large(limit).body(), status_code=413)(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, limited, send)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body too large: the limit is {limit} bytes")
