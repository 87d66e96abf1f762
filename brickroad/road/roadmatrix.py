"""The red line: filling the road matrix and evaluating it.

Beebrain keeps two views of the same road. The *filled matrix* (fullroad)
completes each row's missing date, value or rate, with implied dates snapped
to midnight. The *segments* are built separately from the raw rows and do not
snap, so the line may reach the goal value a few hours after the matrix says.
Both are reproduced as they are because both show up in the outputs.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import Optional

import numpy as np

from .dates import BDUSK, DIY, SID, daysnap
from .types import RoadRow, Segment


def _tvr(tp: float, vp: float, t: Optional[float], v: Optional[float], r: Optional[float]) -> float:
    """Given the previous row end (tp, vp) and two of (t, v, r per second), the third."""
    if t is None:
        if r == 0:
            return BDUSK
        return daysnap(min(BDUSK, tp + (v - vp) / r))
    if v is None:
        return vp + r * (t - tp)
    if r is None:
        if t == tp:
            return 0.0  # zero-length segment
        return (v - vp) / (t - tp)
    return 0.0


def fill_rows(rows: Sequence[RoadRow], t0: float, v0: float,
              siru: float) -> list[tuple[float, float, float, int]]:
    """Fill the one null of each row from the previous row, starting at (t0, v0).

    Rows are (t, v, rate per runits). Each output row gets a 4th column: the
    position (0, 1 or 2) of the null it had. Rates go through /siru and back,
    and that round trip's rounding is kept.
    """
    out: list[tuple[float, float, float, int]] = []
    tp, vp = t0, v0
    for t, v, r in rows:
        rs = None if r is None else r / siru
        x = _tvr(tp, vp, t, v, rs)
        if t is None:
            row = (x, v, rs, 0)
        elif v is None:
            row = (t, x, rs, 1)
        elif r is None:
            row = (t, v, x, 2)
        else:
            row = (t, v, x, 0)
        tp, vp = row[0], row[1]
        out.append(row)
    return [(t, v, r * siru, n) for t, v, r, n in out]


def fill_road(rows: Sequence[RoadRow], tini: float, vini: float,
              siru: float) -> list[tuple[float, float, float, int]]:
    """Beebrain's fillroad: fill every row, then drop rows dated before tini."""
    return [row for row in fill_rows(rows, tini, vini, siru) if row[0] >= tini]


def build_segments(rows: Sequence[RoadRow], tini: float, vini: float, siru: float) -> list[Segment]:
    """Segments from 100 years before tini to 100 years after the goal date.

    A row whose end falls before its start (typically a row dated before
    tini) produces no segment; the next one starts where the last kept one ended.
    """
    first_t = daysnap(tini - 100 * SID * DIY)
    segs = [Segment(first_t, vini, tini, vini, 0.0)]
    for t, v, r in rows:
        st, sv = segs[-1].t1, segs[-1].v1
        if t is None:
            slope = r / siru
            if slope != 0:
                et = st + (v - sv) / slope
            else:
                et = BDUSK
            et = min(BDUSK, et)
            ev = sv + slope * (et - st)
        elif v is None:
            slope = r / siru
            et, ev = t, sv + slope * (t - st)
        else:
            et, ev = t, v
            dt = et - st
            if dt != 0:
                slope = (ev - sv) / dt
            else:
                slope = math.copysign(math.inf, ev - sv) if ev != sv else math.nan
        if et >= st:
            segs.append(Segment(st, sv, et, ev, slope))
    last = segs[-1]
    segs.append(Segment(last.t1, last.v1, daysnap(last.t1 + 100 * SID * DIY), last.v1, 0.0))
    return segs


_RUNS_LIMIT = 24  # beyond this many segments under the data, rdf_sorted falls back to rdf_many


class Road:
    """Evaluates the red line. At a kink, or a vertical step, the later segment wins."""

    __slots__ = ("segments", "_t0", "_v0", "_slope", "_at0", "_av0", "_aslope")

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = list(segments)
        self._t0 = [s.t0 for s in self.segments]
        self._v0 = [s.v0 for s in self.segments]
        self._slope = [s.slope for s in self.segments]
        self._at0 = np.array(self._t0, dtype=float)
        self._av0 = np.array(self._v0, dtype=float)
        self._aslope = np.array(self._slope, dtype=float)

    def seg_index(self, t: float) -> int:
        i = bisect.bisect_right(self._t0, t) - 1
        return 0 if i < 0 else i

    def rdf(self, t: float) -> float:
        """Red-line value at time t."""
        i = self.seg_index(t)
        return self._v0[i] + self._slope[i] * (t - self._t0[i])

    def rtf(self, t: float) -> float:
        """Red-line slope (per second) at time t."""
        return self._slope[self.seg_index(t)]

    def seg_indices(self, t: np.ndarray) -> np.ndarray:
        i = np.searchsorted(self._at0, t, side="right") - 1
        return np.maximum(i, 0)

    def rdf_many(self, t: np.ndarray) -> np.ndarray:
        i = self.seg_indices(t)
        return self._av0[i] + self._aslope[i] * (t - self._at0[i])

    def rdf_sorted(self, t: np.ndarray) -> np.ndarray:
        """rdf_many for ascending times: each segment evaluated on its run of them.

        The same arithmetic as rdf_many, point for point, without a search and three
        gathers per point, which dominate when a long data series meets a few segments.
        """
        n = len(t)
        if n == 0:
            return np.zeros(0)
        # first point at or after each segment's start: the runs' bounds (the later of
        # segments starting together gets the points, as in seg_indices)
        lo = np.searchsorted(t, self._at0, side="left").tolist()
        lo[0] = 0
        lo.append(n)
        runs = [s for s in range(len(lo) - 1) if lo[s] < lo[s + 1]]
        if len(runs) > _RUNS_LIMIT or any(a > b for a, b in zip(lo, lo[1:])):
            return self.rdf_many(t)  # (starts out of order only if something upstream is NaN)
        out = np.empty(n)
        for s in runs:
            a, b = lo[s], lo[s + 1]
            seg = out[a:b]
            np.subtract(t[a:b], self._at0[s], out=seg)
            seg *= self._aslope[s]
            seg += self._av0[s]
        return out

    def rtf_many(self, t: np.ndarray) -> np.ndarray:
        return self._aslope[self.seg_indices(t)]
