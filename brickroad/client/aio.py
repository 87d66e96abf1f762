"""The asyncio client: the same operations as `Client`, awaited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from brickroad.client import endpoints as ep
from brickroad.client.base import ClientBase, RawCall
from brickroad.client.models import CallResult, Charge, Datapoint, Goal, NewDatapoint, PointStatus, User
from brickroad.client.transport import Call, build_request, connection_failed, parse, retry_delay

T = TypeVar("T")


class AsyncClient(ClientBase):
    def _setup_http(self, transport: httpx.AsyncBaseTransport | None) -> None:
        self._http = httpx.AsyncClient(timeout=self.timeout, transport=transport, headers=self.default_headers)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.aclose()

    # --- plumbing --------------------------------------------------------

    async def _send(self, call: Call[Any] | RawCall) -> httpx.Response:
        attempt = 0
        while True:
            request = call.build(self._http, self.config) if isinstance(call, RawCall) else build_request(self._http, self.config, call)
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                raise connection_failed(exc, self.config) from exc
            delay = retry_delay(response, attempt, self.config)
            if delay is None:
                return response
            await response.aclose()
            await asyncio.sleep(delay)
            attempt += 1

    async def _run(self, call: Call[T]) -> T:
        return parse(call, await self._send(call), self.config)

    async def call(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | str | None = None,
        body: Any = None,
        raise_for_status: bool = True,
    ) -> CallResult:
        raw = RawCall(method, path, headers, query, body)
        return raw.result(await self._send(raw), self.config, raise_for_status)

    async def username_for_charges(self) -> str:
        if self._resolved_username is None:
            self._resolved_username = (await self.me()).username if self.username == "me" else self.username
        return self._resolved_username

    # --- users -----------------------------------------------------------

    async def me(self) -> User:
        return await self._run(ep.user(self.username))

    async def user(self, username: str | None = None, **options: Any) -> User:
        return await self._run(ep.user(username or self.username, **options))

    async def update_user(self, **fields: Any) -> User:
        return await self._run(ep.update_user(self.username, fields))

    # --- goals -----------------------------------------------------------

    async def goals(self, emaciated: bool | None = None) -> list[Goal]:
        return await self._run(ep.goals(self.username, emaciated))

    async def archived_goals(self, emaciated: bool | None = None) -> list[Goal]:
        return await self._run(ep.archived_goals(self.username, emaciated))

    async def goal(self, slug: str, datapoints: bool | None = None, emaciated: bool | None = None) -> Goal:
        return await self._run(ep.goal(self.username, slug, datapoints, emaciated))

    async def create_goal(self, slug: str, title: str, goal_type: str, gunits: str, **fields: Any) -> Goal:
        params = {"slug": slug, "title": title, "goal_type": goal_type, "gunits": gunits, **fields}
        return await self._run(ep.create_goal(self.username, params))

    async def update_goal(self, slug: str, **fields: Any) -> Goal:
        return await self._run(ep.update_goal(self.username, slug, fields))

    async def refresh_graph(self, slug: str) -> bool:
        return await self._run(ep.refresh_graph(self.username, slug))

    async def dial_road(
        self, slug: str, rate: float | None = None, goaldate: int | None = None, goalval: float | None = None
    ) -> Goal:
        return await self._run(ep.dial_road(self.username, slug, rate, goaldate, goalval))

    async def shortcircuit(self, slug: str) -> Goal:
        return await self._run(ep.goal_action(self.username, slug, "shortcircuit"))

    async def stepdown(self, slug: str) -> Goal:
        return await self._run(ep.goal_action(self.username, slug, "stepdown"))

    async def cancel_stepdown(self, slug: str) -> Goal:
        return await self._run(ep.goal_action(self.username, slug, "cancel_stepdown"))

    async def uncleme(self, slug: str) -> Goal:
        return await self._run(ep.goal_action(self.username, slug, "uncleme"))

    async def ratchet(self, slug: str, newsafety: float, beemergency: bool | None = None) -> Goal:
        return await self._run(ep.ratchet(self.username, slug, newsafety, beemergency))

    # --- datapoints ------------------------------------------------------

    async def datapoints(
        self, slug: str, sort: str | None = None, count: int | None = None, page: int | None = None, per: int | None = None
    ) -> list[Datapoint]:
        return await self._run(ep.datapoints(self.username, slug, sort, count, page, per))

    async def iter_datapoints(self, slug: str, sort: str | None = None, per: int = 500) -> AsyncIterator[Datapoint]:
        pager = ep.Pager(per)
        while not pager.done:
            for point in pager.take(await self.datapoints(slug, sort=sort, page=pager.page, per=per)):
                yield point

    async def create_datapoint(
        self,
        slug: str,
        value: float,
        timestamp: int | None = None,
        daystamp: str | None = None,
        comment: str | None = None,
        requestid: str | None = None,
    ) -> Datapoint:
        fields = ep.point_fields(value, timestamp, daystamp, comment, requestid)
        return await self._run(ep.create_datapoint(self.username, slug, fields))

    async def create_all(self, slug: str, points: Iterable[NewDatapoint | Mapping[str, Any]]) -> list[Datapoint]:
        return await self._run(ep.create_all(self.username, slug, points))

    async def create_all_statuses(self, slug: str, points: Iterable[NewDatapoint | Mapping[str, Any]]) -> list[PointStatus]:
        """create_all when only each point's id and status matter (bulk imports): a fraction of the answer to read."""
        return await self._run(ep.create_all_statuses(self.username, slug, points))

    async def update_datapoint(
        self,
        slug: str,
        point_id: str,
        value: float | None = None,
        timestamp: int | None = None,
        daystamp: str | None = None,
        comment: str | None = None,
        requestid: str | None = None,
    ) -> Datapoint:
        fields = ep.point_fields(value, timestamp, daystamp, comment, requestid)
        return await self._run(ep.update_datapoint(self.username, slug, point_id, fields))

    async def delete_datapoint(self, slug: str, point_id: str) -> Datapoint:
        return await self._run(ep.delete_datapoint(self.username, slug, point_id))

    # --- charges ---------------------------------------------------------

    async def charge(
        self, amount: float, note: str | None = None, dryrun: bool = False, user_id: str | None = None
    ) -> Charge:
        return await self._run(ep.charge(user_id or await self.username_for_charges(), amount, note, dryrun))

    async def charges(self, slug: str | None = None, count: int | None = None) -> list[Charge]:
        """What you paid and why, newest first (brickroad servers only)."""
        return await self._run(ep.charges(self.username, slug, count))
