"""Where the goal stands against the red line: flatlining, safety buffer, red yesterday.

Beebrain answers these by walking forward one day at a time. The walks here
evaluate a block of days at once with numpy and stop at the first block that
contains the answer, so a goal with years of buffer costs a few array ops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .dates import SID, daysnap
from .roadmatrix import Road

_TOL = 1e-15  # relative slack of the "on the line is fine" test
_CHOP = 1e-7


def chop(x: float, tol: float = _CHOP) -> float:
    return 0.0 if abs(x) < tol else x


@dataclass
class Goal:
    """The pieces of goal state the status rules consult."""

    road: Road
    yaw: int
    dir: int
    tini: float
    tfin: float
    asof: float
    ppr_on: bool
    point_at_asof: bool  # a real datapoint sits exactly at asof
    dtf_t: np.ndarray  # step function: aggregated times (flatline included)
    dtf_v: np.ndarray

    # ------------------------------------------------------------ primitives
    def aok(self, t: float, v: float) -> bool:
        """On the red line or on its good side."""
        return self.yaw * (v - self.road.rdf(t)) >= -_TOL * abs(v)

    def aok_many(self, t: np.ndarray, v: np.ndarray) -> np.ndarray:
        return self.yaw * (v - self.road.rdf_many(t)) >= -_TOL * np.abs(v)

    def dtf(self, t: float) -> float:
        """Value of the most recent aggregated point at or before t.

        Before the first point it is the first point's value: Beebrain's step
        function has no default there, so "red yesterday" on a goal whose data
        starts today judges today's value.
        """
        i = int(np.searchsorted(self.dtf_t, t, side="right")) - 1
        return float(self.dtf_v[max(i, 0)])

    @property
    def pessimistic(self) -> bool:
        """WEEN/RASH goals assume the worst (a PPR) for every day without data."""
        return self.yaw * self.dir < 0

    def ppr(self, t: float) -> float:
        """Pessimistic presumptive report for day t."""
        if not self.ppr_on or not self.pessimistic:
            return 0.0
        if t == self.asof and self.point_at_asof:
            return 0.0
        r = self.road.rtf(t) * SID
        # Only an exactly flat line gets the fixed PPR (no chop): a line that rounding left
        # a hair off flat gets twice its tiny rate, next to nothing, as in Beebrain.
        if r == 0:
            return -self.yaw * 2.0
        return 2 * r

    def ppr_many(self, t: np.ndarray) -> np.ndarray:
        if not self.ppr_on or not self.pessimistic:
            return np.zeros(len(t))
        r = self.road.rtf_many(t) * SID
        out = np.where(r == 0, -self.yaw * 2.0, 2 * r)
        if self.point_at_asof:
            out = np.where(t == self.asof, 0.0, out)
        return out

    # ------------------------------------------------------------ day rules
    def red(self, t: float, v: float) -> bool:
        """A point that would be drawn red: on the bad side, on or after tini."""
        return t >= self.tini and not self.aok(t, v)

    def redyest(self, t: float) -> bool:
        """Was the step-function value a day before t on the bad side?"""
        y = t - SID
        return self.red(y, self.dtf(y))

    def dtd(self, t: float, v: float) -> int:
        """Days to derail: safe days from (t, v) if nothing more is reported."""
        if self.redyest(t):
            return 0
        bound = max(self.tfin, t)
        pess = self.pessimistic and self.ppr_on
        x0, vlast, chunk = 0, v, 16
        while True:
            tt = t + np.arange(x0, x0 + chunk, dtype=float) * SID
            if pess:
                # the value on day k carries the PPRs of days 1..k, added in order
                if x0 == 0:
                    # today's PPR counts too unless today already has data
                    vv = np.cumsum(np.concatenate(([v], self.ppr_many(tt))))[1:]
                else:
                    vv = np.cumsum(np.concatenate(([vlast], self.ppr_many(tt))))[1:]
                vlast = float(vv[-1])
            else:
                vv = np.full(chunk, v)
            bad = np.flatnonzero(~(self.aok_many(tt, vv) & (tt <= bound)))
            if bad.size:
                return int(x0 + bad[0])
            x0 += chunk
            chunk = min(chunk * 4, 1 << 14)

    def flatline_time(self, tlast: float, vlast: float, agg_times: set[float]) -> float | None:
        """Where Beebrain plants the flat "PPR" point after the last datapoint, if anywhere."""
        if tlast > self.tfin:
            return None
        end = min(self.asof, self.tfin)
        if self.pessimistic:
            x = end
        else:
            # walk on from tlast and stop at the second red day in a row
            n = int(math.floor((end - tlast) / SID)) + 2 if end >= tlast else 1
            k = np.arange(n, dtype=float)
            tt = tlast + k * SID
            inside = tt <= end
            red = (tt >= self.tini) & ~self.aok_many(tt, np.full(n, vlast)) & inside
            both = np.flatnonzero(red[1:] & red[:-1])
            if both.size:
                x = tlast + float(both[0] + 1) * SID
            else:
                x = tlast + float(np.count_nonzero(inside)) * SID
            # Beebrain plants the point at the start of the day the walk stopped on, whatever
            # the time of day of tlast
            x = min(float(daysnap(x)), self.asof, self.tfin)
        if x in agg_times:
            return None
        return x


def dot_colors(goal: Goal, t: np.ndarray, v: np.ndarray) -> list[str]:
    """Colour of each aggregated point by how many safe days it would have given."""
    n = len(t)
    if n == 0:
        return []
    ok = []
    vv = v.astype(float)
    for d in range(3):
        tt = t + d * SID
        if d:
            vv = vv + goal.ppr_many(tt)
        ok.append(goal.aok_many(tt, vv) & (tt <= np.maximum(goal.tfin, t)))
    names = np.where(~ok[0], "red", np.where(~ok[1], "orange", np.where(~ok[2], "blue", "green")))
    names = np.where(t < goal.tini, "black", names)
    return names.tolist()
