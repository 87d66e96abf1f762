"""Typed views of Beeminder API objects.

Servers differ (beeminder.com adds keys every year, brickroad may lag behind,
old servers omit keys), so every dataclass is built leniently: known keys are
typed fields, missing keys take the default, unknown keys are kept in `raw`
untouched. `raw` is also what `--json` output prints, so nothing is lost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


def _object_id(value: Any) -> str | None:
    """Ids are strings, but charges observed in 2025 carry Mongo's `{"$oid": …}`."""
    if isinstance(value, dict):
        value = value.get("$oid")
    return None if value is None else str(value)


_FIELDS: dict[type, frozenset[str]] = {}


def _build(cls: type[T], data: Any) -> T:
    """Fill the dataclass's fields from a JSON object, ignoring what it doesn't know."""
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object for {cls.__name__}, got {type(data).__name__}")
    known = _FIELDS.get(cls)
    if known is None:  # computed once per class: imports parse thousands of points per call
        known = _FIELDS[cls] = frozenset(f.name for f in dataclasses.fields(cls)) - {"raw"}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in known}
    return cls(**values, raw=data)  # type: ignore[call-arg]


@dataclass
class Datapoint:
    id: str = ""
    timestamp: int = 0
    daystamp: str = ""
    value: float = 0.0
    comment: str = ""
    updated_at: int | None = None
    requestid: str | None = None
    origin: str | None = None
    creator: str | None = None
    is_dummy: bool = False
    is_initial: bool = False
    created_at: str | None = None
    # Only on create / create_all responses: "created" or "updated" (requestid upsert).
    status: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> Datapoint:
        point = _build(cls, data)
        point.id = _object_id(point.id) or ""
        point.value = float(point.value) if point.value is not None else 0.0
        point.comment = point.comment or ""
        return point


class PointStatus(NamedTuple):
    """What create_all_statuses gives per point: its id and "created", "updated" or "duplicate"."""

    id: str
    status: str

    @classmethod
    def from_json(cls, data: Any) -> PointStatus:
        # Full datapoints (beeminder.com ignores compact) or brickroad's {"id", "status"}: read the same two keys.
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object for a datapoint, got {type(data).__name__}")
        return cls(_object_id(data.get("id")) or "", data.get("status") or "created")


@dataclass
class Contract:
    amount: float | None = None
    stepdown_at: int | None = None
    pending_amount: float | None = None
    pending_at: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> Contract:
        return _build(cls, data) if isinstance(data, dict) else cls()


@dataclass
class Goal:
    slug: str = ""
    id: str | None = None
    title: str = ""
    description: str | None = None
    goal_type: str | None = None
    gunits: str | None = None
    yaxis: str | None = None
    fineprint: str | None = None
    goaldate: int | None = None
    goalval: float | None = None
    rate: float | None = None
    runits: str | None = None
    losedate: int | None = None
    urgencykey: str | None = None
    deadline: int | None = None
    leadtime: int | None = None
    alertstart: int | None = None
    updated_at: int | None = None
    safebuf: int | None = None
    safebump: float | None = None
    delta: float | None = None
    limsum: str | None = None
    safesum: str | None = None
    baremin: str | None = None
    colorkey: str | None = None
    roadstatuscolor: str | None = None
    yaw: int | None = None
    dir: int | None = None
    initday: int | None = None
    initval: float | None = None
    curday: int | None = None
    curval: float | None = None
    currate: float | None = None
    lastday: int | None = None
    numpts: int | None = None
    pledge: float | None = None
    pledge_cap: float | None = None
    contract: Contract = field(default_factory=Contract)
    frozen: bool = False
    lost: bool = False
    won: bool = False
    queued: bool = False
    secret: bool = False
    datapublic: bool = False
    todayta: bool = False
    autodata: str | None = None
    aggday: str | None = None
    kyoom: bool | None = None
    odom: bool | None = None
    road: list[list[Any]] | None = None
    roadall: list[list[Any]] | None = None
    fullroad: list[list[Any]] | None = None
    tags: list[str] = field(default_factory=list)
    graph_url: str | None = None
    thumb_url: str | None = None
    svg_url: str | None = None
    last_datapoint: Datapoint | None = None
    recent_data: list[Datapoint] = field(default_factory=list)
    # Present only with datapoints=true or in user associations / diff_since.
    datapoints: list[Datapoint] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> Goal:
        goal = _build(cls, data)
        goal.id = _object_id(goal.id)
        goal.contract = Contract.from_json(data.get("contract"))
        goal.tags = list(goal.tags or [])
        if isinstance(goal.last_datapoint, dict):
            goal.last_datapoint = Datapoint.from_json(goal.last_datapoint)
        goal.recent_data = [Datapoint.from_json(d) for d in (data.get("recent_data") or [])]
        if data.get("datapoints") is not None:
            goal.datapoints = [Datapoint.from_json(d) for d in data["datapoints"]]
        return goal


@dataclass
class User:
    username: str = ""
    id: str | None = None
    timezone: str | None = None
    created_at: int | None = None
    updated_at: int | None = None
    urgency_load: int | None = None
    deadbeat: bool = False
    default_leadtime: int | None = None
    default_alertstart: int | None = None
    default_deadline: int | None = None
    subscription: str | None = None
    # Slugs normally; full goals with associations / diff_since (see `goal_objects`).
    goals: list[str] = field(default_factory=list)
    goal_objects: list[Goal] = field(default_factory=list)
    # Only with diff_since: [{"id": …, "slug": …}, …]
    deleted_goals: list[dict[str, Any]] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> User:
        user = _build(cls, data)
        user.id = _object_id(user.id)
        entries = data.get("goals") or []
        user.goal_objects = [Goal.from_json(g) for g in entries if isinstance(g, dict)]
        user.goals = [g["slug"] if isinstance(g, dict) else str(g) for g in entries]
        return user


@dataclass
class Charge:
    id: str | None = None
    amount: float = 0.0
    note: str | None = None
    username: str | None = None
    status: str | None = None
    dryrun: bool | None = None
    # Only in brickroad's charge list (GET users/{u}/charges.json): when, why, for which goal.
    created_at: int | None = None
    kind: str | None = None
    slug: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> Charge:
        charge = _build(cls, data)
        charge.id = _object_id(charge.id)
        charge.amount = float(charge.amount or 0)
        return charge


@dataclass
class NewDatapoint:
    """One item for create_all (and the CSV importer). Only set fields are sent."""

    value: float
    timestamp: int | None = None
    daystamp: str | None = None
    comment: str | None = None
    requestid: str | None = None

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value}
        for key in ("timestamp", "daystamp", "comment", "requestid"):
            val = getattr(self, key)
            if val is not None:
                out[key] = val
        return out


@dataclass
class CallResult:
    """What `call()` returns: the status, headers and decoded body of any request."""

    status: int
    headers: dict[str, str]
    data: Any
    text: str
