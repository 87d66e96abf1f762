"""POST /api/v2: Beebole-style JSON-document RPC over the same services as /api/v1.

A request is one JSON document naming a `service` and its parameters; the
answer always carries `status` ("ok" or "error") and, on error, a `message`
(plus the usual `errors` key and an HTTP status that says what went wrong).
Dates go in and out as "YYYY-MM-DD HH:MM:SS" in the user's timezone. Records
may be addressed by `xid` (an outside system's id) instead of `id`; answers
then name them by xid too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import Response

from brickroad.api.endpoint import ApiRequest
from brickroad.api.params import as_bool, as_int
from brickroad.api.responses import JSON
from brickroad.errors import BadRequest, BrickroadError, Invalid, NotFound
from brickroad.services import charges as charge_service
from brickroad.services import datapoints as point_service
from brickroad.services import current
from brickroad.services import quotas
from brickroad.services.goal_models import Charge, Datapoint, Goal
from brickroad.services.models import User
from brickroad.store import xids as xid_rows
from brickroad.store.ids import parse_id, public_id

DATETIME_FMT = "%Y-%m-%d %H:%M:%S"
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_BATCH = 100


def render_error(exc: BrickroadError) -> Response:
    body = {"status": "error", "message": _message(exc), **exc.body()}
    return JSON(body, status_code=exc.status, headers=exc.headers or None)


def _message(exc: BrickroadError) -> str:
    if isinstance(exc, Invalid):
        return "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in exc.fields.items())
    return str(exc)


class BatchFailed(BrickroadError):
    """One request of a batch failed: nothing of the batch was written."""

    def __init__(self, index: int, service: str, cause: BrickroadError) -> None:
        super().__init__(f"request {index} ({service}) failed, nothing was saved: {_message(cause)}")
        self.status = cause.status
        self.index, self.cause = index, cause

    def body(self) -> dict[str, Any]:
        return {"index": self.index, "errors": self.cause.body().get("errors", {"message": str(self.cause)})}


# ------------------------------------------------------------------ dates


def fmt_time(t: int | None, tz: str) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, ZoneInfo(tz)).strftime(DATETIME_FMT)


def when_params(doc: dict[str, Any], tz: str) -> dict[str, Any]:
    """`date` as "YYYY-MM-DD HH:MM:SS" (an instant) or "YYYY-MM-DD" (a day) to v1's timestamp/daystamp."""
    value = doc.get("date")
    if value is None:
        return {}
    text = str(value).strip()
    try:
        if _DATETIME.fullmatch(text):
            local = datetime.strptime(text, DATETIME_FMT).replace(tzinfo=ZoneInfo(tz))
            return {"timestamp": int(local.timestamp())}
        if _DATE.fullmatch(text):
            datetime.strptime(text, "%Y-%m-%d")
            return {"daystamp": text.replace("-", "")}
    except ValueError:
        pass
    raise Invalid("date", "must be a date as YYYY-MM-DD HH:MM:SS or YYYY-MM-DD")


# ------------------------------------------------------------------ addressing


@dataclass
class Call:
    """One service call: the caller, its parameters, and whether it speaks in xids."""

    req: ApiRequest
    doc: dict[str, Any]
    by_xid: bool = False

    @property
    def user(self) -> User:
        return self.req.user

    @property
    def tz(self) -> str:
        return self.req.user.timezone

    def ident(self, pk: int, xid: str | None) -> dict[str, str]:
        return {"xid": xid} if self.by_xid and xid is not None else {"id": public_id(pk)}


def _ref(value: Any, field: str) -> dict[str, Any]:
    if isinstance(value, str):
        return {"slug": value} if field == "goal" else {"id": value}
    if not isinstance(value, dict) or not ({"id", "xid", "slug"} & set(value)):
        raise Invalid(field, "must name a record by id or xid" + (" or slug" if field == "goal" else ""))
    return value


def goal_slug(call: Call) -> str:
    """The slug of the goal named by `goal` (object with slug, id or xid; or a slug string)."""
    if "goal" not in call.doc:
        raise Invalid("goal", "can't be blank")
    ref = _ref(call.doc["goal"], "goal")
    if "slug" in ref:
        return str(ref["slug"])
    ctx = call.req.ctx
    with ctx.db.read() as conn:
        if "xid" in ref:
            call.by_xid = True
            slug = xid_rows.goal_slug_by_xid(conn, call.user.pk, str(ref["xid"]))
        else:
            slug = xid_rows.goal_slug_by_id(conn, call.user.pk, parse_id(str(ref["id"])))
    if slug is None:
        raise NotFound()
    return slug


