"""Lines of equal safety ("isolines") and per-point safe days, from the red line.

The isoline for k days at time t is the value from which you could report
nothing more and still be on the good side of the red line on each of the
next k days: with yaw the good side's sign,

    yaw * iso_k(t) = max over o in 0..k of yaw * (rdf(t + o days) - ppr_sum(t, o))

where ppr_sum adds the pessimistic presumptive reports of do-less goals. On a
plain rising road that is the road shifted k days to the left; across a flat
break or a downward jump it turns into the horizontal runs that Beeminder
draws. We evaluate it on a grid of whole days with a sparse table of window
maxima, so every isoline and guideline costs two vector operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from brickroad.road.dates import SID
from brickroad.road.roadmatrix import Road

_CHOP = 1e-7


@dataclass
class RoadView:
    """The red line plus the bits of goal state that safety depends on."""

    road: Road
    yaw: int
    tfin: float
    pessimistic: bool  # do-less style: each day without data counts as a PPR

    def ppr_per_day(self, t: np.ndarray) -> np.ndarray:
        if not self.pessimistic:
            return np.zeros(len(t))
        r = self.road.rtf_many(t) * SID
        return np.where(np.abs(r) < _CHOP, -self.yaw * 2.0, 2 * r)

    def safe_days_at_least(self, t: np.ndarray, v: np.ndarray, days: int) -> np.ndarray:
        """Whether each point (t, v) stays on the good side for `days` days (0..days-1)."""
        y = self.yaw if self.yaw else 1
        ok = np.ones(len(t), dtype=bool)
        vv = v.astype(float)
        bound = np.maximum(self.tfin, t)
        for o in range(days):
            tt = t + o * SID
            if o:
                vv = vv + self.ppr_per_day(tt)
            rd = self.road.rdf_many(tt)
            ok &= (y * (vv - rd) >= -1e-15 * np.abs(vv)) & (tt <= bound)
        return ok


class IsoGrid:
    """yaw-signed window maxima of the red line on a daily grid covering [t0, t1]."""

    def __init__(self, view: RoadView, t0: float, t1: float, kmax_days: int, max_cols: int = 3000):
        self.view = view
        y = view.yaw if view.yaw else 1
        self.sign = y
        days = max(1, int(math.ceil((t1 - t0) / SID)))
        self.step = max(1, int(math.ceil(days / max_cols)))  # days per grid cell
        self.n = days // self.step + 2
        self.kmax = max(1, int(math.ceil(kmax_days / self.step)))
        start = math.floor(t0 / SID) * SID
        m = self.n + self.kmax + 1
        self.t = start + np.arange(m, dtype=float) * self.step * SID
        rd = view.road.rdf_many(self.t)
        cum = np.cumsum(view.ppr_per_day(self.t) * self.step)
        cum = np.concatenate(([0.0], cum[:-1]))  # PPRs added after day 0
        self._cum = cum
        w = y * (rd - cum)
        self._levels = [w]
        span = 1
        while span * 2 <= self.kmax + 1:
            prev = self._levels[-1]
            nxt = prev.copy()
            nxt[:-span] = np.maximum(prev[:-span], prev[span:])
            self._levels.append(nxt)
            span *= 2

    @property
    def times(self) -> np.ndarray:
        return self.t[: self.n]

    def iso(self, k_days: float) -> np.ndarray:
        """Isoline values at self.times for a buffer of k days."""
        k = int(min(max(0, round(k_days / self.step)), self.kmax))
        j = int(math.floor(math.log2(k + 1)))
        j = min(j, len(self._levels) - 1)
        lev = self._levels[j]
        i = np.arange(self.n)
        w = np.maximum(lev[i], lev[i + k + 1 - (1 << j)])
        return self.sign * w + self._cum[: self.n]

    def forever(self, tfin: float) -> np.ndarray:
        """Isoline of "safe until the goal date": the yaw-extreme of the road (less PPRs) up to tfin."""
        w = self._levels[0]
        last = int(np.searchsorted(self.t, tfin, side="right"))
        out = w.copy()
        if last > 0:
            out[:last] = np.maximum.accumulate(w[:last][::-1])[::-1]
            # tfin may fall between grid points: the road there bounds the earlier times too
            at_fin = self.sign * self.view.road.rdf(tfin)
            out[:last] = np.maximum(out[:last], at_fin - self.sign * self._cum[last - 1])
        return self.sign * out[: self.n] + self._cum[: self.n]
