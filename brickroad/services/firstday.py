"""The automatic initial datapoint, and why readings on a goal's first day win over it (issue 16.5).

A new goal gets one datapoint of its initial value ("ex nihilo"), stamped at
the first second of its first day, so every reading entered that day comes
after it. Readings entered on the goal's first day (the day its road starts)
count over it whatever the aggday: for a goal that doesn't auto-sum, the
engine and the graph leave the initial point out once another point shares
its day. Auto-summing (kyoom) goals keep it in: it adds the initial value to
the day's total exactly as it always has. The point itself stays: the
datapoint list, `recent_data` and `numpts` still show it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection

from brickroad.services import days, roadcalc
from brickroad.services.goal_models import Goal
from brickroad.services.pointcache import GoalPoints
from brickroad.store import datapoints as point_rows


def initial_point(goal: Goal, tz: str, value: float, now: int) -> dict[str, Any]:
    """The initial datapoint's row (without goal_id), at the first second of the goal's first day."""
    day = days.day_of(now, tz, goal.deadline)
    return dict(
        timestamp=days.day_end(day - timedelta(days=1), tz, goal.deadline) + 1, daystamp=days.to_daystamp(day),
        value=value, comment="", requestid=None, origin="nihilo", creator="", is_dummy=False,
        is_initial=True, urtext=None, created_at=now, updated_at=now,
    )


def engine_points(conn: Connection, goal: Goal, gp: GoalPoints) -> tuple[roadcalc.Points, int]:
    """What the engine reads of the goal's points, and how many it doesn't see (0 or 1: the initial one)."""
    at = _shadowed_initial(conn, goal, gp)
    if at is None:
        return roadcalc.Points(gp.daystamps, gp.values, gp.comments, columns=gp.columns()), 0

    def without(items: list[Any]) -> list[Any]:
        return items[:at] + items[at + 1:]

    return roadcalc.Points(without(gp.daystamps), without(gp.values), without(gp.comments)), 1


# Where the initial point lies around the road's start (`initday`, local midnight of the first day):
# at the first second of that day, which the deadline (-17 h .. +6 h) moves, or at its last second
# for goals created before this rule. Timestamps don't change with the owner's timezone; days do.
_NEAR_START = (-61200, 86400 + 21600)


def _shadowed_initial(conn: Connection, goal: Goal, gp: GoalPoints) -> int | None:
    """Where the initial point sits if, in a goal that doesn't auto-sum, other points share its day."""
    if goal.kyoom or len(gp) < 2:
        return None
    lo, hi = goal.initday + _NEAR_START[0], goal.initday + _NEAR_START[1]
    a, b = int(np.searchsorted(gp.ts, lo, side="left")), int(np.searchsorted(gp.ts, hi, side="right"))
    crowded = [i for i in range(a, b) if _shares_its_day(gp, i)]
    if not crowded:  # the usual case, decided without a query
        return None
    initial = set(point_rows.initial_ids_between(conn, goal.id, lo, hi))
    return next((i for i in crowded if int(gp.ids[i]) in initial), None)


def _shares_its_day(gp: GoalPoints, i: int) -> bool:
    return int(np.count_nonzero(gp.t == gp.t[i])) > 1
