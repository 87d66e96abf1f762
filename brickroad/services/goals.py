"""Goals: create, read, update, the road (roadall, dial_road, ratchet) and recomputation.

Every change to a goal's road or data reruns the road engine in the same
transaction (`recompute`) so the derived fields on the row are never stale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from brickroad.errors import Invalid, NotFound, Refused
from brickroad.road import AGGDAY_METHODS, RoadError
from brickroad.services import days, firstday, outbox, pointcache, roadcalc, schedule, uncomputable, xids
from brickroad.services.context import Context
from brickroad.services.goal_models import Datapoint, Goal
from brickroad.services.memo import Memo
from brickroad.services.models import User
from brickroad.store import datapoints as point_rows
from brickroad.store import goals as goal_rows
from brickroad.store import users as user_rows

SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
# Path words under /goals/ that a slug would shadow.
RESERVED_SLUGS = frozenset({"archived", "new"})
TAG_RE = re.compile(r"[A-Za-z0-9]{1,64}")
RUNITS = ("y", "m", "w", "d", "h")
AKRASIA_DAYS = 7
DEFAULT_PLEDGE_CAP = 30
RECENT = 5
# What the road engine can place and sum (issue 16.6): larger magnitudes overflow its cumulative
# sums to inf/NaN; days before 1970-01-02 fall on its "no date" 0 or before it.
MAX_ABS_VALUE = 1e15
FIRST_DAY = date(1970, 1, 2)
LAST_DAY = date(2099, 12, 31)
DAY_RANGE_MESSAGE = "must fall on a day from 1970-01-02 to 2099-12-31 in your timezone"

GOAL_TYPES: dict[str, dict[str, Any]] = {
    # REFERENCE §12; gainer follows the current docs (aggday max).
    "hustler": dict(yaw=1, dir=1, kyoom=True, odom=False, edgy=False, aggday="sum", steppy=True, rosy=False, movingav=False, aura=False, noisy=False),
    "biker": dict(yaw=1, dir=1, kyoom=False, odom=True, edgy=False, aggday="last", steppy=True, rosy=False, movingav=False, aura=False, noisy=False),
    "fatloser": dict(yaw=-1, dir=-1, kyoom=False, odom=False, edgy=False, aggday="min", steppy=False, rosy=True, movingav=True, aura=True, noisy=True),
    "gainer": dict(yaw=1, dir=1, kyoom=False, odom=False, edgy=False, aggday="max", steppy=False, rosy=True, movingav=True, aura=True, noisy=True),
    "inboxer": dict(yaw=-1, dir=-1, kyoom=False, odom=False, edgy=False, aggday="min", steppy=True, rosy=False, movingav=False, aura=False, noisy=False),
    "drinker": dict(yaw=-1, dir=1, kyoom=True, odom=False, edgy=True, aggday="sum", steppy=True, rosy=False, movingav=False, aura=False, noisy=False),
    "custom": dict(yaw=1, dir=1, kyoom=False, odom=False, edgy=False, aggday="last", steppy=False, rosy=False, movingav=False, aura=False, noisy=False),
}
CUSTOM_BOOLS = ("kyoom", "odom", "edgy", "noisy", "steppy", "rosy", "movingav", "aura")
AGGDAYS = AGGDAY_METHODS  # every method Beebrain knows
YAXIS_PREFIX = {True: "cumulative total ", False: "current "}


# ------------------------------------------------------------------ reading


def get(ctx: Context, user: User, slug: str) -> Goal:
    with ctx.db.read() as conn:
        return load(conn, user, slug)


def load(conn: Connection, user: User, slug: str, for_update: bool = False) -> Goal:
    row = goal_rows.by_slug(conn, user.pk, slug, for_update=for_update)
    if row is None:
        raise NotFound()
    return Goal.from_row(row)


def load_fresh(conn: Connection, user: User, slug: str, now: int) -> Goal:
    """Lock the goal and bring its derived fields up to now (days may have passed since the last write)."""
    goal = load(conn, user, slug, for_update=True)
    if (goal.stats or {}).get("today") != roadcalc.today_stamp(goal, user.timezone, now):
        goal = recompute(conn, user, goal, now)
    return goal


def recent_points(conn: Connection, goal: Goal, n: int = RECENT) -> list[Datapoint]:
    return [Datapoint.from_row(r) for r in point_rows.newest(conn, goal.id, n)]


@dataclass
class GoalView:
    """A goal with what its JSON embeds."""

    goal: Goal
    recent: list[Datapoint]
    datapoints: list[Datapoint] | None = None
    # The rows it was built from, when get_view built it: a key for caching what depends only on them.
    rows: tuple[Any, ...] | None = field(default=None, compare=False)


def view(conn: Connection, goal: Goal, datapoints: bool = False, count: int | None = None) -> GoalView:
    points = None
    if datapoints:
        if count is not None:
            points = [Datapoint.from_row(r) for r in point_rows.recently_updated(conn, goal.id, count)]
        else:
            points = [Datapoint.from_row(r) for r in point_rows.all_for_goal(conn, goal.id)]
    return GoalView(goal, recent_points(conn, goal), points)


_VIEWS = Memo(512)  # (user id, slug) -> (the GoalView last built for it, the data version then)
_ID = goal_rows.COLUMNS.index("id")
_REV = goal_rows.COLUMNS.index("points_rev")


def get_view(ctx: Context, user: User, slug: str, datapoints: bool = False, count: int | None = None) -> GoalView:
    """One goal for GET. Without `datapoints` the view is shared by every request that read the same
    goal row (treat it as read-only), and `view.rows` names the rows it was built from.

    The goal row alone decides the view: every change to a goal's points is
    followed, in its transaction, by a recompute that writes a fresh
    `points_rev` (services/pointcache.py), so an unchanged row means unchanged
    points and the recent ones needn't be read again. While the database is
    unchanged (Database.data_version) not even the row is read again.
    """
    with ctx.db.read() as conn:
        if datapoints:
            return view(conn, load(conn, user, slug), datapoints, count)
        key = (user.pk, slug)
        version = ctx.db.data_version(conn)
        cached = _VIEWS.get(key)
        if cached is not None and version is not None and cached[1] == version:
            return cached[0]  # type: ignore[no-any-return]
        raw = goal_rows.by_slug_raw(conn, user.pk, slug)
        if raw is None:
            raise NotFound()
        found: GoalView | None = cached[0] if cached is not None else None
        if found is None or found.rows is None or found.rows[0] != raw or raw[_REV] is None:
            found = _build_view(conn, raw)
    _VIEWS.put(key, (found, version))
    return found


def _build_view(conn: Connection, raw: tuple[Any, ...]) -> GoalView:
    row = goal_rows.fix_row(conn, raw)
    recent = tuple(point_rows.newest_rows(conn, row[_ID], RECENT))
    goal = Goal.from_row(dict(zip(goal_rows.COLUMNS, row)))
    points = [Datapoint.from_row(dict(zip(point_rows.COLUMNS, r))) for r in recent]
    return GoalView(goal, points, None, (raw, recent))


def urgencykey(goal: Any) -> str:
    """Beeminder's sort key (most urgent first); takes a Goal or a row with the same fields."""
    fro = "1" if goal.frozen or goal.archived_at is not None else "x"
    dl = f"{goal.losedate:010d}" if goal.losedate else "0000000000"
    return f"FRO{fro};PPRx;DL{dl};P{1000000000 - round(goal.pledge * 100):010d};{goal.slug}"


