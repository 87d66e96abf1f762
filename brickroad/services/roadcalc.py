"""The one adapter between stored goals and the road engine.

In:  a Goal, its owner's timezone, its datapoints and "now" become a Beebrain
     .bb document (params + data in daystamps, the golden files' conventions:
     a datapoint's daystamp is its deadline-shifted local day, asof is today's
     daystamp, road dates are the days their timestamps fall on).
Out: the engine's stats (Beebrain's getStats() shape, dates as "YYYYMMDD") are
     mapped back into goal columns: losedate/safebuf as real columns (the
     sweeper and sorting need them) and the rest as the `stats` JSON blob the
     API serialises without running the engine again.

Engine: `brickroad.road.stats_from_bb` for the numbers, then
`brickroad.road.summary.summaries` for the texts, exactly as the golden files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from brickroad.road import RoadError, compute, error_stats, from_bb, result_stats
from brickroad.road.aggregate import Aggregated
from brickroad.road.dates import SECS, days_from_civil_many
from brickroad.road.roadmatrix import Road, build_segments
from brickroad.road.summary import summaries
from brickroad.road.types import DataColumns
from brickroad.services import days
from brickroad.services.goal_models import Goal

SID = 86400
AKH = 7 * SID
BDUSK_STAMP = "20991231"
COLORS = (
    (1, "red", "#ff0000"),
    (2, "orange", "#ffa500"),
    (3, "blue", "#3f3fff"),
    (7, "green", "#00aa00"),
)


@dataclass(frozen=True)
class Points:
    """A goal's datapoints as the engine reads them: parallel columns, oldest first."""

    daystamps: list[str]
    values: list[float]
    comments: list[str]
    # The same points already as engine columns (services/pointcache.py), so they aren't converted again.
    columns: DataColumns | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return len(self.daystamps)


@dataclass(frozen=True)
class Derived:
    """What a recompute writes on the goal row."""

    losedate: int | None
    safebuf: int | None
    stats: dict[str, Any]
    # The engine's aggregation of these points, to carry on from after more are appended (pointcache).
    aggregated: Aggregated | None = field(default=None, compare=False, repr=False)


# ------------------------------------------------------------------ input


def today_stamp(goal: Goal, tz: str, now: int) -> str:
    return days.daystamp_of(now, tz, goal.deadline)


def road_stamp(t: int, tz: str, deadline: int = 0) -> str:
    """The calendar day a road date names: its plain local date.

    Road dates are day anchors (local midnight or noon, or a goaldate as sent),
    not moments of data entry, so the deadline shift doesn't apply to them:
    moving the deadline must not move the road.
    """
    return days.daystamp_of(int(t), tz, 0)


def bb_input(goal: Goal, tz: str, points: Points | None, now: int, yoog: str = "U/G") -> dict[str, Any]:
    """The .bb document for a goal: params and [daystamp, value, comment] data (for files and debugging)."""
    dl = goal.deadline
    road = [[road_stamp(r[0], tz, dl) if r[0] is not None else None, r[1], r[2]] for r in goal.road]
    params: dict[str, Any] = {
        "tini": road_stamp(goal.initday, tz, dl),
        "vini": goal.initval,
        "road": road,
        "tfin": road_stamp(goal.goaldate, tz, dl) if goal.goaldate is not None else None,
        "vfin": goal.goalval,
        "rfin": goal.rate,
        "runits": goal.runits,
        "yaw": goal.yaw,
        "dir": goal.dir,
        "kyoom": goal.kyoom,
        "odom": goal.odom,
        "edgy": goal.edgy,
        "noisy": goal.noisy,
        "aggday": goal.aggday,
        "steppy": goal.steppy,
        "rosy": goal.rosy,
        "movingav": goal.movingav,
        "aura": goal.aura,
        "integery": goal.integery,
        "plotall": goal.plotall,
        "yaxis": goal.yaxis,
        "gunits": goal.gunits,
        "deadline": dl,
        "timezone": tz,
        "asof": today_stamp(goal, tz, now),
        "yoog": yoog,
    }
    if goal.maxflux is not None:
        params["maxflux"] = goal.maxflux
    data = [list(r) for r in zip(points.daystamps, points.values, points.comments)] if points else []
    return {"params": params, "data": data}


# ------------------------------------------------------------------ engine


def run_engine(params: dict[str, Any], points: Points) -> tuple[dict[str, Any], Aggregated | None]:
    """Beebrain-shaped stats (as stats_from_bb gives) plus the presentation texts; the aggregation.

    The data goes in as numpy columns rather than a .bb data list: parsing 10k
    daystamp rows one by one would cost more than the engine itself.
    """
    gp = None
    try:
        gp = from_bb(params)
        res = compute(gp, _columns(points))
    except RoadError as exc:
        gp = exc.params or gp
        return error_stats(exc.message, gp, gp.asof if gp is not None else None, exc.partial), None
    stats = result_stats(res)
    stats.update(summaries(params, stats, tcur_unix=res.tcur))
    return stats, res.aggregated


