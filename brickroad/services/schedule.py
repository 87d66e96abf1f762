"""When the sweeper must next look at a goal: `next_check_at`, the one indexed column it scans.

The earliest of: the derail moment (losedate), the goal date (a win), a
scheduled stepdown, and the next reminder. Pure: no I/O, no clock; recompute
calls it with `now` whenever the goal's derived fields are refreshed.
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


def next_check_at(goal: Goal, tz: str, now: int) -> int | None:
    if not is_active(goal):
        return None
    checks: list[int] = []
    if goal.losedate is not None and goal.losedate < days.BDUSK:
        checks.append(goal.losedate + 1)  # the derail moment is the second after losedate
    if goal.goaldate is not None and goal.goaldate < days.BDUSK and (goal.losedate is None or goal.goaldate < goal.losedate):
        checks.append(goal.goaldate)
    if goal.stepdown_at is not None:
        checks.append(goal.stepdown_at)
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
    """REFERENCE §11.5: the goal date has come and the goal was still on the road then."""
    return goal.goaldate is not None and now >= goal.goaldate and (goal.losedate is None or goal.goaldate < goal.losedate)


def is_derailed(goal: Goal, now: int) -> bool:
    return goal.losedate is not None and now > goal.losedate and goal.losedate < days.BDUSK


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
