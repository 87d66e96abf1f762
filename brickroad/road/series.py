"""Graph-only series: moving average, rosy line and aura.

They are computed on demand (see RoadResult.moving_average etc.) because
the API path never needs them. Each is linear in the number of points;
Beebrain's moving average recomputes from the first point for every sample.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .dates import AKH, SID
from .stats import gap_fill
from .types import GoalParams, RoadResult


def _linspace(a: float, b: float, n: int) -> np.ndarray:
    if n < 2:
        return np.array([a] if n == 1 else [], dtype=float)
    i = np.arange(n, dtype=float)
    return (i * b + (n - 1 - i) * a) / (n - 1)


def _clip(x: float, a: float, b: float) -> float:
    if a > b:
        a, b = b, a
    return min(max(x, a), b)


def moving_average(t: np.ndarray, v: np.ndarray, yoog: str) -> list[tuple[float, float]]:
    """Continuous-time exponential moving average of the piecewise-linear data."""
    if len(t) <= 1 or t[-1] - t[0] <= 0:
        return []
    k = (0.03 if yoog in ("meta/derev", "meta/dpledge") else 0.25) / SID
    span = t[-1] - t[0]
    n = int(math.floor(_clip(span / (SID + 1), 600, span * 4 / SID)))
    xs = _linspace(t[0], t[-1], n)
    out = np.empty(len(xs))
    # interval index of each sample: samples at or past a point's time belong to the next interval
    idx = np.searchsorted(t, xs, side="right")
    prev, xp, yp = float(v[0]), float(t[0]), float(v[0])
    a = b = math.nan
    out[idx == 0] = prev
    for j in range(1, len(t)):
        a = (v[j] - yp) / (t[j] - xp)
        b = yp
        sel = idx == j
        if sel.any():
            dt = xs[sel] - xp
            out[sel] = b + a * dt - a / k + (prev - b + a / k) * np.exp(-k * dt)
        dt0 = t[j] - xp
        prev = b + a * dt0 - a / k + (prev - b + a / k) * math.exp(-k * dt0)
        xp, yp = float(t[j]), float(v[j])
    sel = idx >= len(t)
    if sel.any():
        dt = xs[sel] - xp
        out[sel] = b + a * dt - a / k + (prev - b + a / k) * np.exp(-k * dt)
    return list(zip(xs.tolist(), out.tolist()))


def _inertia(x: list[float], d: float, sgn: int) -> list[float]:
    out = [x[0] + sgn * d]
    for b in x[1:]:
        out.append(min(max(out[-1], b - d), b + d))
    return out


def rosy(t: np.ndarray, v: np.ndarray, stdflux: float, direction: int) -> list[tuple[float, float]]:
    """Optimistic line: data smoothed by walking with inertia from both ends."""
    if len(t) == 0:
        return []
    d = max(0.0, stdflux)
    vals = v.tolist()
    fwd_lo, fwd_hi = _inertia(vals, d, -1), _inertia(vals, d, +1)
    rev_lo = _inertia(vals[::-1], d, -1)[::-1]
    rev_hi = _inertia(vals[::-1], d, +1)[::-1]
    lo, hi = (fwd_lo, rev_hi) if direction > 0 else (rev_lo, fwd_hi)
    return [(tt, (a + b) / 2) for tt, a, b in zip(t.tolist(), lo, hi)]


def aura(t: np.ndarray, v: np.ndarray, tmin: float, until: float) -> list[tuple[float, float]]:
    """Daily samples of a cubic fitted to the gap-filled data since tmin."""
    keep = t >= tmin
    t, v = t[keep], v[keep]
    if len(t) == 0:
        return []
    g = gap_fill(t, v)
    gt = t[0] + np.arange(len(g), dtype=float) * SID
    mid = (t[0] + t[-1]) / 2
    deg = min(3, len(g) - 1)
    if deg <= 0:
        return [(float(x), float(g[0])) for x in np.arange(t[0], until + 1, SID)]
    coef = np.polyfit(gt - mid, g, deg)
    xs = np.arange(t[0], until + 1, SID, dtype=float)
    return list(zip(xs.tolist(), np.polyval(coef, xs - mid).tolist()))


def series_factory(gp: GoalParams, res: RoadResult, t: np.ndarray,
                   v: np.ndarray) -> Callable[[str], Any]:
    """Closure computing each graph series (from the plotted points, flatline included)."""

    def make(name: str) -> Any:
        if name == "movingav":
            return moving_average(t, v, gp.yoog) if gp.movingav else []
        if name == "rosy":
            return rosy(t, v, res.stdflux, gp.dir) if gp.rosy else []
        if name == "aura":
            tmin = gp.tmin if gp.tmin is not None else min(res.tini, res.asof)
            return aura(t, v, tmin, res.asof + AKH) if gp.aura else []
        raise KeyError(name)

    return make