def _columns(points: Points) -> DataColumns:
    if points.columns is not None:
        return points.columns
    x = np.array(points.daystamps, dtype=np.int64) if points.daystamps else np.zeros(0, dtype=np.int64)
    t = days_from_civil_many(x // 10000, x // 100 % 100, x % 100).astype(float) * SID
    return DataColumns(t, np.array(points.values, dtype=float), points.comments)


def line_values(goal: Goal, tz: str, now: int, n_days: int, offset_days: int = 0) -> list[float]:
    """The red line on each of n days starting `offset_days` from today (the engine's road math)."""
    gp = from_bb(bb_input(goal, tz, None, now)["params"])
    rows = [*gp.road, (gp.tfin, gp.vfin, gp.rfin)]
    road = Road(build_segments(rows, gp.tini, gp.vini, SECS[gp.runits]))
    start = float(gp.asof) + offset_days * SID
    return [float(road.rdf(start + k * SID)) for k in range(n_days)]


# ------------------------------------------------------------------ output


def derive(goal: Goal, tz: str, points: Points, now: int, username: str = "U") -> Derived:
    """Run the engine for a goal and map its stats onto goal columns."""
    params = bb_input(goal, tz, None, now, yoog=f"{username}/{goal.slug}")["params"]
    stats, aggregated = run_engine(params, points)
    return replace(map_stats(goal, tz, points, now, stats), aggregated=aggregated)


def _noon(stamp: str, tz: str) -> int:
    return days.day_noon(days.from_daystamp(stamp), tz)


def _end(stamp: str, tz: str, deadline: int) -> int:
    if stamp >= BDUSK_STAMP:
        return days.BDUSK
    return days.day_end(days.from_daystamp(stamp), tz, deadline)


def _num(x: Any) -> Any:
    if isinstance(x, float) and math.isfinite(x) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def color_for(safebuf: int | None) -> tuple[str, str]:
    if safebuf is None:
        return "gray", "#808080"
    for limit, name, hexa in COLORS:
        if safebuf < limit:
            return name, hexa
    return "dkgreen", "#228b22"


def _road_row(goal: Goal, stamp: str, v: Any, r: Any, tz: str) -> list[Any]:
    # The final row keeps the goaldate as the user gave it, as Beeminder does.
    if goal.goaldate is not None and stamp == road_stamp(goal.goaldate, tz, goal.deadline):
        t = goal.goaldate
    elif stamp >= BDUSK_STAMP:
        t = days.BDUSK
    else:
        t = _noon(stamp, tz)
    return [t, _num(v), _num(r)]


def map_stats(goal: Goal, tz: str, points: Points, now: int, s: dict[str, Any]) -> Derived:
    if s.get("error"):
        # A goal the engine can't draw: gray, no buffer, the error kept for the API and UI. Its last
        # computed losedate stays, so a derailment already on the calendar still happens on time.
        return Derived(losedate=goal.losedate, safebuf=None, stats={"error": s["error"], "numpts": len(points)})
    safebuf = int(s["safebuf"])
    losedate = _end(s["tluz"], tz, goal.deadline)
    colorkey, colorhex = color_for(safebuf)
    fullroad = [_road_row(goal, r[0], r[1], r[2], tz) for r in s["fullroad"]]
    today = today_stamp(goal, tz, now)
    vcur = s["vcur"]
    dueby: dict[str, Any] = {}
    for stamp, delta, total in s.get("dueby") or []:
        if goal.yaw > 0 and delta < 0:
            # Beebrain reports how far ahead you are; the API says nothing is due.
            delta, total = 0, vcur
        dueby[stamp] = {
            "delta": _num(delta),
            "total": _num(total),
            "formatted_delta_for_beedroid": _fmt_delta(delta, goal.integery),
            "formatted_total_for_beedroid": _fmt_total(total, goal.integery),
        }
    # The bare minimum is what keeps the goal alive past the derail day.
    safebump = s["safebump"]
    baremin = safebump - vcur if safebump is not None else 0.0
    lastday = _noon(s["tdat"], tz) if s.get("tdat") else None
    stats: dict[str, Any] = {
        "lane": int(s["lane"]),
        "delta": _num(s["delta"]),
        "limsum": s.get("limsum") or None,
        "delta_text": _delta_text(list(dueby.values()), goal),
        "safebump": _num(s["safebump"]),
        "safesum": s.get("safesum") or None,
        "coasting": False,
        "baremin": _fmt_delta(baremin, goal.integery),
        "baremintotal": _fmt_total(safebump, goal.integery),
        "roadstatuscolor": colorkey if colorkey != "dkgreen" else "green",
        "colorkey": colorkey,
        "colorhex": colorhex,
        "todayta": today in points.daystamps[-50:],
        "curday": _noon(s["tcur"], tz),
        "curval": _num(vcur),
        "currate": _num(s["rcur"]),
        "lastday": lastday,
        "initday": _noon(s["tini"], tz),
        "numpts": int(s["numpts"]),
        "fullroad": fullroad,
        "mathishard": fullroad[-1] if fullroad else None,
        "headsum": s.get("headsum") or None,
        "graphsum": s.get("graphsum") or None,
        "rah": _num(s["rah"]),
        "dueby": dueby,
        "limsumdate": s.get("limsum") or None,
        "limsumdays": s.get("limsum") or None,
        "today": today,
        # When a road given without a goal date ends (the schedule wins the goal then).
        "roadend": _end(s["tfin"], tz, goal.deadline) if s["tfin"] < BDUSK_STAMP else None,
    }
    return Derived(losedate=losedate, safebuf=safebuf, stats=stats)


def _fmt_total(x: float, integery: bool) -> str:
    if integery:
        return str(math.ceil(x - 1e-9))
    return f"{x:.10g}" if not float(x).is_integer() else str(int(x))


def _fmt_delta(x: float, integery: bool) -> str:
    if integery:
        v = math.ceil(x - 1e-9) if x >= 0 else math.floor(x + 1e-9)
        return f"+{v}" if v > 0 else str(v)
    text = f"{x:.10g}" if not float(x).is_integer() else str(int(x))
    return f"+{text}" if x > 0 else text


def _delta_text(dueby: list[dict[str, Any]], goal: Goal) -> str:
    """Amounts needed by today, tomorrow and the day after; ✔ where nothing is due."""
    parts = []
    for row in dueby[:3]:
        delta = row["delta"]
        parts.append("✔" if abs(delta) < 1e-9 else _fmt_delta(delta, goal.integery))
    return " ".join(parts)
