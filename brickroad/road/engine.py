"""compute(): goal params + datapoints -> RoadResult, in Beebrain's order of operations.

The order matters because Beebrain's checks report only the first problem:
params first, then data, then the road.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Callable, Optional

import numpy as np

from .aggregate import aggregate, apply_tare, tare_mask
from .dates import AKH, BDUSK, SECS, SID, dayify
from .errors import RoadError
from .jsfmt import js_string
from .params import vet
from .roadmatrix import Road, build_segments, fill_road, fill_rows
from .stats import mean_and_meandelt, stdflux
from .status import Goal, chop, dot_colors
from .types import AggPoint, DataColumns, Datapoint, DueRow, GoalParams, RawPoint, RoadResult

_TARE_ERROR = ("#TARE (odometer reset) tags only work for goals that aren't "
               "auto-summing and that use aggday=last")


def _columns(data: Sequence[Any] | DataColumns, gp: GoalParams) -> tuple[np.ndarray, np.ndarray, list[str], str | None]:
    """Datapoints -> arrays, with Beebrain's sanity check of every point (and the comments joined, when at hand)."""
    if len(data) == 0:
        raise RoadError("No datapoints", gp)
    if isinstance(data, DataColumns):
        if data.vetted:  # the caller vouches for them (see DataColumns): no checks, no copies
            return np.asarray(data.t, dtype=float), np.asarray(data.v, dtype=float), data.comments, \
                "TARE" if data.tare else ""
        # Copies, unless the columns are ours to keep: the caller's arrays may be cached
        # (services/pointcache.py) and must never change.
        copy = not data.owned
        ts = np.array(data.t, dtype=float, copy=copy or None)
        vs = np.array(data.v, dtype=float, copy=copy or None)
        cs = list(data.comments) if copy else data.comments
        if data.tare is not None and len(ts) == len(vs) == len(cs) and _numbers_fine(ts, vs):
            return ts, vs, cs, "TARE" if data.tare else ""  # all that tare_mask looks for
        if len(ts) == len(vs) == len(cs) and (text := _all_fine(ts, vs, cs)) is not None:
            return ts, vs, cs, text
        data = [Datapoint(*p) for p in zip(ts.tolist(), vs.tolist(), cs)]
    else:
        try:
            ts_l, vs_l, cs_t = zip(*data)
            if set(map(type, ts_l)) <= _NUM_TYPES and set(map(type, vs_l)) <= _NUM_TYPES:
                ts = np.array(ts_l, dtype=float)
                vs = np.array(vs_l, dtype=float)
                cs = list(cs_t)
                if (text := _all_fine(ts, vs, cs)) is not None:
                    return ts, vs, cs, text
        except (TypeError, ValueError, OverflowError):
            pass
    for i, p in enumerate(data):
        row = tuple(p) if isinstance(p, (tuple, list)) else (p,)
        t = row[0] if len(row) > 0 else None
        v = row[1] if len(row) > 1 else None
        c = row[2] if len(row) > 2 else None
        if not (_num_ok(t) and float(t) > 0 and _num_ok(v) and isinstance(c, str)):
            raise RoadError(f'Invalid datapoint: {js_string(t)} {js_string(v)} "{i}', gp)
    raise RoadError("Invalid datapoints", gp)  # unreachable unless columns disagree in length


_NUM_TYPES = {int, float, np.float64, np.int64}


def _numbers_fine(ts: np.ndarray, vs: np.ndarray) -> bool:
    return bool((np.isfinite(ts) & (ts > 0) & np.isfinite(vs)).all())


def _all_fine(ts: np.ndarray, vs: np.ndarray, cs: list[str]) -> str | None:
    """The comments joined by NULs when every point is sane, else None."""
    if not _numbers_fine(ts, vs):
        return None
    try:
        # Raises on anything but strings: several times faster than checking each type,
        # and tare_mask wants the joined text anyway.
        return "\x00".join(cs)
    except TypeError:
        return None


def _num_ok(x: Any) -> bool:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


def compute(params: GoalParams, data: Sequence[Datapoint] | DataColumns,
            asof: Optional[float] = None) -> RoadResult:
    """Run the road engine.

    ``asof`` (unix seconds, normally a day's start) overrides ``params.asof``.
    Raises RoadError for anything Beebrain would refuse, with Beebrain's text.
    Overflowing numbers become inf/NaN as they do in JavaScript, silently.
    """
    try:
        with np.errstate(all="ignore"):
            return _compute(params, data, asof)
    except RoadError:
        raise
    except (ArithmeticError, ValueError, TypeError, IndexError, KeyError) as e:
        # a safety net: callers only ever have to handle RoadError
        raise RoadError(f"Can't process this goal ({type(e).__name__}: {e})", params) from e


