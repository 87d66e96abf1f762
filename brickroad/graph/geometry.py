"""Mapping goal coordinates to pixels, clipping far-away geometry, thinning.

Two rules keep rendering time flat in the number of datapoints: nothing is
drawn more than once per pixel (dots are de-duplicated on a pixel grid,
polylines keep at most four points per pixel column), and geometry far
outside the plot is folded onto a band just outside it, so renderers never see
coordinates like 1e12.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scene import Rect


@dataclass(frozen=True)
class Frame:
    """Visible time/value window and the plot rectangle it maps onto."""

    t0: float
    t1: float
    v0: float
    v1: float
    plot: Rect

    def x(self, t: np.ndarray | float) -> np.ndarray:
        return self.plot.x0 + (np.asarray(t, dtype=float) - self.t0) * (self.plot.w / (self.t1 - self.t0))

    def y(self, v: np.ndarray | float) -> np.ndarray:
        return self.plot.y1 - (np.asarray(v, dtype=float) - self.v0) * (self.plot.h / (self.v1 - self.v0))

    @property
    def margin(self) -> float:
        return 40.0  # px beyond the plot where clamped geometry may run unseen


def _fold(a: np.ndarray, b: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Insert the crossings of lines a=lo and a=hi into the path (a, b), then clamp a.

    For straight segments this is exact clipping to the slab lo<=a<=hi: the
    parts outside become runs along the slab edge, which sits outside the
    visible area.
    """
    if len(a) < 2:
        return np.clip(a, lo, hi), b
    for edge in (lo, hi):
        side = a < edge if edge == lo else a > edge
        cross = np.flatnonzero(side[1:] != side[:-1])
        if cross.size == 0:
            continue
        a0, a1 = a[cross], a[cross + 1]
        b0, b1 = b[cross], b[cross + 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(a1 != a0, (edge - a0) / (a1 - a0), 0.0)
        bc = b0 + f * (b1 - b0)
        a = np.insert(a, cross + 1, edge)
        b = np.insert(b, cross + 1, bc)
    return np.clip(a, lo, hi), b


def fold_into(frame: Frame, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip a path's pixel coordinates to the plot grown by frame.margin."""
    p, m = frame.plot, frame.margin
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.all():
        xs, ys = xs[ok], ys[ok]
    ys, xs = _fold(ys, xs, p.y0 - m, p.y1 + m)
    xs, ys = _fold(xs, ys, p.x0 - m, p.x1 + m)
    return _drop_edge_runs(xs, ys, (p.y0 - m, p.y1 + m))


def _drop_edge_runs(xs: np.ndarray, ys: np.ndarray, edges: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Inside a run of points lying on the same clamp edge, only the run's ends matter."""
    n = len(ys)
    if n < 3:
        return xs, ys
    on = (ys == edges[0]) | (ys == edges[1])
    same = np.zeros(n, dtype=bool)
    same[1:-1] = on[1:-1] & on[:-2] & on[2:] & (ys[:-2] == ys[1:-1]) & (ys[2:] == ys[1:-1])
    if not same.any():
        return xs, ys
    return xs[~same], ys[~same]


def drop_collinear(xs: np.ndarray, ys: np.ndarray, tol: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Remove points lying exactly on the segment between their neighbours.

    Lanes and guidelines are piecewise-linear functions sampled on a grid, so
    most samples are redundant; with a tolerance of a millionth of a pixel the
    drawn line is unchanged (runs of collinear points all lie on one line).
    """
    n = len(xs)
    if n < 3:
        return xs, ys
    dx0, dy0 = xs[1:-1] - xs[:-2], ys[1:-1] - ys[:-2]
    dx1, dy1 = xs[2:] - xs[1:-1], ys[2:] - ys[1:-1]
    cross = np.abs(dx0 * dy1 - dy0 * dx1)
    same_way = (dx0 * dx1 + dy0 * dy1) > 0  # a point where the line turns back is a corner
    scale = np.hypot(dx0, dy0) + np.hypot(dx1, dy1)
    inner = (cross <= tol * np.maximum(scale, 1e-12)) & same_way
    keep = np.concatenate(([True], ~inner, [True]))
    return xs[keep], ys[keep]


def thin_polyline(xs: np.ndarray, ys: np.ndarray, per_px: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Keep first, last, min and max of each pixel column (the "M4" reduction).

    The drawn line is indistinguishable from the full one at this resolution.
    Assumes xs is non-decreasing, which holds for time series.
    """
    n = len(xs)
    if n <= 4 * 700 * per_px:
        return xs, ys
    col = np.floor(xs * per_px).astype(np.int64)
    starts = np.flatnonzero(np.concatenate(([True], col[1:] != col[:-1])))
    ends = np.concatenate((starts[1:], [n])) - 1
    # argmin/argmax per column via reduceat on (value, index) packing
    order_min = np.minimum.reduceat(ys, starts)
    order_max = np.maximum.reduceat(ys, starts)
    # positions of the extremes: first index in each column equal to the reduced value
    grp = np.repeat(np.arange(len(starts)), np.diff(np.concatenate((starts, [n]))))
    is_min = ys == order_min[grp]
    is_max = ys == order_max[grp]
    keep = np.zeros(n, dtype=bool)
    keep[starts] = True
    keep[ends] = True
    keep |= _first_true_per_group(is_min, grp, len(starts))
    keep |= _first_true_per_group(is_max, grp, len(starts))
    return xs[keep], ys[keep]


def _first_true_per_group(mask: np.ndarray, grp: np.ndarray, ngroups: int) -> np.ndarray:
    idx = np.flatnonzero(mask)
    g = grp[idx]
    first = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
    out = np.zeros(len(mask), dtype=bool)
    out[idx[first]] = True
    return out


def dedupe_dots(xs: np.ndarray, ys: np.ndarray, grid: float = 1.0, min_n: int = 2000) -> np.ndarray:
    """Indices of the dots to draw: the last dot in each pixel cell, in drawing order.

    Later dots are drawn over earlier ones, so the last one per cell is what
    the eye sees; small goals (under min_n dots) keep every dot.
    """
    n = len(xs)
    if n < min_n:
        return np.arange(n)
    cx = np.floor(xs / grid).astype(np.int64)
    cy = np.floor(ys / grid).astype(np.int64)
    key = cx * 1_000_003 + cy
    # last occurrence of each key: unique on the reversed array
    _, rev_first = np.unique(key[::-1], return_index=True)
    return np.sort(n - 1 - rev_first)
