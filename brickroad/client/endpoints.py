"""Every Beeminder API v1 operation as a `Call`: path, parameters, parser.

Parameters go as form fields (what Beeminder documents and most clients send)
except where the API wants structured values (roadall, tags, create_all's
datapoints), which go in a JSON body; both brickroad and beeminder.com read
either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from brickroad.client.models import Charge, Datapoint, Goal, NewDatapoint, PointStatus, User
from brickroad.client.transport import Call

SORT_FIELDS = ("id", "timestamp", "daystamp", "value", "comment", "updated_at", "requestid")


def _seg(text: str) -> str:
    return quote(str(text), safe="")


def _user_path(username: str) -> str:
    return f"users/{_seg(username)}"


def _goal_path(username: str, slug: str) -> str:
    return f"{_user_path(username)}/goals/{_seg(slug)}"


def _goal_list(body: Any) -> list[Goal]:
    return [Goal.from_json(g) for g in body or []]


def _point_list(body: Any) -> list[Datapoint]:
    return [Datapoint.from_json(d) for d in body or []]


def _created_points(body: Any) -> list[Datapoint]:
    """create_all answers a list (each with `status`); `{"successes": [...]}` if nothing failed."""
    if isinstance(body, dict):
        return _point_list(body.get("successes"))
    return _point_list(body)


def _truthy(body: Any) -> bool:
    return body is True or body == "true"


# --- users ---------------------------------------------------------------

def user(
    username: str,
    associations: bool | None = None,
    diff_since: int | None = None,
    skinny: bool | None = None,
    emaciated: bool | None = None,
    datapoints_count: int | None = None,
) -> Call[User]:
    query = {
        "associations": associations,
        "diff_since": diff_since,
        "skinny": skinny,
        "emaciated": emaciated,
        "datapoints_count": datapoints_count,
    }
    return Call("GET", f"{_user_path(username)}.json", User.from_json, query=query)


def update_user(username: str, fields: Mapping[str, Any]) -> Call[User]:
    return Call("PUT", f"{_user_path(username)}.json", User.from_json, form=dict(fields))


# --- goals ---------------------------------------------------------------

def goals(username: str, emaciated: bool | None = None) -> Call[list[Goal]]:
    return Call("GET", f"{_user_path(username)}/goals.json", _goal_list, query={"emaciated": emaciated})


def archived_goals(username: str, emaciated: bool | None = None) -> Call[list[Goal]]:
    return Call("GET", f"{_user_path(username)}/goals/archived.json", _goal_list, query={"emaciated": emaciated})


def goal(
    username: str,
    slug: str,
    datapoints: bool | None = None,
    emaciated: bool | None = None,
    datapoints_count: int | None = None,
) -> Call[Goal]:
    query = {"datapoints": datapoints, "emaciated": emaciated, "datapoints_count": datapoints_count}
    return Call("GET", f"{_goal_path(username, slug)}.json", Goal.from_json, query=query)


def create_goal(username: str, fields: Mapping[str, Any]) -> Call[Goal]:
    # goaldate/goalval/rate: exactly one is "null"; Beeminder wants the literal string.
    body = {k: ("null" if v is None and k in ("goaldate", "goalval", "rate") else v) for k, v in fields.items()}
    body = {k: v for k, v in body.items() if v is not None}
    return Call("POST", f"{_user_path(username)}/goals.json", Goal.from_json, json=body)


def update_goal(username: str, slug: str, fields: Mapping[str, Any]) -> Call[Goal]:
    return Call("PUT", f"{_goal_path(username, slug)}.json", Goal.from_json, json=dict(fields))


def refresh_graph(username: str, slug: str) -> Call[bool]:
    return Call("GET", f"{_goal_path(username, slug)}/refresh_graph.json", _truthy)


def dial_road(
    username: str, slug: str, rate: float | None, goaldate: int | None, goalval: float | None
) -> Call[Goal]:
    form = {"rate": rate, "goaldate": goaldate, "goalval": goalval}
    form = {k: ("null" if v is None else v) for k, v in form.items()}
    return Call("POST", f"{_goal_path(username, slug)}/dial_road.json", Goal.from_json, form=form)


def goal_action(username: str, slug: str, action: str, form: Mapping[str, Any] | None = None) -> Call[Goal]:
    """shortcircuit, stepdown, cancel_stepdown, uncleme, ratchet: POST, answer a Goal."""
    return Call("POST", f"{_goal_path(username, slug)}/{action}.json", Goal.from_json, form=dict(form or {}))


def ratchet(username: str, slug: str, newsafety: float, beemergency: bool | None) -> Call[Goal]:
    form: dict[str, Any] = {"newsafety": newsafety}
    if beemergency is not None:
        form["beemergency"] = beemergency
    return goal_action(username, slug, "ratchet", form)


# --- datapoints ----------------------------------------------------------

def datapoints(
    username: str,
    slug: str,
    sort: str | None = None,
    count: int | None = None,
    page: int | None = None,
    per: int | None = None,
) -> Call[list[Datapoint]]:
    if sort is not None and sort not in SORT_FIELDS:
        raise ValueError(f"sort must be one of {', '.join(SORT_FIELDS)}")
    query = {"sort": sort, "count": count, "page": page, "per": per}
    return Call("GET", f"{_goal_path(username, slug)}/datapoints.json", _point_list, query=query)


def point_fields(
    value: float | None = None,
    timestamp: int | None = None,
    daystamp: str | None = None,
    comment: str | None = None,
    requestid: str | None = None,
) -> dict[str, Any]:
    # Both timestamp and daystamp may be sent; the server lets timestamp win.
    fields = {"value": value, "timestamp": timestamp, "daystamp": daystamp, "comment": comment, "requestid": requestid}
    return {k: v for k, v in fields.items() if v is not None}


def create_datapoint(username: str, slug: str, fields: Mapping[str, Any]) -> Call[Datapoint]:
    return Call("POST", f"{_goal_path(username, slug)}/datapoints.json", Datapoint.from_json, form=dict(fields))


def _create_all_body(points: Iterable[NewDatapoint | Mapping[str, Any]]) -> dict[str, Any]:
    items = [p.params() if isinstance(p, NewDatapoint) else dict(p) for p in points]
    # A JSON-encoded string, as Beeminder's own gem sends it (its server parses
    # the string); brickroad reads a string or a real array alike.
    return {"datapoints": json.dumps(items, separators=(",", ":"), ensure_ascii=False)}


def create_all(
    username: str, slug: str, points: Iterable[NewDatapoint | Mapping[str, Any]]
) -> Call[list[Datapoint]]:
    path = f"{_goal_path(username, slug)}/datapoints/create_all.json"
    return Call("POST", path, _created_points, json=_create_all_body(points))


def _created_statuses(body: Any) -> list[PointStatus]:
    items = body.get("successes") if isinstance(body, dict) else body
    return [PointStatus.from_json(d) for d in items or []]


def create_all_statuses(
    username: str, slug: str, points: Iterable[NewDatapoint | Mapping[str, Any]]
) -> Call[list[PointStatus]]:
    """create_all asking for ids and statuses only (compact=true): brickroad then skips the full objects."""
    path = f"{_goal_path(username, slug)}/datapoints/create_all.json"
    return Call("POST", path, _created_statuses, query={"compact": True}, json=_create_all_body(points))


def update_datapoint(username: str, slug: str, point_id: str, fields: Mapping[str, Any]) -> Call[Datapoint]:
    path = f"{_goal_path(username, slug)}/datapoints/{_seg(point_id)}.json"
    return Call("PUT", path, Datapoint.from_json, form=dict(fields))


def delete_datapoint(username: str, slug: str, point_id: str) -> Call[Datapoint]:
    path = f"{_goal_path(username, slug)}/datapoints/{_seg(point_id)}.json"
    return Call("DELETE", path, Datapoint.from_json)


# --- charges -------------------------------------------------------------

def charge(user_id: str, amount: float, note: str | None, dryrun: bool) -> Call[Charge]:
    form: dict[str, Any] = {"user_id": user_id, "amount": amount, "note": note}
    if dryrun:
        form["dryrun"] = "true"  # documented as "if passed"
    return Call("POST", "charges.json", Charge.from_json, form=form)


def charges(username: str, slug: str | None = None, count: int | None = None) -> Call[list[Charge]]:
    """brickroad only: the user's charges, newest first (beeminder.com has no such call)."""
    return Call("GET", f"{_user_path(username)}/charges.json", _charge_list, query={"slug": slug, "count": count})


def _charge_list(body: Any) -> list[Charge]:
    return [Charge.from_json(c) for c in body or []]


class Pager:
    """Decides when paging through datapoints is over, without trusting `per`.

    Some servers cap `per` silently (a short page is then not the last) and
    old ones ignore `page` (every page is the same): stop on an empty page, on
    a page with nothing new, or on a page shorter than the one before it.
    """

    def __init__(self, per: int) -> None:
        if per < 1:
            raise ValueError("per must be at least 1")
        self.per = per
        self.page = 1
        self._seen: set[str] = set()
        self._previous: int | None = None
        self.done = False

    def take(self, batch: list[Datapoint]) -> list[Datapoint]:
        """The points of this page not seen before; advances to the next page."""
        fresh = [p for p in batch if p.id not in self._seen]
        self._seen.update(p.id for p in fresh)
        short = len(batch) < self.per and self._previous is not None and len(batch) < self._previous
        self.done = not fresh or short
        self._previous = len(batch)
        self.page += 1
        return fresh