def list_goals(ctx: Context, user: User, archived: bool = False, burner: str | None = None) -> list[GoalView]:
    """Active (or archived) goals, most urgent first."""
    with ctx.db.read() as conn:
        goals = [Goal.from_row(r) for r in goal_rows.for_user(conn, user.pk, archived=archived)]
        if burner in ("frontburner", "backburner"):
            goals = [g for g in goals if g.burner == burner]
        goals.sort(key=urgencykey)
        return [view(conn, g) for g in goals]


# ------------------------------------------------------------------ validation helpers


def number(value: Any, field: str, errors: dict[str, list[str]] | None = None) -> float | None:
    """A finite float of at most MAX_ABS_VALUE, or a 422 on `field` (NaN, infinities, huge and words refused)."""
    if isinstance(value, bool):
        problem = "is not a number"
    else:
        try:
            x = float(value)
        except (TypeError, ValueError):
            problem = "is not a number"
        else:
            if math.isfinite(x) and abs(x) <= MAX_ABS_VALUE:
                return x
            problem = f"must be a finite number between -{MAX_ABS_VALUE:g} and {MAX_ABS_VALUE:g}"
    if errors is None:
        raise Invalid(field, problem)
    errors.setdefault(field, []).append(problem)
    return None


def timestamp(value: Any, field: str, tz: str, deadline: int = 0) -> int:
    """Unix seconds, a fraction floored, whose day (in `tz`, shifted by `deadline`) the engine can place."""
    x = number(value, field)
    assert x is not None
    t = math.floor(x)
    if not 0 <= t <= days.BDUSK:  # Beeminder's end of time, 2099-12-31 23:59:59 UTC, in any zone
        raise Invalid(field, f"must be a unix time from 0 to {days.BDUSK} (2099-12-31 23:59:59 UTC)")
    if not FIRST_DAY <= days.day_of(t, tz, deadline) <= LAST_DAY:
        raise Invalid(field, DAY_RANGE_MESSAGE)
    return t


def day_param(value: Any, field: str) -> date:
    """A "YYYYMMDD" / "YYYY-MM-DD" day the engine can place (FIRST_DAY to LAST_DAY)."""
    day = days.parse_daystamp(value, field)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(field, DAY_RANGE_MESSAGE)
    return day


