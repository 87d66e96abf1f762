"""Goal and Datapoint domain objects handed from services to adapters."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

import orjson

RoadRow = list[Any]  # [t:int|None, v:float|None, r:float|None], exactly one None


@dataclass
class Goal:
    id: int
    user_id: int
    slug: str
    title: str
    description: str | None
    fineprint: str | None
    yaxis: str
    gunits: str
    goal_type: str
    runits: str
    goaldate: int | None
    goalval: float | None
    rate: float | None
    initday: int
    initval: float
    road: list[RoadRow]
    yaw: int
    dir: int
    kyoom: bool
    odom: bool
    edgy: bool
    noisy: bool
    aggday: str
    steppy: bool
    rosy: bool
    movingav: bool
    aura: bool
    integery: bool
    plotall: bool
    hhmmformat: bool
    weekends_off: bool
    maxflux: float | None
    tmin: str | None
    tmax: str | None
    deadline: int
    leadtime: int
    alertstart: int
    use_defaults: bool
    panic: int
    ephem: bool
    secret: bool
    datapublic: bool
    burner: str
    tags: list[str]
    datasource: str | None
    callback_url: str | None
    pledge: float
    pledge_cap: int
    stepdown_at: int | None
    pending_amount: float | None
    pending_at: int | None
    queued: bool
    frozen: bool
    won: bool
    lost: bool
    archived_at: int | None
    losedate: int | None
    safebuf: int | None
    stats: dict[str, Any] | None
    next_check_at: int | None
    created_at: int
    updated_at: int
    deleted_at: int | None
    xid: str | None = None  # an outside system's id (API v2), unique per user
    points_rev: int | None = None  # new at every recompute (services/pointcache.py): a version finer than seconds
    sweep_failures: int = 0  # sweeps of this goal that crashed in a row (services/sweep.py backs off)
    # A later deadline waits for the akrasia horizon (services/goals.py change_deadline): the value and when.
    deadline_next: int | None = None
    deadline_next_at: int | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Goal":
        values = {name: row[name] for name in _GOAL_NAMES}
        values["road"] = orjson.loads(row["road"]) if row["road"] else []
        values["tags"] = orjson.loads(row["tags"]) if row["tags"] else []
        values["stats"] = orjson.loads(row["stats"]) if row["stats"] else None
        return cls(**values)

    def evolve(self, **changes: Any) -> "Goal":
        """dataclasses.replace without running __init__ over every field again (recomputes make several)."""
        unknown = changes.keys() - _GOAL_FIELDS
        if unknown:
            raise TypeError(f"Goal has no field {sorted(unknown)[0]!r}")
        new = copy.copy(self)
        new.__dict__.update(changes)
        return new

    @property
    def graph_version(self) -> str:
        """Changes with every change to what the graph shows, even two in one second (points_rev)."""
        return f"{self.updated_at}.{self.points_rev or 0}"

    def to_row(self) -> dict[str, Any]:
        """Column values for an insert/update (JSON columns encoded)."""
        values = {name: getattr(self, name) for name in _GOAL_NAMES}
        values["road"] = orjson.dumps(self.road).decode()
        values["tags"] = orjson.dumps(self.tags).decode()
        values["stats"] = orjson.dumps(self.stats).decode() if self.stats is not None else None
        return values


_GOAL_NAMES = tuple(f.name for f in fields(Goal))  # dataclasses.fields() costs a call per lookup
_GOAL_FIELDS = frozenset(_GOAL_NAMES)


@dataclass
class Datapoint:
    id: int
    goal_id: int
    timestamp: int
    daystamp: str
    value: float
    comment: str
    requestid: str | None
    origin: str
    creator: str | None
    is_dummy: bool
    is_initial: bool
    urtext: str | None
    created_at: int
    updated_at: int
    xid: str | None = None  # an outside system's id (API v2), unique per goal
    status: str | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Datapoint":
        return cls(
            id=row["id"],
            goal_id=row["goal_id"],
            timestamp=row["timestamp"],
            daystamp=row["daystamp"],
            value=row["value"],
            comment=row["comment"],
            requestid=row["requestid"],
            origin=row["origin"],
            creator=row["creator"],
            is_dummy=bool(row["is_dummy"]),
            is_initial=bool(row["is_initial"]),
            urtext=row["urtext"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            xid=row.get("xid"),
        )


@dataclass(frozen=True)
class Charge:
    id: int
    user_id: int
    username: str
    amount: float
    note: str | None
    kind: str
    created_at: int
    slug: str | None = None  # the goal it was charged for (derail, shortcircuit); None for manual ones
