"""When the sweeper must next look at a goal: `next_check_at`, the one indexed column it scans.

The earliest of: the derail moment (losedate), the end of the road (a win),
a scheduled stepdown or deadline change, the next reminder, and the start of
the goal's next day. That last one is the daily rollover: safebuf, limsum,
dueby, colours and everything else that counts days are only true for the
day they were computed on, so every active goal is recomputed as its day
turns over, with or without a write. Reads that find a goal past its
`next_check_at` bring it current first (services/current.py).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Connection

from brickroad.services import days
from brickroad.services.goal_models import Goal


LAST_FETCH_LEAD = 900  # seconds before the derail moment: "before derailing the goal at the end of an eep day"


def reminder_times(goal: Goal, tz: str) -> list[int]:
    """Reminder instants for the current losedate: `alertstart` after local midnight on each day
    from `leadtime` days before the derail day to the derail day itself, all before the derailment."""
    if goal.losedate is None or goal.losedate >= days.BDUSK:
        return []
    derail_day = days.day_of(goal.losedate, tz, goal.deadline)
    out = []
    for k in range(max(0, goal.leadtime), -1, -1):
        day = derail_day - timedelta(days=k)
        t = days.from_local(datetime.combine(day, time(0, 0)) + timedelta(seconds=goal.alertstart), tz)
        if t < goal.losedate:
            out.append(t)
    return out


def next_reminder(goal: Goal, tz: str, now: int) -> int | None:
    """The first reminder strictly after `now` (a reminder just sent at `now` is not repeated)."""
    return next((t for t in reminder_times(goal, tz) if t > now), None)


def is_active(goal: Goal) -> bool:
    return not (goal.deleted_at is not None or goal.archived_at is not None or goal.frozen or goal.won or goal.lost)


ROADEND_KEY = "roadend"  # in goal.stats: when a road given by value and rate (or roadall) ends


def road_end(goal: Goal) -> int | None:
    """When the road ends: the goal date as given, or for a road whose end the engine
    found (goal value + rate, or a roadall ending that way) the end of its last day."""
    if goal.goaldate is not None:
        return goal.goaldate if goal.goaldate < days.BDUSK else None
    end = (goal.stats or {}).get(ROADEND_KEY)
    return int(end) if end is not None else None


def next_check_at(goal: Goal, tz: str, now: int) -> int | None:
    if not is_active(goal):
        return None
    checks: list[int] = [days.next_day_start(now, tz, goal.deadline)]
    if goal.losedate is not None and goal.losedate < days.BDUSK:
        checks.append(goal.losedate + 1)  # the derail moment is the second after losedate
    end = road_end(goal)
    if end is not None and (goal.losedate is None or end < goal.losedate):
        checks.append(end)
    for scheduled in (goal.stepdown_at, goal.deadline_next_at):
        if scheduled is not None:
            checks.append(scheduled)
    reminder = next_reminder(goal, tz, now)
    if reminder is not None:
        checks.append(reminder)
    last_call = last_fetch_at(goal)
    if last_call is not None and last_call > now:
        checks.append(last_call)
    return min(checks) if checks else None


def last_fetch_at(goal: Goal) -> int | None:
    """Goals fed by a data source get one more autofetch shortly before they would derail."""
    if not goal.datasource or goal.losedate is None or goal.losedate >= days.BDUSK:
        return None
    return goal.losedate - LAST_FETCH_LEAD


def is_won(goal: Goal, now: int) -> bool:
    """REFERENCE §11.5: the road has ended and the goal was still on it then."""
    end = road_end(goal)
    return end is not None and now >= end and (goal.losedate is None or end < goal.losedate)


def after_recompute(conn: Connection, old: Goal, new: Goal, tz: str, now: int) -> Goal:
    """The recompute hook: set next_check_at, and never lose a derailment that is due.

    Recomputing after a losedate has passed moves the losedate to the end of
    today (the engine can't look back), so a write that lands between the
    deadline and the sweep would hide the missed deadline. Remember it in
    stats (PENDING_KEY) until the derailment for it is recorded.
    """
    from brickroad.services.derail import PENDING_KEY
    from brickroad.store import outbox as rows

    pending = (old.stats or {}).get(PENDING_KEY)
    if (pending is None and is_active(old) and old.losedate is not None and old.losedate < now
            and old.losedate < days.BDUSK and new.losedate != old.losedate):
        pending = old.losedate
    if pending is not None and rows.derailment_exists(conn, old.id, int(pending)):
        pending = None
    stats = {k: v for k, v in (new.stats or {}).items() if k != PENDING_KEY}
    # Keep what the engine doesn't produce: recompute reads lasttouch back from these stats
    # (the sweeper recomputes often, and would otherwise blank it).
    if "lasttouch" not in stats and (old.stats or {}).get("lasttouch") is not None:
        stats["lasttouch"] = (old.stats or {})["lasttouch"]
    nxt = next_check_at(new, tz, now)
    if pending is not None and is_active(new):
        stats[PENDING_KEY] = int(pending)
        nxt = now if nxt is None else min(nxt, now)
    return new.evolve(stats=stats, next_check_at=nxt)
