"""Typed inputs and outputs of the road engine.

Times are unix seconds (UTC); rates are per ``runits`` unless a name says
otherwise. Conversion to Beebrain's daystamp JSON lives in ``bbjson``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional

if TYPE_CHECKING:
    from .aggregate import Aggregated

Number = float  # ints are accepted wherever a float is

# A road-matrix row: exactly one of the three is None in a well-formed row.
RoadRow = tuple[Optional[float], Optional[float], Optional[float]]


class Datapoint(NamedTuple):
    """One raw datapoint. A NamedTuple so that 100k of them stay cheap."""

    t: float
    value: float
    comment: str = ""


@dataclass
class DataColumns:
    """Datapoints as parallel columns: the fast path for big goals.

    ``t`` and ``v`` are float arrays (numpy or anything array-like), in any
    order; ``comments`` a list of strings of the same length. ``tare``, when
    not None, is the caller vouching that every comment is a str and saying
    whether any contains "TARE": the engine then doesn't scan the comments.

    A caller that keeps a goal's columns between runs (services/pointcache.py)
    may vouch for more, so that a run costs what the new points cost:
    ``vetted``: ``tare`` is set, ``t`` ascends, every t is positive and every
    t and v finite, and the columns won't change while the result is in use:
    the engine neither checks nor copies them. ``prior``: an earlier result's ``aggregated``,
    from these points as they were before points were added after all but
    that aggregation's last group (``aggregate.aggregate`` redoes that group on).
    ``owned``: nobody else holds these columns (``bbjson.data_from_bb`` made them for
    this run), so the engine may use them as they are instead of copying them first;
    they are still checked.
    """

    t: Any
    v: Any
    comments: list[str]
    tare: bool | None = None
    vetted: bool = False
    prior: Optional[Aggregated] = None
    owned: bool = False

    def __len__(self) -> int:
        return len(self.comments)


@dataclass
class GoalParams:
    """Beebrain's in-params (defaults as Beebrain's), with times already in unix seconds.

    Values are stored as given so that validation can report them the way
    Beebrain does; ``brickroad.road.params.vet`` checks them.
    """

    asof: Optional[float] = None
    tini: Optional[float] = None
    vini: Optional[float] = None
    road: list[RoadRow] = field(default_factory=list)
    tfin: Optional[float] = None
    vfin: Optional[float] = None
    rfin: Optional[float] = None
    runits: str = "w"
    yaw: int = 0
    dir: int = 0
    kyoom: bool = False
    odom: bool = False  # accepted for compatibility; #TARE tags do odometer resets now
    aggday: Optional[str] = None
    plotall: bool = True
    ppr: bool = True
    deadline: float = 0
    quantum: float = 1e-5
    timey: bool = False
    gunits: str = "units"
    monotone: bool = False
    maxflux: float = 0
    tmin: Optional[float] = None
    tmax: Optional[float] = None
    vmin: Optional[float] = None
    vmax: Optional[float] = None
    steppy: bool = False
    rosy: bool = False
    movingav: bool = False
    aura: bool = False
    hashtags: bool = True
    yaxis: str = ""
    waterbuf: Optional[str] = None
    waterbux: str = ""
    hidey: bool = False
    stathead: bool = True
    imgsz: float = 760
    yoog: str = "U/G"
    # Params Beebrain accepts but ignores (integery, noisy, edgy, ...), kept for echoing.
    ignored: dict[str, Any] = field(default_factory=dict)


class Segment(NamedTuple):
    """One piece of the red line, from (t0, v0) to (t1, v1); slope per second."""

    t0: float
    v0: float
    t1: float
    v1: float
    slope: float


class AggPoint(NamedTuple):
    """An aggregated (per-timestamp) datapoint as plotted."""

    t: float
    value: float
    color: str  # "green" | "blue" | "orange" | "red" | "black" (before tini) | "future"


class RawPoint(NamedTuple):
    """A raw datapoint as plotted with plotall (kyoom/tare already applied)."""

    t: float
    value: float
    comment: str


class DueRow(NamedTuple):
    t: float
    delta: float  # amount still needed by the end of day t
    value: float  # absolute value needed by then


@dataclass
class RoadResult:
    """Everything Beebrain's getStats() reports, as numbers, plus what a graph needs."""

    # echoes / filled road
    tini: float
    vini: float
    tfin: float
    vfin: float
    rfin: float  # per runits, from the filled road
    runits: str
    siru: float  # seconds per rate unit
    yaw: int
    dir: int
    fullroad: list[tuple[float, float, float]]  # (t, v, rate per runits), tini row first
    pinkzone: list[tuple[float, float, float, int]]
    segments: list[Segment]
    # status
    tcur: float
    vcur: float
    vprev: float
    tdat: float
    rcur: float
    ravg: float
    stdflux: float
    delta: float
    lane: int
    cntdn: int
    numpts: int
    mean: float
    meandelt: float
    rah: float
    safebuf: int
    safebump: float
    tluz: float
    loser: bool
    sadbrink: bool
    color: str
    dueby: list[DueRow]
    # data as plotted
    flatline: Optional[AggPoint]  # the flat "PPR" point Beebrain adds up to today, if any
    tare_times: list[float]
    asof: float
    lnw: int = 0
    error: str = ""
    # the aggregation, for a caller to hand back as DataColumns.prior on the next run
    aggregated: Optional[Aggregated] = field(default=None, repr=False)
    # graph series, computed on first use (they cost more than the stats)
    _lazy: dict[str, Any] = field(default_factory=dict, repr=False)
    _series: Optional[Callable[[str], Any]] = field(default=None, repr=False)

    @property
    def gldt(self) -> float:
        return self.fullroad[-1][0]

    @property
    def goal(self) -> float:
        return self.fullroad[-1][1]

    @property
    def rate(self) -> float:
        return self.fullroad[-1][2]

    @property
    def mathishard(self) -> tuple[float, float, float]:
        """Goal date, goal value and rate, all filled in (Beeminder API's field)."""
        return self.fullroad[-1]

    def _get(self, name: str) -> Any:
        if name not in self._lazy and self._series is not None:
            self._lazy[name] = self._series(name)
        return self._lazy.get(name)

    @property
    def points(self) -> list[AggPoint]:
        """Aggregated points up to asof (flatline excluded), with dot colours."""
        return self._get("points") or []

    @property
    def future_points(self) -> list[AggPoint]:
        """Aggregated points after asof."""
        return self._get("future") or []

    @property
    def rawpoints(self) -> list[RawPoint]:
        """Every raw point as plotted with plotall, in time order."""
        return self._get("raw") or []

    @property
    def derails(self) -> list[tuple[float, float]]:
        """Derailment markers (t, v) from RECOMMITTED datapoints."""
        return self._get("derails") or []

    @property
    def hashtags(self) -> list[tuple[float, str]]:
        """(t, "#tag #other") for each timestamp whose comments carry hashtags."""
        return self._get("hashtags") or []

    @property
    def moving_average(self) -> list[tuple[float, float]]:
        """Exponential moving average samples [(t, v)] (empty unless params.movingav)."""
        return self._get("movingav") or []

    @property
    def rosy_points(self) -> list[tuple[float, float]]:
        """The rose-coloured optimistic line [(t, v)] (empty unless params.rosy)."""
        return self._get("rosy") or []

    @property
    def aura_curve(self) -> list[tuple[float, float]]:
        """Samples of the cubic fit drawn as the aura [(t, v)] (empty unless params.aura)."""
        return self._get("aura") or []

    def rdf(self, t: float) -> float:
        """Red-line value at time t."""
        from .roadmatrix import Road

        return Road(self.segments).rdf(t)
