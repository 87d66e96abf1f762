"""Axis ticks: calendar ticks for time, "nice" round numbers for values.

Times are unix seconds and drawn as UTC days, like the road engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from brickroad.road.dates import SID, civil_from_days, days_from_civil

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Tick:
    t: float
    label: str  # "" for a minor tick


def _day_ticks(t0: float, t1: float, step_days: int, anchor_sunday: bool) -> list[float]:
    d0 = math.ceil(t0 / SID)
    if anchor_sunday:  # 1970-01-04 was a Sunday; week ticks fall on Sundays like d3's
        d0 += (3 - d0) % 7
    else:
        d0 += (-d0) % step_days
    out = []
    d = d0
    while d * SID <= t1:
        out.append(float(d * SID))
        d += step_days
    return out


def _month_ticks(t0: float, t1: float, step_months: int) -> list[float]:
    y, m, _ = civil_from_days(math.floor(t0 / SID))
    idx = y * 12 + (m - 1)
    idx += (-idx) % step_months
    out = []
    while True:
        t = float(days_from_civil(idx // 12, idx % 12 + 1, 1) * SID)
        if t > t1:
            return out
        if t >= t0:
            out.append(t)
        idx += step_months


def _fmt_day(t: float) -> str:
    _, m, d = civil_from_days(math.floor(t / SID))
    return f"{MONTHS[m - 1]} {d:02d}"


def _fmt_month(t: float) -> str:
    y, m, _ = civil_from_days(math.floor(t / SID))
    return f"{MONTHS[m - 1]} {y}"


def _fmt_year(t: float) -> str:
    return str(civil_from_days(math.floor(t / SID))[0])


# (kind, major step, minor step, formatter); tried finest first
_TIME_STEPS = (
    ("day", 1, 0, _fmt_day),
    ("day", 2, 1, _fmt_day),
    ("week", 7, 1, _fmt_day),
    ("week", 14, 7, _fmt_day),
    ("month", 1, 0, _fmt_month),
    ("month", 2, 1, _fmt_month),
    ("month", 3, 1, _fmt_month),
    ("month", 6, 1, _fmt_month),
    ("month", 12, 3, _fmt_year),
    ("month", 24, 12, _fmt_year),
    ("month", 60, 12, _fmt_year),
    ("month", 120, 60, _fmt_year),
    ("month", 600, 120, _fmt_year),
)


def time_ticks(t0: float, t1: float, want: int = 6) -> list[Tick]:
    """About `want` labelled ticks across [t0, t1], plus unlabelled minor ones."""
    span_days = max((t1 - t0) / SID, 1e-9)
    for kind, step, minor, fmt in _TIME_STEPS:
        approx = span_days / (step * (30.44 if kind == "month" else 1))
        if approx <= want + 1.5:
            break
    else:  # spans of centuries: label a handful of years
        return [Tick(t0, _fmt_year(t0)), Tick(t1, _fmt_year(t1))]
    if kind == "month":
        major = _month_ticks(t0, t1, step)
        minors = _month_ticks(t0, t1, minor) if minor else []
    else:
        major = _day_ticks(t0, t1, step, anchor_sunday=(kind == "week"))
        minors = _day_ticks(t0, t1, minor, anchor_sunday=(minor == 7)) if minor else []
    majset = set(major)
    ticks = [Tick(t, fmt(t)) for t in major]
    ticks += [Tick(t, "") for t in minors if t not in majset]
    return sorted(ticks, key=lambda k: k.t)


def nice_step(span: float, want: int) -> float:
    """d3's tick step: span/want rounded to the nearest 1, 2 or 5 times a power of ten."""
    if not (span > 0) or not math.isfinite(span):
        return 1.0
    raw = span / max(want, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    err = raw / mag
    if err >= math.sqrt(50):
        return 10 * mag
    if err >= math.sqrt(10):
        return 5 * mag
    if err >= math.sqrt(2):
        return 2 * mag
    return mag


def value_ticks(v0: float, v1: float, want: int = 8) -> list[float]:
    step = nice_step(v1 - v0, want)
    k0, k1 = math.ceil(v0 / step - 1e-9), math.floor(v1 / step + 1e-9)
    if not (math.isfinite(k0) and math.isfinite(k1)) or k1 - k0 > 100:
        return [v0, v1]
    return [k * step for k in range(int(k0), int(k1) + 1)]


def fmt_value(v: float, step: float) -> str:
    """Tick label with thousands separators ("13,800"), decimals only as the step needs."""
    if not math.isfinite(v):
        return ""
    if abs(v) >= 1e15 or (v != 0 and abs(v) < 1e-6):
        return f"{v:.3g}"
    v = 0.0 if abs(v) < step * 1e-9 else v
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 and math.isfinite(step) else 0
    if decimals >= 10:  # labels stop at 10 decimals (and 10**309 won't fit a float)
        return f"{v:,.10f}"
    decimals = min(decimals + (1 if step * 10 ** decimals % 1 else 0), 10)
    return f"{v:,.{decimals}f}"
