"""Datapoints: create (with requestid upserts), create_all, update, delete, list.

Each write locks the goal, changes points and reruns the road engine in one
transaction; a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from brickroad.errors import BrickroadError, Invalid, NotFound
from brickroad.services import days, webhooks, xids
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.services.goal_models import Datapoint, Goal
from brickroad.services.models import User
from brickroad.store import datapoints as point_rows
from brickroad.store import users as user_rows
from brickroad.store.db import WouldWait
from brickroad.store.ids import MAX_BIG_ID, parse_id

MAX_COMMENT = 1000
MAX_REQUESTID = 255
MAX_BATCH = 5000
_URTEXT = re.compile(r'^\s*(\d{1,2})\s+(\S+)\s*(?:"(.*)"|(.*))?\s*$')


@dataclass(frozen=True)
class PointInput:
    """A validated datapoint submission; None means "not sent"."""

    value: float | None
    timestamp: int | None
    day: date | None
    comment: str | None
    requestid: str | None
    urtext: str | None
    xid: str | None = None


class CreateAllFailed(Invalid):
    """create_all refused as a whole; Beeminder's {"successes", "errors"} shape."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("datapoints", "some datapoints are invalid; none were saved")
        self.problems = problems

    def body(self) -> dict[str, Any]:
        return {"successes": [], "errors": self.problems}


# ------------------------------------------------------------------ parsing


def parse_input(p: dict[str, Any], goal: Goal, tz: str, now: int, require_value: bool = True) -> PointInput:
    urtext = p.get("urtext")
    value_raw = p.get("value")
    comment = p.get("comment")
    day: date | None = None
    if urtext is not None:
        urtext = goal_service.text_param(urtext, "urtext", MAX_COMMENT)
        if value_raw is None:
            day, value_raw, parsed_comment = _parse_urtext(urtext, goal, tz, now)
            comment = parsed_comment if comment is None else comment
    value = None
    if value_raw is None:
        if require_value:
            raise Invalid("value", "can't be blank")
    else:
        value = goal_service.number(value_raw, "value")
        if value is None or isinstance(value_raw, bool):
            raise Invalid("value", "is not a number")
    ts = None
    if p.get("timestamp") is not None:
        ts = goal_service.timestamp(p["timestamp"], "timestamp", tz, goal.deadline)
    elif p.get("daystamp") is not None:
        day = goal_service.day_param(p["daystamp"], "daystamp")
    if comment is not None:
        comment = goal_service.text_param(comment, "comment", MAX_COMMENT)
    requestid = p.get("requestid")
    if requestid is not None:
        requestid = str(requestid)
        if not requestid or len(requestid) > MAX_REQUESTID:
            raise Invalid("requestid", f"must be 1 to {MAX_REQUESTID} characters")
    return PointInput(value, ts, day, comment, requestid, urtext, xids.parse(p.get("xid")))


def _parse_urtext(text: str, goal: Goal, tz: str, now: int) -> tuple[date, str, str | None]:
    """"DD VALUE "comment"": day of month (the latest such day not after today), value, comment."""
    m = _URTEXT.match(text)
    if not m:
        raise Invalid("urtext", 'must look like: DAY VALUE "comment"')
    dom = int(m.group(1))
    today = days.day_of(now, tz, goal.deadline)
    day = today
    for _ in range(62):
        if day.day == dom:
            break
        day -= timedelta(days=1)
    else:
        raise Invalid("urtext", "day of month is out of range")
    return day, m.group(2), m.group(3) if m.group(3) is not None else (m.group(4) or "").strip() or None


def _when(inp: PointInput, goal: Goal, tz: str, now: int) -> tuple[int, str]:
    """Timestamp and daystamp: timestamp wins; a daystamp alone means the end of that day."""
    if inp.timestamp is not None:
        return inp.timestamp, days.daystamp_of(inp.timestamp, tz, goal.deadline)
    if inp.day is not None:
        return days.day_end(inp.day, tz, goal.deadline), days.to_daystamp(inp.day)
    return now, days.daystamp_of(now, tz, goal.deadline)


