"""JSON responses encoded once with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from brickroad.errors import BrickroadError


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def encoded_json(body: bytes, status: int = 200) -> Response:
    """A response from JSON already encoded (cached bodies)."""
    return Response(body, status_code=status, media_type="application/json")


def error_response(exc: BrickroadError) -> JSON:
    return JSON(exc.body(), status_code=exc.status, headers=exc.headers or None)


def plain_error(status: int, message: str) -> JSON:
    return JSON({"errors": {"message": message}}, status_code=status)
