"""Choosing what part of the goal is visible: time and value ranges, plot box, scale."""

from __future__ import annotations

import math

import numpy as np

from brickroad.road.dates import DIY, SID
from brickroad.road.types import GoalParams, RoadResult

from .fonts import text_width
from .geometry import Frame
from .scene import HEIGHT, WIDTH, Rect
from .ticks import fmt_value, nice_step, value_ticks

AXIS_FONT = 11.0
_TOP, _BOTTOM = 25.0, 30.0
_MIN_SPAN_T = SID


def time_range(gp: GoalParams, res: RoadResult) -> tuple[float, float]:
    """Beeminder's default window: from the start (or tmin) to a couple of weeks past the data."""
    t0 = float(gp.tmin) if _finite(gp.tmin) else min(res.tini, res.asof)
    if _finite(gp.tmax):
        t1 = float(gp.tmax)
    else:
        years = math.floor(max(0.0, res.tcur - t0) / (DIY * SID))
        t1 = res.tcur + 14 * SID * (1 + years / 2)
    if res.tini > t1:  # a road that starts after the data: show where it begins
        t1 = res.tini + max(0.25 * (res.tini - t0), 7 * SID)
    if not t1 - t0 >= _MIN_SPAN_T:
        t1 = t0 + _MIN_SPAN_T
    pad = 0.02 * (t1 - t0)
    return t0 - pad, t1 + pad


def _finite(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def value_range(gp: GoalParams, values: list[np.ndarray]) -> tuple[float, float]:
    """Min/max of everything visible, padded 3% (what Beeminder's pictures show); vmin/vmax win."""
    arrs = [a[np.isfinite(a)] for a in values if len(a)]
    arrs = [a for a in arrs if len(a)]
    lo = min(float(a.min()) for a in arrs) if arrs else 0.0
    hi = max(float(a.max()) for a in arrs) if arrs else 1.0
    # keep the span representable: beyond this, floats stop resolving pixels anyway
    lo, hi = max(lo, -1e300), min(hi, 1e300)
    span = hi - lo
    # Flat, or too thin to scale to pixels without overflow (a subnormal span) or to resolve at all.
    if not span > max(1e-200, 1e-12 * max(abs(lo), abs(hi))) or not math.isfinite(span):
        span = max(abs(hi) * 0.1, 1.0) if math.isfinite(hi) else 1.0
        lo, hi = lo - span / 2, hi + span / 2
    pad = 0.03 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    if _finite(gp.vmin):
        lo = float(gp.vmin)
    if _finite(gp.vmax):
        hi = float(gp.vmax)
    if not hi > lo or not math.isfinite(hi - lo):
        hi = lo + 1.0 if math.isfinite(lo) else 1.0
    return lo, hi


def y_tick_labels(v0: float, v1: float) -> list[tuple[float, str]]:
    vals = value_ticks(v0, v1)
    step = nice_step(v1 - v0, 8)
    return [(v, fmt_value(v, step)) for v in vals]


def make_frame(t0: float, t1: float, v0: float, v1: float, hide_y: bool = False) -> tuple[Frame, list[tuple[float, str]]]:
    """Plot box sized around the y tick labels (wider labels push the plot inward)."""
    labels = [] if hide_y else y_tick_labels(v0, v1)
    lw = max((text_width(s, AXIS_FONT) for _, s in labels), default=0.0)
    plot = Rect(37.0 + lw, _TOP, WIDTH - 17.0 - lw, HEIGHT - _BOTTOM)
    return Frame(t0, t1, v0, v1, plot), labels


def scale_for(t0: float, t1: float) -> float:
    """Beeminder's size factor: 1 for a few days shown, 0.55 for 73 days or more."""
    return max(0.55, 1 - 0.45 * ((t1 - t0) / SID / 73))