def _new_row(goal: Goal, user: User, inp: PointInput, origin: str, now: int) -> dict[str, Any]:
    ts, stamp = _when(inp, goal, user.timezone, now)
    return dict(
        goal_id=goal.id, timestamp=ts, daystamp=stamp, value=inp.value, comment=inp.comment or "",
        requestid=inp.requestid, origin=origin, creator=user.username, is_dummy=False,
        is_initial=False, urtext=inp.urtext, created_at=now, updated_at=now, xid=inp.xid,
    )


def _same(existing: Datapoint, inp: PointInput, goal: Goal, tz: str) -> bool:
    if inp.value is not None and inp.value != existing.value:
        return False
    if inp.comment is not None and inp.comment != existing.comment:
        return False
    if inp.timestamp is not None and inp.timestamp != existing.timestamp:
        return False
    if inp.timestamp is None and inp.day is not None and days.to_daystamp(inp.day) != existing.daystamp:
        return False
    return True


def _changes(existing: Datapoint, inp: PointInput, goal: Goal, tz: str, now: int) -> dict[str, Any]:
    values: dict[str, Any] = {"updated_at": now}
    if inp.value is not None:
        values["value"] = inp.value
    if inp.comment is not None:
        values["comment"] = inp.comment
    if inp.urtext is not None:
        values["urtext"] = inp.urtext
    if inp.timestamp is not None or inp.day is not None:
        values["timestamp"], values["daystamp"] = _when(inp, goal, tz, now)
    return values


# ------------------------------------------------------------------ writes


def _finish(conn: Connection, user: User, goal: Goal, now: int, written: list[Datapoint] | None = None) -> Goal:
    """Recompute; `written` (the points this call wrote, when it only inserted or skipped) lets it use the point cache."""
    added = None
    if written is not None and all(p.status in ("created", "duplicate") for p in written):
        added = [p for p in written if p.status == "created"]
    goal = goal_service.recompute(conn, user, goal, now, touched=True, added=added)
    user_rows.update_user(conn, user.pk, updated_at=now)
    return goal


def _upsert(conn: Connection, user: User, goal: Goal, inp: PointInput, origin: str, now: int) -> Datapoint:
    """One point: insert, or (same requestid) update in place or report a duplicate."""
    tz = user.timezone
    if inp.requestid is not None:
        row = point_rows.by_requestid(conn, goal.id, inp.requestid)
        if row is not None:
            existing = Datapoint.from_row(row)
            if _same(existing, inp, goal, tz):
                existing.status = "duplicate"
                return existing
            point_rows.update_point(conn, existing.id, **_changes(existing, inp, goal, tz, now))
            point = Datapoint.from_row(point_rows.by_id(conn, goal.id, existing.id))  # type: ignore[arg-type]
            point.status = "updated"
            return point
    xids.ensure_point_xid_free(conn, goal.id, inp.xid)
    values = _new_row(goal, user, inp, origin, now)
    if inp.requestid is None:
        # Nothing to race for: a failure here fails the whole call, no savepoint needed.
        return Datapoint(id=point_rows.insert_point(conn, values), status="created", **values)
    try:
        # A savepoint, so a lost race on (goal_id, requestid) doesn't poison the transaction.
        with conn.begin_nested():
            pk = point_rows.insert_point(conn, values)
    except IntegrityError:
        if inp.requestid is None:
            raise
        return _upsert(conn, user, goal, inp, origin, now)
    point = Datapoint(id=pk, status="created", **values)
    return point


def create(ctx: Context, user: User, slug: str, p: dict[str, Any], origin: str = "api") -> Datapoint:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        inp = parse_input(p, goal, user.timezone, now)
        point = _upsert(conn, user, goal, inp, origin, now)
        if point.status != "duplicate":
            _finish(conn, user, goal, now, [point])
        webhooks.datapoint_written(conn, user, goal, [point], now, sendmail=p.get("sendmail"))
        return point


