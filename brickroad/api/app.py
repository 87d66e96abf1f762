"""The ASGI application: routes, middleware and the single error-to-JSON mapping."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from brickroad import web
from brickroad.api import charges, datapoints, goals, openapi, users, v2, webhooks
from brickroad.api.endpoint import Handler, api_endpoint, not_found
from brickroad.api.fastlane import FastLane
from brickroad.api.graphs import graph_routes
from brickroad.api.middleware import Ingress
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


def hot_routes() -> list[Route]:
    """The head of the route table, served by the fast lane (api/fastlane.py): the busiest calls.

    The router tries routes in order, so the busiest come first; `archived`
    must come before `{slug}`, which would take it.
    """
    g = "/users/{username}/goals"
    return [
        api_route(g + "/{slug}/datapoints", datapoints.create_point, methods=["POST"]),
        api_route(g + "/archived", goals.archived),
        api_route(g + "/{slug}", goals.get_goal),
        api_route("/users/{username}", users.get_user),  # it matches no goal path (routes are anchored)
    ]


def v1_routes() -> list[BaseRoute]:
    return [*hot_routes(), *other_v1_routes()]


def other_v1_routes() -> list[BaseRoute]:
    return [
        *goal_routes(),
        api_route("/users/{username}", users.update_user, methods=["PUT"]),
        api_route("/me", users.get_user),
        api_route("/users/{username}/charges", charges.list_charges),  # what the user paid (beyond Beeminder)
        # Event subscriptions and the delivery log (beyond Beeminder; brickroad.jobs delivers).
        api_route("/users/{username}/webhooks", webhooks.list_webhooks),
        api_route("/users/{username}/webhooks", webhooks.create_webhook, methods=["POST"]),
        api_route("/users/{username}/webhooks/{sub_id}", webhooks.delete_webhook, methods=["DELETE"]),
        api_route("/users/{username}/webhooks/deliveries/{delivery_id}/retry", webhooks.retry_delivery, methods=["POST"]),
    ]


def goal_routes() -> list[BaseRoute]:
    """Goals, goal actions, datapoints and charges, after the hot routes (literal paths before
    {slug}/{point_id}; no two of these match the same path and method)."""
    g = "/users/{username}/goals"
    one = g + "/{slug}"
    pts = one + "/datapoints"
    return [
        api_route(pts, datapoints.list_points),
        api_route(g, goals.list_goals),
        api_route(g, goals.create_goal, methods=["POST"]),
        api_route(one, goals.update_goal, methods=["PUT"]),
        api_route(one + "/refresh_graph", goals.refresh_graph, methods=["GET", "POST"]),
        api_route(one + "/dial_road", goals.dial_road, methods=["POST"]),
        api_route(one + "/ratchet", goals.ratchet, methods=["POST"]),
        api_route(one + "/shortcircuit", goals.shortcircuit, methods=["POST"]),
        api_route(one + "/stepdown", goals.stepdown, methods=["POST"]),
        api_route(one + "/cancel_stepdown", goals.cancel_stepdown, methods=["POST"]),
        # POST only, although the docs' example omits -X POST (curl -d posts anyway):
        # a GET that charges money would fire on prefetches.
        api_route(one + "/uncleme", goals.uncleme, methods=["POST"]),
        api_route(pts + "/create_all", datapoints.create_all, methods=["POST"]),
        api_route(pts + "/{point_id}", datapoints.update_point, methods=["PUT"]),
        api_route(pts + "/{point_id}", datapoints.delete_point, methods=["DELETE"]),
        api_route("/charges", charges.create_charge, methods=["POST"]),
    ]


async def healthz(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    ok = await run_in_threadpool(ctx.db.ping)
    return JSON({"status": "ok" if ok else "database unreachable"}, status_code=200 if ok else 503)


async def openapi_json(request: Request) -> Response:
    return JSON(openapi.spec(request.app.state.ctx.settings.base_url))


async def _on_app_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BrickroadError)
    return error_response(exc)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        if not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", ""):
            return web.not_found_page(request.app.state.ctx)  # browsers get a page, not JSON
        return error_response(NotFound(NOT_FOUND_MESSAGE))
    if exc.status_code == 405:
        return plain_error(405, "Method not allowed for this path")
    return plain_error(exc.status_code, str(exc.detail))


def crash_response(exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return plain_error(500, "Internal server error; the change was not saved")


async def _on_crash(_request: Request, exc: Exception) -> Response:
    return crash_response(exc)


class App(Starlette):
    """Starlette with the fast lane in front of its middleware stack for the hot routes."""

    def __init__(self, fast_routes: Sequence[Route], max_bytes: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.fast_routes = fast_routes
        self.max_bytes = max_bytes

    def build_middleware_stack(self) -> ASGIApp:
        return FastLane(super().build_middleware_stack(), self.fast_routes, self.max_bytes, crash_response)


def create_app(
    ctx: Context, extra_routes: Sequence[BaseRoute] = (), sweeper: bool = False, **kw: Callable[..., Any]
) -> Starlette:
    hot = hot_routes()
    pages = web.web_routes()
    under_api = [r for r in pages if isinstance(r, Route) and r.path.startswith("/api/")]  # auth_token.json
    routes: list[BaseRoute] = [
        *hot, *other_v1_routes(), *under_api, Route("/healthz", healthz), *graph_routes(), *extra_routes,
        Route("/api/openapi", openapi_json),  # served as /api/openapi.json too
        # Beebole-style JSON-document RPC over the same services.
        Route("/api/v2", api_endpoint(v2.rpc, render_error=v2.render_error), methods=["POST"]),
        # Anything else under /api answers like Beeminder's 404, whatever the method: never a
        # web page whose pattern happens to fit (/{user}/{slug}/datapoints).
        Route("/api/{rest:path}", api_endpoint(not_found, authenticated=False),
              methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        *[r for r in pages if r not in under_api],
    ]
    routes.extend(web.late_routes())  # /{user}/{slug}: after everything more specific
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        background = None
        if sweeper:  # `brickroad serve` without --no-sweeper: derailments and deliveries in-process
            from brickroad.jobs.worker import Background

            background = Background(ctx)
            background.start()
        yield
        if background is not None:
            background.stop()
        if ctx.quotas is not None:
            ctx.quotas.close()  # flush the last second of usage counts

    app = App(
        fast_routes=hot,
        max_bytes=ctx.settings.max_body_bytes,
        lifespan=lifespan,
        routes=routes,
        middleware=[
            Middleware(Ingress, max_bytes=ctx.settings.max_body_bytes),
        ],
        exception_handlers={BrickroadError: _on_app_error, HTTPException: _on_http_error, Exception: _on_crash},
    )
    app.state.ctx = ctx
    return app
