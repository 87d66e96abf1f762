"""The ASGI application: routes, middleware and the single error-to-JSON mapping."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from brickroad.api import users
from brickroad.api.endpoint import Handler, api_endpoint, not_found
from brickroad.api.middleware import BodyLimit, NormalizePath
from brickroad.api.responses import JSON, error_response, plain_error
from brickroad.errors import NOT_FOUND_MESSAGE, BrickroadError, NotFound
from brickroad.services.context import Context

log = logging.getLogger("brickroad.api")

V1 = "/api/v1"


def api_route(path: str, handler: Handler, methods: Sequence[str] = ("GET",), **kw: Any) -> Route:
    """A /api/v1 route; PATCH is accepted wherever PUT is (the iOS app sends PATCH)."""
    verbs = list(methods)
    if "PUT" in verbs and "PATCH" not in verbs:
        verbs.append("PATCH")
    return Route(V1 + path, api_endpoint(handler, **kw), methods=verbs)


def v1_routes() -> list[BaseRoute]:
    return [
        api_route("/users/{username}", users.get_user),
        api_route("/users/{username}", users.update_user, methods=["PUT"]),
        api_route("/me", users.get_user),
    ]


async def healthz(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    ok = await run_in_threadpool(ctx.db.ping)
    return JSON({"status": "ok" if ok else "database unreachable"}, status_code=200 if ok else 503)


async def _on_app_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BrickroadError)
    return error_response(exc)


async def _on_http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(NotFound(NOT_FOUND_MESSAGE))
    if exc.status_code == 405:
        return plain_error(405, "Method not allowed for this path")
    return plain_error(exc.status_code, str(exc.detail))


async def _on_crash(_request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return plain_error(500, "Internal server error; the change was not saved")


def create_app(ctx: Context, extra_routes: Sequence[BaseRoute] = (), **kw: Callable[..., Any]) -> Starlette:
    routes: list[BaseRoute] = [Route("/healthz", healthz), *v1_routes(), *extra_routes]
    # Anything else under /api answers like Beeminder's 404, whatever the method.
    routes.append(
        Route(V1 + "/{rest:path}", api_endpoint(not_found, authenticated=False), methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    )
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(NormalizePath),
            Middleware(BodyLimit, max_bytes=ctx.settings.max_body_bytes),
        ],
        exception_handlers={BrickroadError: _on_app_error, HTTPException: _on_http_error, Exception: _on_crash},
    )
    app.state.ctx = ctx
    return app