def create_each(
    ctx: Context, user: User, slug: str, requests: Sequence[dict[str, Any]], origin: str = "api"
) -> list[Datapoint | BrickroadError]:
    """Several independent single-point creates on one goal, committed together (group commit).

    Each request succeeds or fails on its own, exactly as `create` would, but
    the goal is locked, recomputed and committed once for all of them: the
    API coalesces concurrent creates on a goal into one call of this. If the
    shared transaction fails for a reason no single request explains, each
    is retried alone, so one bad request can never sink the others.
    """
    if len(requests) == 1:
        return [_outcome(lambda: create(ctx, user, slug, requests[0], origin))]
    try:
        return _create_together(ctx, user, slug, requests, origin)
    except BrickroadError as exc:  # the goal itself: every request gets the same answer
        return [exc] * len(requests)
    except WouldWait:  # nothing written: the caller runs the batch where it may wait
        raise
    except Exception:
        return [_outcome(lambda p=p: create(ctx, user, slug, p, origin)) for p in requests]  # type: ignore[misc]


def _outcome(call: Callable[[], Datapoint]) -> Datapoint | BrickroadError:
    try:
        return call()
    except BrickroadError as exc:
        return exc


def _create_together(
    ctx: Context, user: User, slug: str, requests: Sequence[dict[str, Any]], origin: str
) -> list[Datapoint | BrickroadError]:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        parsed: list[PointInput | Invalid] = []
        for p in requests:
            try:
                parsed.append(parse_input(p, goal, user.timezone, now))
            except Invalid as exc:
                parsed.append(exc)
        inputs = [i for i in parsed if isinstance(i, PointInput)]
        if any(i.xid is not None for i in inputs):
            written_or_not = [_upsert_or_refusal(conn, user, goal, i, origin, now) for i in inputs]
        else:  # one bulk insert, as create_all does (requestid repeats still upsert one by one)
            written_or_not = list(_write_batch(conn, user, goal, inputs, origin, now))
        taken = iter(written_or_not)
        outcomes = [next(taken) if isinstance(i, PointInput) else i for i in parsed]
        written = [o for o in outcomes if isinstance(o, Datapoint)]
        if any(p.status != "duplicate" for p in written):
            _finish(conn, user, goal, now, written)
        # Event webhooks for all points at once; a confirmation mail for each request that asked.
        quiet = [o for p, o in zip(requests, outcomes) if isinstance(o, Datapoint) and not p.get("sendmail")]
        if quiet:
            webhooks.datapoint_written(conn, user, goal, quiet, now)
        for p, o in zip(requests, outcomes):
            if isinstance(o, Datapoint) and p.get("sendmail"):
                webhooks.datapoint_written(conn, user, goal, [o], now, sendmail=p["sendmail"])
        return outcomes


def _upsert_or_refusal(
    conn: Connection, user: User, goal: Goal, inp: PointInput, origin: str, now: int
) -> Datapoint | Invalid:
    try:
        return _upsert(conn, user, goal, inp, origin, now)  # raises before writing (xid taken)
    except Invalid as exc:
        return exc


def _batch_items(value: Any) -> list[Any]:
    import orjson

    if isinstance(value, (str, bytes)):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise Invalid("datapoints", "is not valid JSON") from None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        raise Invalid("datapoints", "must be a non-empty JSON array of datapoints")
    if len(value) > MAX_BATCH:
        raise Invalid("datapoints", f"at most {MAX_BATCH} datapoints per call")
    return value


def create_all(ctx: Context, user: User, slug: str, raw: Any, origin: str = "api") -> list[Datapoint]:
    """All or nothing: every item is validated before anything is written."""
    items = _batch_items(raw)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        inputs: list[PointInput] = []
        problems: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append({"index": i, "errors": {"base": ["must be an object"]}})
                continue
            try:
                inputs.append(parse_input(item, goal, user.timezone, now))
            except Invalid as exc:
                problems.append({"index": i, "errors": exc.fields})
        if problems:
            raise CreateAllFailed(problems)
        problems = xids.batch_conflicts(conn, goal.id, [inp.xid for inp in inputs])
        if problems:
            raise CreateAllFailed(problems)
        results = _write_batch(conn, user, goal, inputs, origin, now)
        if any(p.status != "duplicate" for p in results):
            _finish(conn, user, goal, now, results)
        webhooks.datapoint_written(conn, user, goal, results, now)
        return results