def point_id(call: Call, slug: str) -> str:
    """The public id of the datapoint named by `datapoint` (or top-level id / xid)."""
    ref = _ref(call.doc.get("datapoint") or {k: call.doc[k] for k in ("id", "xid") if k in call.doc}, "datapoint")
    if "xid" not in ref:
        return str(ref["id"])
    call.by_xid = True
    goal = current.get(call.req.ctx, call.user, slug)
    with call.req.ctx.db.read() as conn:
        pk = xid_rows.point_id_by_xid(conn, goal.id, str(ref["xid"]))
    if pk is None:
        raise NotFound()
    return public_id(pk)


# ------------------------------------------------------------------ records


def user_record(call: Call, slugs: list[str]) -> dict[str, Any]:
    u = call.user
    return {"username": u.username, "timezone": u.timezone, "goals": slugs,
            "created": fmt_time(u.created_at, u.timezone), "updated": fmt_time(u.updated_at, u.timezone)}


def goal_record(call: Call, g: Goal) -> dict[str, Any]:
    s = g.stats or {}
    return {
        **call.ident(g.id, g.xid), "slug": g.slug, "title": g.title, "goal_type": g.goal_type,
        "gunits": g.gunits, "runits": g.runits, "rate": g.rate, "goalval": g.goalval,
        "goaldate": fmt_time(g.goaldate, call.tz), "losedate": fmt_time(g.losedate, call.tz),
        "safebuf": g.safebuf, "limsum": s.get("limsum"), "pledge": float(g.pledge), "secret": g.secret,
        "won": g.won, "lost": g.lost, "created": fmt_time(g.created_at, call.tz), "updated": fmt_time(g.updated_at, call.tz),
    }


def point_record(call: Call, p: Datapoint) -> dict[str, Any]:
    day = p.daystamp
    out = {
        **call.ident(p.id, p.xid), "date": fmt_time(p.timestamp, call.tz), "day": f"{day[:4]}-{day[4:6]}-{day[6:]}",
        "value": p.value, "comment": p.comment, "requestid": p.requestid,
        "created": fmt_time(p.created_at, call.tz), "updated": fmt_time(p.updated_at, call.tz),
    }
    if p.status is not None:
        out["state"] = p.status
    return out


def charge_record(call: Call, c: Charge) -> dict[str, Any]:
    return {"id": public_id(c.id) if c.id else None, "amount": c.amount, "note": c.note,
            "username": c.username, "created": fmt_time(c.created_at, call.tz)}


# ------------------------------------------------------------------ services


def _point_params(call: Call) -> dict[str, Any]:
    keys = ("value", "comment", "requestid", "xid", "timestamp", "daystamp")
    return {**{k: call.doc[k] for k in keys if k in call.doc}, **when_params(call.doc, call.tz)}


def user_get(call: Call) -> dict[str, Any]:
    views = current.list_goals(call.req.ctx, call.user)
    return {"user": user_record(call, [v.goal.slug for v in views])}


def goal_list(call: Call) -> dict[str, Any]:
    call.by_xid = bool(call.doc.get("xids"))
    archived = as_bool(call.doc.get("archived", False), "archived")
    views = current.list_goals(call.req.ctx, call.user, archived=archived)
    return {"goals": [goal_record(call, v.goal) for v in views]}


def goal_get(call: Call) -> dict[str, Any]:
    if "goal" not in call.doc:  # also accept the goal's own keys at the top level
        call.doc["goal"] = {k: call.doc[k] for k in ("slug", "id", "xid") if k in call.doc}
    return {"goal": goal_record(call, current.get(call.req.ctx, call.user, goal_slug(call)))}


def datapoint_list(call: Call) -> dict[str, Any]:
    slug = goal_slug(call)
    count = as_int(call.doc["count"], "count") if "count" in call.doc else None
    if count is not None and count < 0:
        raise Invalid("count", "must be zero or more")
    sort = str(call.doc.get("sort", "id"))
    points = point_service.listing(call.req.ctx, call.user, slug, sort=sort, count=count)
    return {"datapoints": [point_record(call, p) for p in points]}


def _date_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """v2 speaks `date`: a complaint about the timestamp or daystamp it became is about `date`."""
    return {("date" if k in ("timestamp", "daystamp") else k): v for k, v in fields.items()}


@contextmanager
def _about_date(docs: list[Any]) -> Iterator[None]:
    """Name `date` in the 422s of the documents (one, or create_all's items) that sent one."""
    try:
        yield
    except point_service.CreateAllFailed as exc:
        for problem in exc.problems:
            doc = docs[problem["index"]] if len(docs) > problem["index"] else None
            if isinstance(doc, dict) and "date" in doc:
                problem["errors"] = _date_fields(problem["errors"])
        raise
    except Invalid as exc:
        if len(docs) == 1 and isinstance(docs[0], dict) and "date" in docs[0]:
            raise Invalid(_date_fields(exc.fields)) from None
        raise


