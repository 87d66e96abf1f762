"""Small builders for hand-checked road engine cases."""

from __future__ import annotations

from typing import Any

from brickroad.road import Datapoint, GoalParams

D = 86400
T0 = 1704067200  # 2024-01-01 00:00 UTC


def day(n: float) -> float:
    """Midnight n days after T0."""
    return T0 + n * D


def goal(**kw: Any) -> GoalParams:
    """A daily-rate goal starting at T0 (value 0) with rate 1/day for 100 days, MOAR."""
    base: dict[str, Any] = dict(
        tini=T0, vini=0.0, road=[], tfin=day(100), vfin=None, rfin=1.0, runits="d",
        yaw=1, dir=1, aggday="last", kyoom=False, asof=day(5),
    )
    base.update(kw)
    return GoalParams(**base)


def pts(*pairs: tuple[float, float] | tuple[float, float, str]) -> list[Datapoint]:
    """Datapoints from (day number, value[, comment])."""
    out = []
    for p in pairs:
        c = p[2] if len(p) > 2 else ""
        out.append(Datapoint(day(p[0]), float(p[1]), c))
    return out
