"""The one place where an HTTP request becomes a service call and a result becomes JSON."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Scope

from brickroad.api import auth
from brickroad.api.coalesce import Coalescer
from brickroad.api.params import Params, given, merge, parse_body, parse_query, refuse_nul
from brickroad.api.responses import JSON, error_response
from brickroad.errors import BadRequest, BrickroadError, Forbidden, NotFound
from brickroad.services import accounts, current, quotas
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store.db import WouldWait


@dataclass
class ApiRequest:
    ctx: Context
    method: str
    path: dict[str, str]
    params: Params
    headers: Headers
    user: User = field(init=False)
    credential: tuple[str, str] | None = field(init=False, default=None)  # what the caller proved itself with

    def owner(self, username: str) -> User:
        """The user named in the path, who must be the caller (`me` is the caller)."""
        if username == "me" or username.lower() == self.user.username.lower():
            return self.user
        accounts.get_user(self.ctx, username)  # unknown users are 404, not 403
        raise Forbidden("You can only access your own data with this token.")


Handler = Callable[[ApiRequest], Any]


@dataclass(frozen=True)
class Batched:
    """A write whose concurrent calls with the same key share one transaction (api/coalesce.py).

    `key(req)` names what the call writes, from the path alone (calls with the
    same credential and key are batched, and authenticated once per batch);
    `run(reqs)` gets authenticated requests with one key and returns one
    outcome per request: the result, or the BrickroadError it alone answers with.
    """

    key: Callable[[ApiRequest], Hashable]
    run: Callable[[list[ApiRequest]], list[Any]]


@dataclass
class _Call:
    """A batched request on its way through, and what it came back with."""

    req: ApiRequest
    request_bytes: int
    outcome: Any = None
    usage: quotas.Usage | None = None


async def read_params(request: Request) -> tuple[Params, int]:
    """Query, form and JSON parameters merged (the body wins), and the body's size.

    A client that leaves (or is timed out, api/serving.py) mid-body gets a 400 it won't read:
    its behaviour is no crash of ours, so nothing is logged.
    """
    try:
        return await _read_params(request)
    except ClientDisconnect:
        raise BadRequest("The client disconnected before sending the whole body") from None


async def _read_params(request: Request) -> tuple[Params, int]:
    scope = request.scope
    content_type, has_body = _body_headers(scope)
    query = parse_query(scope.get("query_string", b""))
    if not has_body:
        refuse_nul(query)
        return query, 0
    if content_type.split(";", 1)[0].strip().lower() == "multipart/form-data":
        size = len(await request.body())  # kept by the request: form() parses it from there
        form = await _multipart(request)
        body_params = {k: v for k, v in form.multi_items() if isinstance(v, str) and given(k, v)}
    else:
        body = await _read_body(request)
        size = len(body)
        body_params = parse_body(content_type, body)
    params = merge(query, body_params)
    refuse_nul(params)
    return params, size


async def _multipart(request: Request) -> FormData:
    """The parsed multipart body; a malformed one (no boundary, too many parts) is the client's 400
    on every path, the fast lane's included (Starlette's HTTPException would be a crash there)."""
    try:
        return await request.form()
    except (MultiPartException, HTTPException) as exc:
        message = exc.message if isinstance(exc, MultiPartException) else str(exc.detail)
        raise BadRequest(f"Malformed multipart body: {message}") from None


def _body_headers(scope: Scope) -> tuple[str, bool]:
    """The Content-Type, and whether a body may follow: in HTTP/1.1 a request with neither
    Content-Length nor Transfer-Encoding has none (RFC 9112 6.3)."""
    content_type, has_body = "", False
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value.decode("latin-1")
        elif name in (b"content-length", b"transfer-encoding"):
            has_body = True
    return content_type, has_body


async def _read_body(request: Request) -> bytes:
    """The whole body straight from `receive` (Starlette's stream costs more than a one-chunk body)."""
    chunks: list[bytes] = []
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def api_endpoint(
    handler: Handler | Batched,
    authenticated: bool = True,
    render_error: Callable[[BrickroadError], Response] = error_response,
) -> Callable[[Request], Any]:
    """Wrap a sync handler: parse async, then authenticate, count and run it (in a worker thread if it may block)."""
    if isinstance(handler, Batched):
        return _batched_endpoint(handler)

    async def endpoint(request: Request) -> Response:
        ctx: Context = request.app.state.ctx
        reads_only = request.method == "GET" and not getattr(handler, "writes", False)
        inline = reads_only and ctx.db.dialect == "sqlite"
        meter = quotas.for_context(ctx) if authenticated and ctx.settings.quotas_enabled else None
        usage: quotas.Usage | None = None
        user: User | None = None

        def call(req: ApiRequest, request_bytes: int) -> Any:
            nonlocal usage, user
            if authenticated and user is None:  # once: a second try (current.NotCurrent) is the same request
                req.credential = auth.credential(req.params, req.headers)
                req.user = user = auth.authenticate(ctx, req.params, req.headers)
                if meter is not None:
                    usage = meter.admit(user, request_bytes)
            return handler(req)

        def call_in_one_read(req: ApiRequest, request_bytes: int) -> Any:
            # One snapshot, one transaction and one pooled connection for the token and the
            # handler. Read-only handlers only: a worker thread holding this read while a
            # nested write waits for a second connection would pin two (GETs that write are
            # marked @writes). On the event loop the connection stays checked out between calls.
            with ctx.db.read(sticky=inline):
                return call(req, request_bytes)

        async def run(req: ApiRequest, request_bytes: int) -> Any:
            if inline:
                # A WAL read never waits for a writer and takes well under a
                # millisecond: running it here beats the hop to a worker thread.
                return call_in_one_read(req, request_bytes)
            return await run_in_threadpool(call_in_one_read if reads_only else call, req, request_bytes)

        try:
            req, request_bytes = await _api_request(request, ctx)
            try:
                result = await run(req, request_bytes)
            except current.NotCurrent as behind:
                # Goals past their next check: bring them to now outside the read, then answer.
                await run_in_threadpool(current.catch_up, ctx, behind.goal_ids)
                with current.as_stored():
                    result = await run(req, request_bytes)
            response = result if isinstance(result, Response) else JSON(result)
        except BrickroadError as exc:
            response = render_error(exc)
        return _counted(meter, user, usage, response)

    return endpoint


async def _api_request(request: Request, ctx: Context) -> tuple[ApiRequest, int]:
    params, request_bytes = await read_params(request)
    return ApiRequest(ctx, request.method, dict(request.path_params), params, request.headers), request_bytes


def _counted(meter: quotas.Quotas | None, user: User | None, usage: quotas.Usage | None,
             response: Response) -> Response:
    """Count the response's bytes and say what is left of the day's allowance."""
    if meter is not None and usage is not None and user is not None:
        usage = meter.add_response(user, usage, len(response.body))
        response.raw_headers.extend(usage.raw_headers())  # none of these is set yet: no lookups needed
    return response


def _batched_endpoint(batched: Batched) -> Callable[[Request], Any]:
    """Calls with the same credential and key wait for one batch: one authentication, one transaction."""

    def admit(calls: list[_Call]) -> list[_Call]:
        """Authenticate the batch's credential once; count each call; the ones to run."""
        ctx = calls[0].req.ctx
        try:
            user = auth.authenticate(ctx, calls[0].req.params, calls[0].req.headers)
        except BrickroadError as exc:  # the same credential: the same answer for all
            for c in calls:
                c.outcome = exc
            return []
        return _admit(ctx, user, calls)

    def execute(admitted: list[_Call]) -> None:
        if not admitted:
            return
        try:
            outcomes = batched.run([c.req for c in admitted])
        except BrickroadError as exc:  # ownership, or the goal itself: one answer for all
            outcomes = [exc] * len(admitted)
        for c, outcome in zip(admitted, outcomes):
            c.outcome = outcome

    async def run(calls: list[_Call]) -> list[_Call]:
        ctx = calls[0].req.ctx
        if ctx.db.dialect != "sqlite":
            await run_in_threadpool(lambda: execute(admit(calls)))
            return calls
        # SQLite: on the event loop, as GETs are, unless the write would wait for another
        # writer. A batch's CPU holds the GIL either way; the hop to a thread and back
        # cost more than it won.
        with ctx.db.read(sticky=True):
            admitted = admit(calls)
        try:
            with ctx.db.without_waiting():
                execute(admitted)
        except WouldWait:
            await run_in_threadpool(execute, admitted)
        return calls

    coalescer: Coalescer[_Call, _Call] = Coalescer(run)

    async def endpoint(request: Request) -> Response:
        ctx: Context = request.app.state.ctx
        try:
            req, request_bytes = await _api_request(request, ctx)
            key = (auth.credential(req.params, req.headers), batched.key(req))
            call = await coalescer.submit(key, _Call(req, request_bytes))
        except BrickroadError as exc:
            return error_response(exc)
        failed = isinstance(call.outcome, BrickroadError)
        response = error_response(call.outcome) if failed else JSON(call.outcome)
        if call.usage is None:  # not counted: refused before the quota (bad token, quota spent)
            return response
        return _counted(quotas.for_context(ctx), call.req.user, call.usage, response)

    return endpoint


def _admit(ctx: Context, user: User, calls: list[_Call]) -> list[_Call]:
    """Give each call the caller and count it against the quota; the ones within it go on."""
    meter = quotas.for_context(ctx) if ctx.settings.quotas_enabled else None
    admitted: list[_Call] = []
    for c in calls:
        auth.drop_credentials(c.req.params)
        c.req.user = user
        try:
            c.usage = meter.admit(user, c.request_bytes) if meter is not None else None
        except BrickroadError as exc:
            c.outcome = exc
            continue
        admitted.append(c)
    return admitted


def writes(handler: Handler) -> Handler:
    """Mark a handler that writes even on GET, so it never runs on the event loop."""
    handler.writes = True  # type: ignore[attr-defined]
    return handler


def not_found(_req: ApiRequest) -> Any:
    raise NotFound()