def datapoint_create(call: Call) -> dict[str, Any]:
    slug = goal_slug(call)
    params = _point_params(call)
    call.by_xid = call.by_xid or "xid" in params
    with _about_date([call.doc]):
        point = point_service.create(call.req.ctx, call.user, slug, params, origin="api")
    return {"datapoint": point_record(call, point)}


def datapoint_create_all(call: Call) -> dict[str, Any]:
    slug = goal_slug(call)
    items = call.doc.get("datapoints")
    if not isinstance(items, list):
        raise Invalid("datapoints", "must be a JSON array of datapoints")
    converted = []
    for item in items:
        if isinstance(item, dict):
            sub = Call(call.req, item)
            item = _point_params(sub)
            call.by_xid = call.by_xid or "xid" in item
        converted.append(item)
    compact = as_bool(call.doc["compact"], "compact") if call.doc.get("compact") is not None else False
    with _about_date(items):
        points = point_service.create_all(call.req.ctx, call.user, slug, converted, origin="api")
    if compact:  # as v1's compact=true: bulk loaders read only what became of each point
        return {"datapoints": [{**call.ident(p.id, p.xid), "state": p.status} for p in points]}
    return {"datapoints": [point_record(call, p) for p in points]}


def datapoint_update(call: Call) -> dict[str, Any]:
    slug = goal_slug(call)
    pid = point_id(call, slug)
    params = {k: v for k, v in _point_params(call).items() if k != "xid"}
    with _about_date([call.doc]):
        point = point_service.update(call.req.ctx, call.user, slug, pid, params)
    return {"datapoint": point_record(call, point)}


def datapoint_delete(call: Call) -> dict[str, Any]:
    slug = goal_slug(call)
    point = point_service.delete(call.req.ctx, call.user, slug, point_id(call, slug))
    return {"datapoint": point_record(call, point)}


def charge_create(call: Call) -> dict[str, Any]:
    dryrun = as_bool(call.doc.get("dryrun", False), "dryrun")
    charge = charge_service.create(call.req.ctx, call.user, call.doc, dryrun=dryrun)
    return {"charge": charge_record(call, charge)}


SERVICES: dict[str, Callable[[Call], dict[str, Any]]] = {
    "user.get": user_get,
    "goal.list": goal_list,
    "goal.get": goal_get,
    "datapoint.list": datapoint_list,
    "datapoint.create": datapoint_create,
    "datapoint.create_all": datapoint_create_all,
    "datapoint.update": datapoint_update,
    "datapoint.delete": datapoint_delete,
    "charge.create": charge_create,
}


def _dispatch(req: ApiRequest, doc: dict[str, Any]) -> dict[str, Any]:
    name = doc.get("service")
    if not isinstance(name, str) or not name:
        raise Invalid("service", "can't be blank")
    if name not in SERVICES:
        raise Invalid("service", f"unknown service '{name}' (one of: batch, {', '.join(SERVICES)})")
    return SERVICES[name](Call(req, dict(doc)))


def _batch(req: ApiRequest) -> dict[str, Any]:
    requests = req.params.get("requests")
    if not isinstance(requests, list) or not requests:
        raise Invalid("requests", "must be a non-empty array of service documents")
    if len(requests) > MAX_BATCH:
        raise Invalid("requests", f"at most {MAX_BATCH} requests per batch")
    if req.ctx.settings.quotas_enabled and len(requests) > 1:
        # Each inner call counts as a request (the batch itself was one): count what is done.
        quotas.for_context(req.ctx).admit(req.user, 0, calls=len(requests) - 1)
    answers = []
    # One transaction: every service call below joins it, so one failure undoes all.
    with req.ctx.db.write():
        for i, doc in enumerate(requests):
            name = doc.get("service") if isinstance(doc, dict) else None
            try:
                if not isinstance(doc, dict):
                    raise Invalid("requests", "each request must be a JSON object")
                if name == "batch":
                    raise Invalid("service", "batches can't be nested")
                answers.append({"status": "ok", **_dispatch(req, doc)})
            except BrickroadError as exc:
                raise BatchFailed(i, str(name), exc) from None
    return {"responses": answers}


def rpc(req: ApiRequest) -> dict[str, Any]:
    media = req.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise BadRequest('Send a JSON document (Content-Type: application/json), e.g. {"service": "goal.list"}')
    result = _batch(req) if req.params.get("service") == "batch" else _dispatch(req, req.params)
    return {"status": "ok", **result}
