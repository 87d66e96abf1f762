"""Descriptive statistics of the aggregated data: mean, meandelt, stdflux."""

from __future__ import annotations

import math

import numpy as np

from .dates import SID
from .roadmatrix import Road

_CHOP = 1e-7


def seq_total(x: np.ndarray) -> float:
    """Left-to-right sum 0 + x0 + x1 + ... (numpy's cumsum is sequential, unlike np.sum).

    The cumsum starts from x0 rather than 0: the two runs differ only while every
    value so far is -0.0 (0 + -0.0 is +0.0), so adding 0.0 at the end gives the
    fold's result bit for bit, without copying x behind a leading zero.
    """
    if len(x) == 0:
        return 0.0
    return float(np.cumsum(x)[-1]) + 0.0


def gap_fill(t: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Values on whole-day steps from the first point, linearly interpolated.

    Assumes day-aligned timestamps, as Beebrain does; a point between grid
    days is only seen through interpolation.
    """
    if len(t) < 2:
        return v[:1].astype(float)
    start, end = t[0], t[-1]
    n = int(math.floor((end - start) / SID)) + 1
    grid = start + np.arange(n, dtype=float) * SID
    if n == len(t) and bool((grid == t).all()):
        # A point on every day (the usual case for a daily goal): day j lies in the interval
        # from point j-1 to point j and sits on its right end, so the interpolation weight is
        # exactly 1 (0 for the first day), and the formula below reduces to this, bit for bit.
        v = np.asarray(v, dtype=float)
        d = v[1:] - v[:-1]
        g = np.empty(n)
        g[0] = v[0] + d[0] * 0.0
        np.add(v[:-1], d, out=g[1:])
        return g
    grid = grid[grid <= end]
    # each grid day belongs to the first interval whose right end is at or after it
    i = np.minimum(_intervals(t, grid), len(t) - 2)
    t0, t1, v0, v1 = t[i], t[i + 1], v[i], v[i + 1]
    return v0 + (v1 - v0) * ((grid - t0) / (t1 - t0))


def _intervals(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """For each grid day, how many points after the first come before it.

    Day-aligned points (the usual case) are counted off in one pass instead of
    a binary search per day.
    """
    k = (t[1:] - t[0]) / SID
    if len(grid) and (k == np.floor(k)).all():
        marks = np.zeros(len(grid), dtype=np.int64)
        marks[k[k < len(grid)].astype(np.int64)] = 1  # point times ascend: one mark per day at most
        return np.concatenate(([0], np.cumsum(marks)[:-1]))
    return np.searchsorted(t[1:], grid, side="left")


def mean_and_meandelt(t: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Mean of the gap-filled data and mean of its day-to-day changes."""
    if len(t) == 0:
        return 0.0, 0.0
    g = gap_fill(t, v)
    mean = seq_total(g) / len(g)
    meandelt = 0.0
    if len(t) > 1 and len(g) > 1:
        d = g[1:] - g[:-1]
        meandelt = seq_total(d) / len(d)
    return mean, meandelt


def quantile_type1(values: np.ndarray, q: float) -> float:
    """Hyndman-Fan type 1 quantile (inverse empirical CDF), Beebrain's arithmetic.

    Only one or two order statistics are needed, so a partition (linear time)
    stands in for Beebrain's full sort.
    """
    n = len(values)
    f = n * q - 1
    fp = -f if f < 0 else f
    fl = math.floor(fp)
    g, j = (-(fp - fl), -fl) if f < 0 else (fp - fl, fl)
    if j < 0 or j >= n:  # out of range: the first or last order statistic
        k = 0 if j < 0 else n - 1
        return float(np.partition(values, k)[k])
    j = int(math.floor(j))
    if g == 0:
        return float(np.partition(values, j)[j])
    if j + 1 >= n:
        return math.nan
    y = np.partition(values, (j, j + 1))
    return float(y[j] + (y[j + 1] - y[j]) * 1)


def stdflux(road: Road, t: np.ndarray, v: np.ndarray) -> float:
    """90% quantile of daily deltas between consecutive points, net of the red line's own change."""
    if len(t) < 2:
        return 0.0
    r = road.rdf_sorted(t)
    ad = np.abs(v[1:] - v[:-1] - r[1:] + r[:-1]) / (t[1:] - t[:-1]) * SID
    x = float(ad[0]) if len(ad) == 1 else quantile_type1(ad, 0.9)
    return 0.0 if abs(x) < _CHOP else x