def bool_param(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise Invalid(field, "must be true or false")


def int_param(value: Any, field: str) -> int:
    x = number(value, field)
    assert x is not None
    if not x.is_integer():
        raise Invalid(field, "is not an integer")
    return int(x)


def tags_param(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            value = [t for t in re.split(r"[,\s]+", value) if t]
    if not isinstance(value, list) or not all(isinstance(t, str) and TAG_RE.fullmatch(t) for t in value):
        raise Invalid("tags", "must be a list of alphanumeric tags")
    return list(dict.fromkeys(value))


def text_param(value: Any, field: str, limit: int = 1000) -> str:
    text = str(value)
    if len(text) > limit:
        raise Invalid(field, f"is too long (maximum is {limit} characters)")
    return text


def _day(goal: Goal, tz: str, now: int):  # type: ignore[no-untyped-def]
    return days.day_of(now, tz, goal.deadline)


# ------------------------------------------------------------------ create


def _two_of_three(
    p: dict[str, Any], tz: str, errors: dict[str, list[str]]
) -> tuple[int | None, float | None, float | None]:
    given = {k: p.get(k) for k in ("goaldate", "goalval", "rate") if p.get(k) not in (None, "", "null")}
    goaldate = goalval = rate = None
    if "goaldate" in given:
        try:
            goaldate = timestamp(given["goaldate"], "goaldate", tz)
        except Invalid as exc:
            errors.update(exc.fields)
    if "goalval" in given:
        goalval = number(given["goalval"], "goalval", errors)
    if "rate" in given:
        rate = number(given["rate"], "rate", errors)
    if len(given) != 2:
        errors.setdefault("base", []).append("You must set two of (Goal, Goal Date, and Rate)")
    return goaldate, goalval, rate


def build_new_goal(user: User, p: dict[str, Any], now: int) -> tuple[Goal, float]:
    """Validate create params into an unsaved Goal (id 0); returns it and the initial value."""
    errors: dict[str, list[str]] = {}
    slug = str(p.get("slug") or "")
    if not slug:
        errors["slug"] = ["can't be blank"]
    elif not SLUG_RE.fullmatch(slug) or slug.lower() in RESERVED_SLUGS:
        errors["slug"] = ["must be letters, digits, '-' or '_' (at most 100 characters)"]
    gtype = str(p.get("goal_type") or p.get("gtype") or "")
    if not gtype:
        errors["gtype"] = ["can't be blank", "you must select a goal type"]
    elif gtype not in GOAL_TYPES:
        errors["gtype"] = [f"'{gtype}' is not a goal type ({', '.join(GOAL_TYPES)})"]
    goaldate, goalval, rate = _two_of_three(p, user.timezone, errors)
    gunits = str(p.get("gunits") or "")
    if not gunits:
        errors.setdefault("base", []).append("Goal units are required")
    elif len(gunits) > 100:
        errors["gunits"] = ["is too long (maximum is 100 characters)"]
    initval = 0.0
    if p.get("initval") not in (None, ""):
        initval = number(p["initval"], "initval", errors) or 0.0
    runits = str(p.get("runits") or "w")
    if runits not in RUNITS:
        errors["runits"] = ["must be one of y, m, w, d, h"]
    flags = dict(GOAL_TYPES.get(gtype, GOAL_TYPES["custom"]))
    integery = False
    try:
        if gtype == "custom":
            _custom_flags(p, flags)
        if "integery" in p:
            integery = bool_param(p["integery"], "integery")
    except Invalid as exc:
        errors.update(exc.fields)
    if errors:
        raise Invalid(errors)
    title = text_param(p.get("title") or slug, "title", 200)
    day = days.day_of(now, user.timezone, user.default_deadline)
    initday = days.day_start(day, user.timezone)
    if goaldate is not None and goaldate <= initday:
        raise Invalid("goaldate", "must be after the goal's start")
    if rate is not None and goaldate is None and goalval is not None:
        if rate == 0 or (goalval - initval) * rate < 0:
            raise Invalid("base", "The rate never reaches the goal value")
    goal = Goal(
        id=0, user_id=user.pk, slug=slug, title=title, description=None,
        fineprint=None, yaxis=YAXIS_PREFIX[bool(flags["kyoom"])] + gunits, gunits=gunits,
        goal_type=gtype, runits=runits, goaldate=goaldate, goalval=goalval, rate=rate,
        initday=initday, initval=initval, road=[], integery=integery, plotall=True,
        hhmmformat=False, weekends_off=False, maxflux=None, tmin=None, tmax=None,
        deadline=user.default_deadline, leadtime=user.default_leadtime,
        alertstart=user.default_alertstart, use_defaults=True,
        panic=int_param(p["panic"], "panic") if "panic" in p else 54000,
        ephem=bool_param(p["ephem"], "ephem") if "ephem" in p else False,
        secret=bool_param(p["secret"], "secret") if "secret" in p else False,
        datapublic=bool_param(p["datapublic"], "datapublic") if "datapublic" in p else False,
        burner="frontburner", tags=tags_param(p.get("tags")),
        datasource=str(p["datasource"]) if p.get("datasource") else None, callback_url=None,
        pledge=0.0, pledge_cap=DEFAULT_PLEDGE_CAP, stepdown_at=None, pending_amount=None,
        pending_at=None, queued=False, frozen=False, won=False, lost=False, archived_at=None,
        losedate=None, safebuf=None, stats=None, next_check_at=None,
        created_at=now, updated_at=now, deleted_at=None, **flags,
    )
    if "pledge_cap" in p:
        goal.pledge_cap = _pledge_cap(p["pledge_cap"])
    goal.xid = xids.parse(p.get("xid"))
    return goal, initval


def _pledge_cap(value: Any) -> int:
    from brickroad.services.pledges import LADDER

    cap = int_param(value, "pledge_cap")
    if cap not in LADDER:
        raise Invalid("pledge_cap", f"must be one of {', '.join(str(x) for x in LADDER)}")
    return cap


def _custom_flags(p: dict[str, Any], flags: dict[str, Any]) -> None:
    for key in ("yaw", "dir"):
        if key in p:
            v = int_param(p[key], key)
            if v not in (-1, 1):
                raise Invalid(key, "must be 1 or -1")
            flags[key] = v
    for key in CUSTOM_BOOLS:
        if key in p:
            flags[key] = bool_param(p[key], key)
    if "aggday" in p:
        flags["aggday"] = aggday_param(p["aggday"])


def aggday_param(value: Any) -> str:
    if str(value) not in AGGDAYS:
        raise Invalid("aggday", f"must be one of {', '.join(sorted(AGGDAYS))}")
    return str(value)


def create(ctx: Context, user: User, p: dict[str, Any], dryrun: bool = False) -> GoalView:
    now = ctx.clock.now()
    goal, initval = build_new_goal(user, p, now)
    initial = firstday.initial_point(goal, user.timezone, initval, now)
    if dryrun:
        with ctx.db.read() as conn:
            if goal_rows.slug_exists(conn, user.pk, goal.slug):
                raise Invalid("slug", "has already been taken")
        points = roadcalc.Points([initial["daystamp"]], [initval], [""])
        derived = roadcalc.derive(goal, user.timezone, points, now, user.username)
        goal = _with_derived(goal, derived, now)
        return GoalView(goal, [Datapoint(id=0, goal_id=0, **initial)])
    try:
        with ctx.db.write() as conn:
            if goal_rows.slug_exists(conn, user.pk, goal.slug):
                raise Invalid("slug", "has already been taken")
            xids.ensure_goal_xid_free(conn, user.pk, goal.xid)
            goal.id = goal_rows.insert_goal(conn, goal.to_row())
            point_rows.insert_point(conn, {"goal_id": goal.id, **initial})
            goal = recompute(conn, user, goal, now)
            user_rows.update_user(conn, user.pk, updated_at=now)
            return view(conn, goal)
    except IntegrityError:
        # Two creates raced for one slug; the unique index let one through.
        raise Invalid("slug", "has already been taken") from None


# ------------------------------------------------------------------ recompute


def _with_derived(goal: Goal, d: roadcalc.Derived, now: int) -> Goal:
    checks = [t for t in (d.losedate, goal.stepdown_at) if t is not None]
    return goal.evolve(
        losedate=d.losedate, safebuf=d.safebuf, stats=d.stats, next_check_at=min(checks) if checks else None
    )


def recompute(
    conn: Connection, user: User, goal: Goal, now: int, touched: bool = False,
    added: Sequence[Datapoint] | None = None,
) -> Goal:
    """Rerun the engine on the goal's current data and store the derived fields (same transaction).

    `added`: when the only change to the goal's points since its last
    recompute is that this transaction inserted these, say so, and a cached
    copy of the rest may be used (services/pointcache.py). None refetches all.
    """
    gp = pointcache.CACHE.take(goal.id, goal_rows.points_rev(conn, goal.id))
    if gp is not None and added is not None:
        gp.add([(p.id, p.timestamp, p.daystamp, p.value, p.comment) for p in added])
    else:
        gp = pointcache.fetch(conn, goal.id)
    points, hidden = firstday.engine_points(conn, goal, gp)
    derived = roadcalc.derive(goal, user.timezone, points, now, user.username)
    # An aggregation of fewer points than the cache holds can't be carried on from.
    gp.aggregated = None if hidden else derived.aggregated
    if hidden and "numpts" in derived.stats:
        derived.stats["numpts"] += hidden  # the initial point is still one of the goal's points
    goal = schedule.after_recompute(conn, goal, _with_derived(goal, derived, now), user.timezone, now)
    goal = uncomputable.with_daily_check(goal, user.timezone, now)
    stats = dict(goal.stats or {})
    previous = (goal.stats or {}).get("lasttouch")
    stats["lasttouch"] = days.iso_utc(now) if touched else previous
    # The graph changes with the data: mark it queued and ask for a render in this transaction.
    rev = pointcache.new_rev()
    goal = goal.evolve(stats=stats, updated_at=now, queued=True, points_rev=rev)
    goal_rows.update_goal(
        conn, goal.id, losedate=goal.losedate, safebuf=goal.safebuf, stats=orjson.dumps(stats).decode(),
        next_check_at=goal.next_check_at, updated_at=now, points_rev=rev, queued=True,
    )
    outbox.enqueue_graph(conn, goal.id, user.pk, now)
    pointcache.CACHE.put(goal.id, rev, gp)
    return goal


def save_and_recompute(conn: Connection, user: User, goal: Goal, now: int, **values: Any) -> Goal:
    goal = replace(goal, **values)
    row = goal.to_row()
    goal_rows.update_goal(conn, goal.id, **{k: row[k] for k in values})
    goal = recompute(conn, user, goal, now)
    user_rows.update_user(conn, user.pk, updated_at=now)
    return goal


# ------------------------------------------------------------------ following the owner's settings

# Goal setting -> the user default a `use_defaults` goal takes it from.
DEFAULTS = {"deadline": "default_deadline", "leadtime": "default_leadtime", "alertstart": "default_alertstart"}


def follow_user_settings(conn: Connection, before: User, after: User, now: int) -> None:
    """After the owner's settings change: `use_defaults` goals take the changed defaults, and every
    active goal is recomputed when the timezone moved (its days and deadlines are local)."""
    changed = {key: getattr(after, default) for key, default in DEFAULTS.items()
               if getattr(before, default) != getattr(after, default)}
    moved = before.timezone != after.timezone
    if not changed and not moved:
        return
    for row in goal_rows.for_user(conn, after.pk, archived=False):
        goal = load(conn, after, str(row["slug"]), for_update=True)
        if not schedule.is_active(goal):
            continue
        if changed and goal.use_defaults:
            apply_reminder_settings(conn, after, goal, now, changed)
        elif moved:
            recompute(conn, after, goal, now)


def apply_reminder_settings(conn: Connection, user: User, goal: Goal, now: int, values: dict[str, int]) -> Goal:
    """A goal's new deadline / leadtime / alertstart, stored and recomputed; a new deadline obeys the
    rules of a goal PUT (change_deadline: a later one may have to wait for the akrasia horizon)."""
    changes: dict[str, Any] = {k: v for k, v in values.items() if k != "deadline"}
    if "deadline" in values:
        changes.update(change_deadline(conn, user, goal, values["deadline"], now))
    return save_and_recompute(conn, user, goal, now, **changes)


# ------------------------------------------------------------------ update


class RoadallParseError(Invalid):
    """Beeminder's shape for an unreadable roadall: {"errors": {"message": "..."}} (a string, not a list)."""

    def __init__(self) -> None:
        super().__init__("message", "Error parsing params (roadall)")

    def body(self) -> dict[str, Any]:
        return {"errors": {"message": "Error parsing params (roadall)"}}


def parse_roadall(value: Any, tz: str, deadline: int) -> list[list[Any]]:
    """roadall rows with dates as unix ints, "YYYYMMDD" or "YYYY-MM-DD"; 422 if unreadable."""
    bad = RoadallParseError()
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise bad from None
    if not isinstance(value, list) or len(value) < 2:
        raise bad
    rows: list[list[Any]] = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != 3:
            raise bad
        t, v, r = row
        if sum(x is None for x in row) != 1 or (t is None and i != len(value) - 1):
            raise bad
        try:
            if isinstance(t, str) and (len(t.strip()) == 8 or "-" in t.strip()[1:]):
                t = days.day_noon(day_param(t, "roadall"), tz)
            elif t is not None:
                t = timestamp(t, "roadall", tz)
            v = number(v, "roadall") if v is not None else None
            r = number(r, "roadall") if r is not None else None
        except Invalid:
            raise bad from None
        rows.append([t, v, r])
    if rows[0][2] is not None or rows[0][0] is None:
        raise bad
    return rows


def _callback_url(ctx: Context, p: dict[str, Any]) -> str | None:
    """The per-goal reminder webhook (brickroad.jobs delivers it); empty or null removes it."""
    from brickroad.services.webhooks import check_url

    raw = p.get("callback_url")
    return None if raw in (None, "", "null") else check_url(ctx, str(raw), "callback_url")


def update(ctx: Context, user: User, slug: str, p: dict[str, Any]) -> GoalView:
    now = ctx.clock.now()
    if "goal_type" in p or "gtype" in p:
        raise Invalid("goal_type", "can't be changed")
    if "slug" in p and str(p["slug"]) != slug:
        raise Invalid("slug", "can't be changed through the API")
    callback = _callback_url(ctx, p)  # may resolve a name: not while holding the write lock
    with ctx.db.write() as conn:
        goal = load(conn, user, slug, for_update=True)
        values: dict[str, Any] = {}
        for key, limit in (("title", 200), ("yaxis", 200), ("fineprint", 5000), ("description", 5000), ("gunits", 100)):
            if key in p:
                values[key] = text_param(p[key], key, limit)
        for key in ("secret", "datapublic", "use_defaults", "integery", "hhmmformat", "weekends_off"):
            if key in p:
                values[key] = bool_param(p[key], key)
        if "aggday" in p:  # how a day's datapoints make its value, as the goal's settings page offers
            values["aggday"] = aggday_param(p["aggday"])
            if values["aggday"] != goal.aggday and _easier(conn, user, goal, goal.evolve(aggday=values["aggday"]), now):
                raise Invalid("aggday", f"can't make the goal easier within the {AKRASIA_DAYS}-day akrasia horizon "
                                        "(it would derail later than it does now)")
        if "ephem" in p:
            if bool_param(p["ephem"], "ephem") and not goal.ephem:
                raise Invalid("ephem", "can only be turned off")
            values["ephem"] = bool_param(p["ephem"], "ephem")
        for key in ("tmin", "tmax"):
            if key in p:
                values[key] = days.parse_daystamp(p[key], key).isoformat()
        if "tags" in p:
            values["tags"] = tags_param(p["tags"])
        if "datasource" in p:
            values["datasource"] = str(p["datasource"]) or None
        if "callback_url" in p:
            values["callback_url"] = callback
        if "burner" in p:
            if p["burner"] not in ("frontburner", "backburner"):
                raise Invalid("burner", "must be frontburner or backburner")
            values["burner"] = p["burner"]
        _update_reminders(p, values)
        if "deadline" in p:
            values.update(change_deadline(conn, user, goal, _deadline_param(p["deadline"]), now))
        if "pledge_cap" in p:
            values["pledge_cap"] = _pledge_cap(p["pledge_cap"])
        if "runits" in p:
            if p["runits"] not in RUNITS:
                raise Invalid("runits", "must be one of y, m, w, d, h")
        if "roadall" in p:
            # roadall is applied before a runits change in the same call.
            values.update(_apply_roadall(goal, user, p["roadall"], now))
        if "runits" in p:
            values["runits"] = p["runits"]
        goal = save_and_recompute(conn, user, goal, now, **values)
        return view(conn, goal)


def _deadline_param(value: Any) -> int:
    from brickroad.services.accounts import DEADLINE_RANGE

    dl = int_param(value, "deadline")
    if not DEADLINE_RANGE[0] <= dl <= DEADLINE_RANGE[1]:
        raise Invalid("deadline", f"must be between {DEADLINE_RANGE[0]} and {DEADLINE_RANGE[1]} seconds from midnight")
    return dl


def change_deadline(conn: Connection, user: User, goal: Goal, deadline: int, now: int) -> dict[str, Any]:
    """The values that change a goal's deadline (README, "Deadline changes").

    A change that would move the derail moment later, while that moment is
    inside the akrasia horizon (or already past), waits for the horizon: it is
    kept in deadline_next and applied by the sweeper at the first day start
    7 days on. Any other change applies now. So a later deadline can neither
    erase a derailment that is due nor buy hours on the day it is due.
    On the day the goal was created nothing can have been missed yet, so
    setting it up applies at once. Asking for the current deadline cancels a
    waiting change.
    """
    if deadline == goal.deadline:
        return dict(deadline_next=None, deadline_next_at=None)
    tz = user.timezone
    first_day = days.day_of(goal.created_at, tz, goal.deadline) == days.day_of(now, tz, goal.deadline)
    if not first_day and _easier(conn, user, goal, goal.evolve(deadline=deadline), now):
        when = days.next_day_start(now + AKRASIA_DAYS * days.SID, tz, goal.deadline)
        return dict(deadline_next=deadline, deadline_next_at=when)
    return dict(deadline=deadline, deadline_next=None, deadline_next_at=None)


def _easier(conn: Connection, user: User, goal: Goal, changed: Goal, now: int) -> bool:
    """Whether a settings change would move a derail moment that is inside the akrasia horizon
    (or already past) later: what may not happen at once (README, "Deadline changes")."""
    current = goal.losedate if goal.losedate is not None else days.BDUSK
    return current <= now + AKRASIA_DAYS * days.SID and _losedate_as_of(conn, user, changed, now) > current


def apply_deferred_deadline(conn: Connection, user: User, goal: Goal, now: int) -> Goal:
    """The sweeper's half of change_deadline: the waiting deadline's time has come."""
    return save_and_recompute(conn, user, goal, now, deadline=goal.deadline_next, deadline_next=None,
                              deadline_next_at=None)


def _losedate_as_of(conn: Connection, user: User, goal: Goal, now: int) -> int:
    """The derail moment the goal would have now, computed without storing anything."""
    points, _hidden = firstday.engine_points(conn, goal, pointcache.fetch(conn, goal.id))
    losedate = roadcalc.derive(goal, user.timezone, points, now, user.username).losedate
    return losedate if losedate is not None else days.BDUSK


def _update_reminders(p: dict[str, Any], values: dict[str, Any]) -> None:
    if "leadtime" in p:
        lt = int_param(p["leadtime"], "leadtime")
        if not 0 <= lt <= 30:
            raise Invalid("leadtime", "must be between 0 and 30 days")
        values["leadtime"] = lt
    for key in ("alertstart", "panic"):
        if key in p:
            v = int_param(p[key], key)
            if not 0 <= v < 86400:
                raise Invalid(key, "must be seconds after midnight (0 to 86399)")
            values[key] = v


def roadall(goal: Goal) -> list[list[Any]]:
    """The road as the API shows it: start row, user rows, final row."""
    return [[goal.initday, goal.initval, None], *goal.road, [goal.goaldate, goal.goalval, goal.rate]]


def _apply_roadall(goal: Goal, user: User, value: Any, now: int) -> dict[str, Any]:
    rows = parse_roadall(value, user.timezone, goal.deadline)
    first, *middle, last = rows
    new = replace(goal, initday=int(first[0]), initval=float(first[1]), road=middle,
                  goaldate=last[0], goalval=last[1], rate=last[2])
    check_not_easier(goal, new, user.timezone, now)
    return dict(initday=new.initday, initval=new.initval, road=new.road,
                goaldate=new.goaldate, goalval=new.goalval, rate=new.rate)


def line_values(goal: Goal, tz: str, now: int, n_days: int) -> list[float]:
    """The red line's value on each of the next n days (today first)."""
    return roadcalc.line_values(goal, tz, now, n_days)


def check_not_easier(old: Goal, new: Goal, tz: str, now: int) -> None:
    """A road change may not make any day inside the akrasia horizon easier."""
    try:
        before = line_values(old, tz, now, AKRASIA_DAYS + 1)
        after = line_values(new, tz, now, AKRASIA_DAYS + 1)
    except (RoadError, ValueError, TypeError, KeyError, ZeroDivisionError):
        raise RoadallParseError() from None
    for k, (a, b) in enumerate(zip(before, after)):
        if old.yaw * (b - a) < -1e-9 * max(1.0, abs(a)):
            raise Invalid(
                "roadall",
                f"can't make the road easier within the {AKRASIA_DAYS}-day akrasia horizon "
                f"(day {k} would go from {a:g} to {b:g})",
            )


# ------------------------------------------------------------------ dial_road


def dial_road(ctx: Context, user: User, slug: str, p: dict[str, Any]) -> GoalView:
    """Change the final segment; the road up to the akrasia horizon stays as it was."""
    now = ctx.clock.now()
    errors: dict[str, list[str]] = {}
    goaldate, goalval, rate = _two_of_three(p, user.timezone, errors)
    if errors:
        raise Invalid(errors)
    with ctx.db.write() as conn:
        goal = load_fresh(conn, user, slug, now)
        tz = user.timezone
        today = _day(goal, tz, now)
        horizon_day = today + timedelta(days=AKRASIA_DAYS)
        horizon = days.day_noon(horizon_day, tz)
        if goaldate is not None and days.day_of(goaldate, tz, goal.deadline) <= horizon_day:
            raise Refused(
                f"The goal date can't be inside the {AKRASIA_DAYS}-day akrasia horizon: "
                f"road changes take effect after {days.to_daystamp(horizon_day)}"
            )
        horizon_value = line_values(goal, tz, now, AKRASIA_DAYS + 1)[-1]
        kept = [r for r in goal.road if r[0] is not None and days.day_of(int(r[0]), tz, goal.deadline) < horizon_day]
        new_road = [*kept, [horizon, horizon_value, None]]
        if goaldate is None and rate is not None and goalval is not None:
            if rate == 0 or (goalval - horizon_value) * rate < 0:
                raise Invalid("base", "The rate never reaches the goal value from the akrasia horizon")
        goal = save_and_recompute(conn, user, goal, now, road=new_road, goaldate=goaldate, goalval=goalval, rate=rate)
        return view(conn, goal)


# ------------------------------------------------------------------ ratchet


def rebase_road(
    goal: Goal, tz: str, now: int, new_value: float, flat_days: int = 0, jump_offset: int = 0
) -> list[list[Any]]:
    """Keep the past, jump the line to new_value on today+jump_offset, optionally flat, then the old rates.

    Used by ratchet (jump today, toward the data) and uncle (jump yesterday, the
    derail day, so the respite starts clean).
    """
    stats = goal.stats or {}
    today = _day(goal, tz, now)
    jump_day = today + timedelta(days=jump_offset)
    t_jump = days.day_noon(jump_day, tz)
    line_at_jump = roadcalc.line_values(goal, tz, now, 1, offset_days=jump_offset)[0]
    past = [r for r in goal.road if r[0] is not None and days.day_of(int(r[0]), tz, 0) < jump_day]
    rows: list[list[Any]] = [*past, [t_jump, line_at_jump, None], [t_jump, new_value, None]]
    if flat_days:
        rows.append([days.day_noon(today + timedelta(days=flat_days), tz), new_value, None])
    last_t = rows[-1][0]
    full = stats.get("fullroad") or []
    for t, _v, r in full[1:-1]:
        # Later kinks keep their rates, so the whole line after the jump moves with it.
        if t is not None and t > last_t:
            rows.append([t, None, r])
    return rows


def ratchet(ctx: Context, user: User, slug: str, p: dict[str, Any]) -> GoalView:
    if "newsafety" not in p:
        raise Refused("newsafety parameter is required")
    try:
        n = float(p["newsafety"])
        if not math.isfinite(n):
            raise ValueError
    except (TypeError, ValueError):
        raise Refused("newsafety must be a number") from None
    if n < 0:
        raise Refused("newsafety cannot be negative")
    newsafety = int(n)
    beemergency = str(p.get("beemergency", "")).strip().lower() == "true" or p.get("beemergency") is True
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = load_fresh(conn, user, slug, now)
        if goal.archived_at is not None or goal.frozen or goal.won or goal.safebuf is None:
            raise Refused("Goal cannot be ratcheted (may be archived, ended, or have no buffer)")
        current = goal.safebuf
        if newsafety > current:
            raise Refused(f"newsafety cannot exceed {current}")
        if newsafety == 0 and not beemergency:
            raise Refused("Ratcheting to 0 days of buffer requires beemergency=True on the API call")
        if newsafety == current:
            return view(conn, goal)  # already exactly there: never easier, nothing to do
        tz = user.timezone
        curval = (goal.stats or {}).get("curval")
        if curval is None:
            raise Refused("Goal cannot be ratcheted (may be archived, ended, or have no buffer)")
        # Shift the line from today on so the day before day N sits exactly at today's value.
        values = line_values(goal, tz, now, max(2, newsafety + 1))
        # Day 0 has no day before it on the road (the line is flat before tini), so
        # extrapolate one day back from today's slope.
        anchor = values[newsafety - 1] if newsafety > 0 else 2 * values[0] - values[1]
        shift = curval - anchor
        if goal.yaw * shift < 0:
            raise Refused("Failed to ratchet goal")
        new_road = rebase_road(goal, tz, now, values[0] + shift)
        updated = save_and_recompute(conn, user, goal, now, road=new_road)
        if updated.safebuf is not None and updated.safebuf > current:
            raise Refused("Failed to ratchet goal")
        return view(conn, updated)


# ------------------------------------------------------------------ misc


def refresh_graph(ctx: Context, user: User, slug: str) -> bool:
    """Queue a graph rebuild (and an autodata fetch when there is a source); true when queued."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = load(conn, user, slug, for_update=True)
        goal_rows.update_goal(conn, goal.id, queued=True, updated_at=now)
        outbox.enqueue_graph(conn, goal.id, user.pk, now)
        outbox.request_autofetch(conn, user, goal, now)  # the refresh button asks the data source too
    return True


def delete(ctx: Context, user: User, slug: str) -> None:
    """Soft delete: the row stays so diff_since can report it in deleted_goals."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = load(conn, user, slug, for_update=True)
        # Free the slug for reuse while keeping the tombstone.
        goal_rows.update_goal(conn, goal.id, deleted_at=now, updated_at=now, slug=f"{goal.slug}~{goal.id}")
        user_rows.update_user(conn, user.pk, updated_at=now)



# ------------------------------------------------------------------ the user resource


@dataclass
class UserGoals:
    """What GET /users/{u} embeds: slugs or goal views, deletions and the urgency load."""

    slugs: list[str]
    views: list[GoalView] | None
    deleted: list[dict[str, str]] | None
    urgency_load: int
    due: list[int] = field(default_factory=list)  # goals read past their next check (services/current.py)


def due_ids(goals: Sequence[Any], now: int) -> list[int]:
    """Ids of the goals (Goals or summaries) whose next check has come: their stored numbers may be yesterday's."""
    return [g.id for g in goals if g.next_check_at is not None and g.next_check_at <= now]


def urgency_load(goals: list[Goal]) -> int:
    """0 when every active goal has at least a week of buffer; more the closer they are to derailing."""
    return sum(max(0, AKRASIA_DAYS - g.safebuf) for g in goals if g.safebuf is not None)


def user_goals(
    ctx: Context, user: User, associations: bool = False, diff_since: int | None = None,
    datapoints_count: int | None = None, burner: str | None = None, skinny: bool = False,
) -> UserGoals:
    from brickroad.store.ids import public_id

    now = ctx.clock.now()
    with ctx.db.read() as conn:
        if diff_since is None and not associations:
            # The plain user GET needs slugs in urgency order and the load: a few columns suffice.
            rows = goal_rows.summaries_for_user(conn, user.pk)
            load_value = urgency_load(rows)  # type: ignore[arg-type]  (summaries have the fields it reads)
            picked = [r for r in rows if burner not in ("frontburner", "backburner") or r.burner == burner]
            return UserGoals([r.slug for r in sorted(picked, key=urgencykey)], None, None, load_value,
                             due_ids(rows, now))
        goals = [Goal.from_row(r) for r in goal_rows.for_user(conn, user.pk, archived=False)]
        load_value = urgency_load(goals)
        due = due_ids(goals, now)
        if burner in ("frontburner", "backburner"):
            goals = [g for g in goals if g.burner == burner]
        goals.sort(key=urgencykey)
        deleted = None
        if diff_since is not None:
            goals = [g for g in goals if g.updated_at >= diff_since]
            deleted = [
                {"id": public_id(r["id"]), "slug": str(r["slug"]).rsplit("~", 1)[0]}
                for r in goal_rows.deleted_since(conn, user.pk, diff_since)
            ]
        views = []
        for g in goals:
            if skinny:
                views.append(GoalView(g, recent_points(conn, g, 1)))
            elif diff_since is not None:
                pts = [Datapoint.from_row(r) for r in point_rows.updated_since(conn, g.id, diff_since)]
                if datapoints_count is not None:
                    pts = sorted(pts, key=lambda p: (p.updated_at, p.id))[-datapoints_count:] if datapoints_count else []
                    pts.sort(key=lambda p: (p.timestamp, p.id))
                views.append(GoalView(g, recent_points(conn, g), pts))
            else:
                views.append(view(conn, g, datapoints=True, count=datapoints_count))
        return UserGoals([g.slug for g in goals], views, deleted, load_value, due)
