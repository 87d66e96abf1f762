"""The synchronous client."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from brickroad.client import endpoints as ep
from brickroad.client.base import ClientBase, RawCall
from brickroad.client.models import CallResult, Charge, Datapoint, Goal, NewDatapoint, PointStatus, User
from brickroad.client.transport import Call, build_request, connection_failed, parse, retry_delay

T = TypeVar("T")


class Client(ClientBase):
    """Talks to beeminder.com or any compatible server (brickroad).

    >>> with Client(token="…") as bee:                       # doctest: +SKIP
    ...     bee.create_datapoint("pushups", 20, comment="morning")
    """

    def _setup_http(self, transport: httpx.BaseTransport | None) -> None:
        self._http = httpx.Client(timeout=self.timeout, transport=transport, headers=self.default_headers)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    # --- plumbing --------------------------------------------------------

    def _send(self, call: Call[Any] | RawCall) -> httpx.Response:
        attempt = 0
        while True:
            request = call.build(self._http, self.config) if isinstance(call, RawCall) else build_request(self._http, self.config, call)
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                raise connection_failed(exc, self.config) from exc
            delay = retry_delay(response, attempt, self.config)
            if delay is None:
                return response
            response.close()
            time.sleep(delay)
            attempt += 1

    def _run(self, call: Call[T]) -> T:
        return parse(call, self._send(call), self.config)

    def call(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | str | None = None,
        body: Any = None,
        raise_for_status: bool = True,
    ) -> CallResult:
        """Any request, with authorisation added: `call("GET", "/v1/me.json")`."""
        raw = RawCall(method, path, headers, query, body)
        return raw.result(self._send(raw), self.config, raise_for_status)

    def username_for_charges(self) -> str:
        if self._resolved_username is None:
            self._resolved_username = self.me().username if self.username == "me" else self.username
        return self._resolved_username

    # --- users -----------------------------------------------------------

    def me(self) -> User:
        return self._run(ep.user(self.username))

    def user(self, username: str | None = None, **options: Any) -> User:
        """associations=, diff_since=, skinny=, emaciated=, datapoints_count="""
        return self._run(ep.user(username or self.username, **options))

    def update_user(self, **fields: Any) -> User:
        return self._run(ep.update_user(self.username, fields))

    # --- goals -----------------------------------------------------------

    def goals(self, emaciated: bool | None = None) -> list[Goal]:
        return self._run(ep.goals(self.username, emaciated))

    def archived_goals(self, emaciated: bool | None = None) -> list[Goal]:
        return self._run(ep.archived_goals(self.username, emaciated))

    def goal(self, slug: str, datapoints: bool | None = None, emaciated: bool | None = None) -> Goal:
        return self._run(ep.goal(self.username, slug, datapoints, emaciated))

    def create_goal(self, slug: str, title: str, goal_type: str, gunits: str, **fields: Any) -> Goal:
        """Exactly two of goaldate, goalval, rate; plus initval, secret, tags, dryrun, …"""
        params = {"slug": slug, "title": title, "goal_type": goal_type, "gunits": gunits, **fields}
        return self._run(ep.create_goal(self.username, params))

    def update_goal(self, slug: str, **fields: Any) -> Goal:
        return self._run(ep.update_goal(self.username, slug, fields))

    def refresh_graph(self, slug: str) -> bool:
        return self._run(ep.refresh_graph(self.username, slug))

    def dial_road(self, slug: str, rate: float | None = None, goaldate: int | None = None, goalval: float | None = None) -> Goal:
        return self._run(ep.dial_road(self.username, slug, rate, goaldate, goalval))

    def shortcircuit(self, slug: str) -> Goal:
        return self._run(ep.goal_action(self.username, slug, "shortcircuit"))

    def stepdown(self, slug: str) -> Goal:
        return self._run(ep.goal_action(self.username, slug, "stepdown"))

    def cancel_stepdown(self, slug: str) -> Goal:
        return self._run(ep.goal_action(self.username, slug, "cancel_stepdown"))

    def uncleme(self, slug: str) -> Goal:
        return self._run(ep.goal_action(self.username, slug, "uncleme"))

    def ratchet(self, slug: str, newsafety: float, beemergency: bool | None = None) -> Goal:
        return self._run(ep.ratchet(self.username, slug, newsafety, beemergency))

    # --- datapoints ------------------------------------------------------

    def datapoints(
        self, slug: str, sort: str | None = None, count: int | None = None, page: int | None = None, per: int | None = None
    ) -> list[Datapoint]:
        """Newest first by `sort` (id by default); `count` caps the list, page/per pages it."""
        return self._run(ep.datapoints(self.username, slug, sort, count, page, per))

    def iter_datapoints(self, slug: str, sort: str | None = None, per: int = 500) -> Iterator[Datapoint]:
        """Every datapoint of the goal, fetched a page at a time."""
        pager = ep.Pager(per)
        while not pager.done:
            yield from pager.take(self.datapoints(slug, sort=sort, page=pager.page, per=per))

    def create_datapoint(
        self,
        slug: str,
        value: float,
        timestamp: int | None = None,
        daystamp: str | None = None,
        comment: str | None = None,
        requestid: str | None = None,
    ) -> Datapoint:
        fields = ep.point_fields(value, timestamp, daystamp, comment, requestid)
        return self._run(ep.create_datapoint(self.username, slug, fields))

    def create_all(self, slug: str, points: Iterable[NewDatapoint | Mapping[str, Any]]) -> list[Datapoint]:
        return self._run(ep.create_all(self.username, slug, points))

    def create_all_statuses(self, slug: str, points: Iterable[NewDatapoint | Mapping[str, Any]]) -> list[PointStatus]:
        """create_all when only each point's id and status matter (bulk imports): a fraction of the answer to read."""
        return self._run(ep.create_all_statuses(self.username, slug, points))

    def update_datapoint(
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
        return self._run(ep.update_datapoint(self.username, slug, point_id, fields))

    def delete_datapoint(self, slug: str, point_id: str) -> Datapoint:
        return self._run(ep.delete_datapoint(self.username, slug, point_id))

    # --- charges ---------------------------------------------------------

    def charge(self, amount: float, note: str | None = None, dryrun: bool = False, user_id: str | None = None) -> Charge:
        return self._run(ep.charge(user_id or self.username_for_charges(), amount, note, dryrun))

    def charges(self, slug: str | None = None, count: int | None = None) -> list[Charge]:
        """What you paid and why, newest first (brickroad servers only)."""
        return self._run(ep.charges(self.username, slug, count))