def _write_batch(
    conn: Connection, user: User, goal: Goal, inputs: list[PointInput], origin: str, now: int
) -> list[Datapoint]:
    rids = [i.requestid for i in inputs if i.requestid is not None]
    taken = {r["requestid"]: r for r in point_rows.by_requestids(conn, goal.id, rids)}
    seen: set[str] = set()
    results: list[Datapoint | None] = [None] * len(inputs)
    fresh: list[tuple[int, dict[str, Any]]] = []
    for idx, inp in enumerate(inputs):
        rid = inp.requestid
        if rid is not None and (rid in taken or rid in seen):
            continue  # handled one by one below, after the bulk insert
        if rid is not None:
            seen.add(rid)
        fresh.append((idx, _new_row(goal, user, inp, origin, now)))
    ids = point_rows.insert_many_returning(conn, [row for _i, row in fresh])
    for (idx, row), pk in zip(fresh, ids):
        results[idx] = Datapoint(id=pk, status="created", **row)
    for idx, inp in enumerate(inputs):
        if results[idx] is None:
            known = _known_duplicate(taken, inp, goal, user.timezone)
            results[idx] = known or _upsert(conn, user, goal, inp, origin, now)
    return [r for r in results if r is not None]


def _known_duplicate(taken: dict[str, Any], inp: PointInput, goal: Goal, tz: str) -> Datapoint | None:
    """The stored point `inp` repeats unchanged, from the rows fetched before the writes; else None.

    A re-run import is all duplicates: this spares each a query. The fetched row
    is good for the first time the batch names its requestid only (pop): a later
    repeat may follow an update, so it goes through _upsert and reads afresh.
    """
    row = taken.pop(inp.requestid, None) if inp.requestid is not None else None
    if row is None:
        return None
    existing = Datapoint.from_row(row)
    if not _same(existing, inp, goal, tz):
        return None
    existing.status = "duplicate"
    return existing


def _find(conn: Connection, goal: Goal, point_id: str) -> Datapoint:
    """By public id; clients that put a requestid in the id slot (beeminderjs) are served too."""
    row = None
    try:
        row = point_rows.by_id(conn, goal.id, parse_id(point_id, MAX_BIG_ID))
    except NotFound:
        pass
    if row is None:
        row = point_rows.by_requestid(conn, goal.id, point_id)
    if row is None:
        raise NotFound()
    return Datapoint.from_row(row)


def update(ctx: Context, user: User, slug: str, point_id: str, p: dict[str, Any]) -> Datapoint:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        existing = _find(conn, goal, point_id)
        inp = parse_input(p, goal, user.timezone, now, require_value=False)
        changes = _changes(existing, inp, goal, user.timezone, now)
        if inp.requestid is not None and inp.requestid != existing.requestid:
            changes["requestid"] = inp.requestid
        try:
            with conn.begin_nested():
                point_rows.update_point(conn, existing.id, **changes)
        except IntegrityError:
            raise Invalid("requestid", "is already used by another datapoint of this goal") from None
        _finish(conn, user, goal, now)
        point = Datapoint.from_row(point_rows.by_id(conn, goal.id, existing.id))  # type: ignore[arg-type]
        webhooks.datapoint_written(conn, user, goal, [point], now, action="updated")
        return point


def delete(ctx: Context, user: User, slug: str, point_id: str) -> Datapoint:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        existing = _find(conn, goal, point_id)
        point_rows.delete_point(conn, existing.id)
        _finish(conn, user, goal, now)
        webhooks.datapoint_written(conn, user, goal, [existing], now, action="deleted")
        return existing


def listing(
    ctx: Context, user: User, slug: str, sort: str = "id", count: int | None = None,
    page: int | None = None, per: int = 25,
) -> list[Datapoint]:
    if sort not in point_rows.SORTABLE:
        raise Invalid("sort", f"must be one of {', '.join(point_rows.SORTABLE)}")
    with ctx.db.read() as conn:
        goal = goal_service.load(conn, user, slug)
        if page is not None:
            rows = point_rows.listing(conn, goal.id, sort, per, (page - 1) * per)
        else:
            rows = point_rows.listing(conn, goal.id, sort, count)
        return [Datapoint.from_row(r) for r in rows]