def _compute(params: GoalParams, data: Sequence[Datapoint] | DataColumns,
             asof: Optional[float]) -> RoadResult:
    if asof is not None:
        params = replace(params, asof=asof)
    gp = vet(params)
    siru = SECS[gp.runits]
    asof = gp.asof
    tini, vini = gp.tini, gp.vini

    # ---- data: sort, odometer resets, aggregate, accumulate
    ts, vs, cs, text = _columns(data, gp)
    vetted = isinstance(data, DataColumns) and data.vetted
    prior = data.prior if vetted else None  # type: ignore[union-attr]
    if len(ts) > 1 and not vetted and not (ts[1:] >= ts[:-1]).all():
        # (Already in order, the usual case, the stable sort would change nothing.)
        order = np.argsort(ts, kind="stable")
        ts, vs = ts[order], vs[order]
        cs = [cs[i] for i in order.tolist()]
    tmask = tare_mask(cs, text)
    if tmask.any():
        if gp.kyoom or gp.aggday != "last":
            raise RoadError(_TARE_ERROR, gp)
        vs = apply_tare(vs, tmask)
        prior = None  # a reset changes the values after it
    rsk8 = (gp.rfin or 0.0) * SID / siru
    agg = aggregate(ts, vs, gp.aggday, gp.kyoom, rsk8, prior)
    npast = int(np.searchsorted(agg.t, asof, side="right"))
    if npast == 0:
        raise RoadError("All datapoints are in the future!", gp)
    numpts = int(np.searchsorted(ts, asof, side="right")) if gp.plotall else npast
    dt, dv = agg.t[:npast], agg.v[:npast]
    mean, meandelt = mean_and_meandelt(dt, dv)
    tdat = float(dt[-1])

    # ---- road
    segments = build_segments(gp.road, tini, vini, siru)
    road = Road(segments)
    filled = _filled_road(gp, siru, dict(tdat=dayify(tdat), numpts=numpts, mean=mean, meandelt=meandelt))
    tfin, vfin, rfin = filled[-1][0], filled[-1][1], filled[-1][2]

    first = int(np.searchsorted(dt, tini, side="left"))  # (dt ascends: the points from tini on)
    flux = stdflux(road, dt[first:], dv[first:])

    # ---- flatline: carry the last value forward to today (or the goal date)
    goal = Goal(road=road, yaw=gp.yaw, dir=gp.dir, tini=tini, tfin=tfin, asof=asof,
                ppr_on=bool(gp.ppr), point_at_asof=bool(dt[-1] == asof),
                dtf_t=dt, dtf_v=dv)
    xflat = goal.flatline_time(tdat, float(dv[-1]), _TimeSet(agg.t))  # type: ignore[arg-type]
    flat: Optional[AggPoint] = None
    if xflat is not None:
        goal.dtf_t = np.append(dt, xflat)
        goal.dtf_v = np.append(dv, dv[-1])
        flat = AggPoint(xflat, float(dv[-1]), "")

    tcur = float(goal.dtf_t[-1])
    vcur = float(goal.dtf_v[-1])
    vprev = float(goal.dtf_v[max(len(goal.dtf_v) - 2, 0)])

    safebuf = goal.dtd(tcur, vcur)
    tluz = tcur + safebuf * SID
    delta = chop(vcur - road.rdf(tcur))
    rah = road.rdf(tcur + AKH)
    lims = [road.rdf(tcur + i * SID) for i in range(7)]
    lims_m = _monotonize(lims, gp.dir)
    deltas_m = _monotonize([x - vcur for x in lims], gp.dir)
    dueby = [DueRow(tcur + i * SID, deltas_m[i], lims_m[i]) for i in range(7)]
    safebump = road.rdf(tcur + safebuf * SID)
    rcur = road.rtf(tcur) * siru
    ravg = (0.0 if tfin == tini else (vfin - vini) / (tfin - tini)) * siru
    cntdn = int(math.ceil((tfin - tcur) / SID))
    lane = gp.yaw * (safebuf - (2 if safebuf <= 1 else 1))
    color = "red" if safebuf < 1 else "orange" if safebuf < 2 else "blue" if safebuf < 3 else "green"
    loser = goal.redyest(tcur)
    sadbrink = (tcur - SID > tini) and goal.red(tcur - SID, goal.dtf(tcur - SID))
    if safebuf <= 0:
        tluz = tcur
    if tfin < tluz:
        tluz = BDUSK

    # ---- pink zone: the red line over the akrasia horizon
    pz_rows = [(r[0], r[1], None) for r in filled if asof < r[0] < asof + AKH]
    pz_rows.append((asof + AKH, road.rdf(asof + AKH), None))
    pz0 = (asof, road.rdf(asof))
    pinkzone = [(pz0[0], pz0[1], 0.0, 2)] + fill_rows(pz_rows, pz0[0], pz0[1], siru)

    fullroad = [(tini, vini, 0.0)] + [(r[0], r[1], r[2]) for r in filled]
    result = RoadResult(
        tini=tini, vini=vini, tfin=tfin, vfin=vfin, rfin=rfin, runits=gp.runits, siru=siru,
        yaw=gp.yaw, dir=gp.dir, fullroad=fullroad, pinkzone=pinkzone, segments=segments,
        tcur=tcur, vcur=vcur, vprev=vprev, tdat=tdat, rcur=rcur, ravg=ravg, stdflux=flux,
        delta=delta, lane=lane, cntdn=cntdn, numpts=numpts, mean=mean, meandelt=meandelt,
        rah=rah, safebuf=safebuf, safebump=safebump, tluz=tluz, loser=loser,
        sadbrink=bool(sadbrink), color=color, dueby=dueby, flatline=flat,
        tare_times=ts[tmask].tolist(), asof=asof, aggregated=agg,
    )
    result._series = _lazy_lists(gp, goal, result, agg, npast, ts, cs)
    return result


