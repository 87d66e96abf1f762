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
from brickroad.services.pointcache import GoalPoints, day_starts
from brickroad.store import datapoints as point_rows


def initial_point(goal: Goal, tz: str, value: float, now: int) -> dict[str, Any]:
    """The initial datapoint's row (without goal_id), at the first second of the goal's first day."""
    day = days.day_of(now, tz, goal.deadline)
    return dict(
        timestamp=days.day_end(day - timedelta(days=1), tz, goal.deadline) + 1, daystamp=days.to_daystamp(day),
        value=value, comment="", requestid=None, origin="nihilo", creator="", is_dummy=False,
        is_initial=True, urtext=None, created_at=now, updated_at=now,
    )


def engine_points(conn: Connection, goal: Goal, tz: str, gp: GoalPoints) -> tuple[roadcalc.Points, int]:
    """What the engine reads of the goal's points, and how many it doesn't see (0 or 1: the initial one)."""
    at = _shadowed_initial(conn, goal, tz, gp)
    if at is None:
        return roadcalc.Points(gp.daystamps, gp.values, gp.comments, columns=gp.columns()), 0

    def without(items: list[Any]) -> list[Any]:
        return items[:at] + items[at + 1:]

    return roadcalc.Points(without(gp.daystamps), without(gp.values), without(gp.comments)), 1


def _shadowed_initial(conn: Connection, goal: Goal, tz: str, gp: GoalPoints) -> int | None:
    """Where the initial point sits if other points share the first day of a goal that doesn't auto-sum."""
    if goal.kyoom or len(gp) < 2:
        return None
    first_day = day_starts([roadcalc.road_stamp(goal.initday, tz)])[0]
    same_day = np.flatnonzero(gp.t == first_day)
    if len(same_day) < 2:  # nothing else on the first day: the initial point is the day's only value
        return None
    ts = gp.ts[same_day]
    initial = point_rows.initial_ids_between(conn, goal.id, int(ts.min()), int(ts.max()))
    found = np.flatnonzero(np.isin(gp.ids[same_day], initial))
    return int(same_day[found[0]]) if len(found) else None
