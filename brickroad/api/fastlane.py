"""The busiest API routes served past Starlette's middleware stack and router.

Every layer costs every request: the error middleware, the body cap, the
exception middleware and the router each add a coroutine call on the way in
and wrap `send` on the way out. For the head of the route table (the goal
GET, the datapoint create, the user GET) that was a third of a cached GET's
time. The fast lane answers exactly as the full stack would, or leaves the
request to it:

- it takes the first full match among the head routes, in table order, as
  the router would, and leaves anything else (no match, a method the route
  doesn't take) to the full stack;
- it takes only requests the middleware would pass untouched: no NUL in the
  path, and no body or one declared by a Content-Length within the cap;
- API endpoints answer their own BrickroadErrors; anything else they raise is
  answered as the app's crash handler answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from brickroad.api.middleware import normalize_path

FAST_METHODS = ("GET", "POST")


class FastLane:
    def __init__(self, app: ASGIApp, routes: Sequence[Route], max_bytes: int,
                 on_crash: Callable[[Exception], Response]) -> None:
        self.app = app
        self.routes = tuple(routes)
        self.max_bytes = max_bytes
        self.on_crash = on_crash

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in FAST_METHODS or not self._plain_body(scope):
            await self.app(scope, receive, send)
            return
        path = normalize_path(scope["path"])
        if "\x00" in path:  # the middleware refuses it
            await self.app(scope, receive, send)
            return
        lane = scope if path == scope["path"] else dict(scope, path=path, raw_path=path.encode())
        for route in self.routes:
            match, child = route.matches(lane)
            if match is Match.FULL:
                lane.update(child)
                await self._serve(route, lane, receive, send)
                return
        await self.app(scope, receive, send)

    def _plain_body(self, scope: Scope) -> bool:
        """No body, or a Content-Length within the cap (the middleware refuses the rest)."""
        for name, value in scope["headers"]:
            if name == b"transfer-encoding":
                return False
            if name == b"content-length":
                try:
                    if int(value) > self.max_bytes:
                        return False
                except ValueError:
                    return False
        return True

    async def _serve(self, route: Route, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await route.endpoint(Request(scope, receive, send))
        except Exception as exc:  # nothing was sent yet: answer as the crash handler does
            response = self.on_crash(exc)
        await response(scope, receive, send)