def _lazy_lists(gp: GoalParams, goal: Goal, res: RoadResult, agg: Any, npast: int,
                ts: np.ndarray, cs: list[str]) -> Callable[[str], Any]:
    """Point lists and graph series are built only when someone asks for them."""
    from .series import series_factory

    dt, dv = agg.t[:npast], agg.v[:npast]
    graph = series_factory(gp, res, goal.dtf_t, goal.dtf_v)

    def make(name: str) -> Any:
        if name == "points":
            colors = dot_colors(goal, dt, dv)
            return [AggPoint(t, v, c) for t, v, c in zip(dt.tolist(), dv.tolist(), colors)]
        if name == "future":
            return [AggPoint(t, v, "future")
                    for t, v in zip(agg.t[npast:].tolist(), agg.v[npast:].tolist())]
        if name == "raw":
            return [RawPoint(t, v, c) for t, v, c in zip(ts.tolist(), agg.raw_v.tolist(), cs)]
        if name == "derails":
            return _derails(ts, agg, cs)
        if name == "hashtags":
            return _hashtags(ts, cs) if gp.hashtags else []
        return graph(name)

    return make


_REDYEST_CHANGE = 1562299200  # 2019-07-05: derailing became "red yesterday"
_HASHTAG = re.compile(r"(?:^|\s)(#[^\W\d_]\w*)(?=$|\s)")


def _derails(ts: np.ndarray, agg: Any, cs: list[str]) -> list[tuple[float, float]]:
    """Where RECOMMITTED points mark a derailment, at that day's aggregated value.

    Older derailments are drawn a day earlier, as Beebrain has done since the
    switch to the red-yesterday rule.
    """
    aggval = dict(zip(agg.t.tolist(), agg.v.tolist()))
    out = []
    for i, c in enumerate(cs):
        if c.startswith("RECOMMITTED"):
            t = float(ts[i])
            shown = t - SID if t < _REDYEST_CHANGE else t
            out.append((shown, aggval.get(t, float(agg.raw_v[i]))))
    return out


def _hashtags(ts: np.ndarray, cs: list[str]) -> list[tuple[float, str]]:
    tags: dict[float, dict[str, None]] = {}
    for t, c in zip(ts.tolist(), cs):
        if "#" in c:
            for m in _HASHTAG.finditer(c):
                tags.setdefault(t, {})[m.group(1)] = None
    return [(t, " ".join(d)) for t, d in tags.items()]


def _filled_road(gp: GoalParams, siru: float, partial: dict[str, Any]) -> list[tuple[float, float, float, int]]:
    """The filled road matrix, or Beebrain's road errors (which come after the data was processed)."""
    filled = fill_road(gp.road, gp.tini, gp.vini, siru)
    if not filled:
        raise RoadError("Road dial error\\n(There are segments of your yellow brick road\\n"
                        "that are somehow dated before your road start date!)", gp, partial)
    tlist = [r[0] for r in filled]
    if any(a > b for a, b in zip(tlist, tlist[1:])):
        word = "total" if gp.kyoom else "value"
        # the goal's end as filled in, which is what Beebrain echoes with this error
        ended = replace(gp, tfin=filled[-1][0], vfin=filled[-1][1], rfin=filled[-1][2])
        raise RoadError(
            "Dial error\\n(Your goal date, goal " + word + ", and rate are inconsistent!\\n"
            "Is your rate positive when you meant negative?\\n"
            "Or is your goal " + word + " such that the implied goal date is in the past?)", ended, partial)
    return filled


class _TimeSet:
    """Membership test on a sorted array without building a Python set (one lookup is all it gets)."""

    def __init__(self, t: np.ndarray) -> None:
        self._t = t

    def __contains__(self, x: float) -> bool:
        i = int(np.searchsorted(self._t, x))
        return i < len(self._t) and self._t[i] == x


def _monotonize(xs: list[float], d: int) -> list[float]:
    out = list(xs)
    for i in range(1, len(out)):
        out[i] = max(out[i - 1], out[i]) if d == 1 else min(out[i - 1], out[i])
    return out
