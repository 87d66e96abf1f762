"""Goals the road engine can't compute, and the safe rule the sweeper applies to them.

Input checks keep new data computable, but a goal can still fail (data stored
before those checks, an engine bug). Such a goal must not go quiet:
  1. it keeps the last losedate the engine gave it (roadcalc.map_stats), so a
     derailment already on the calendar still happens on time, and it gets no
     new one while it stays broken (nothing to compute it from);
  2. the sweeper also looks at it once a day, at the goal's `alertstart`, and
     tells the owner, by mail and on the goal's callback_url, that it can't be
     computed and why: one notice per local day (the outbox key), until fixed.
The goal's JSON says so too (`road_error`), and so does its web page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from brickroad.services import days, outbox, schedule
from brickroad.services.goal_models import Goal
from brickroad.services.models import User


def error_of(goal: Goal) -> str | None:
    """The engine's complaint about this goal, or None when it computes."""
    error = (goal.stats or {}).get("error")
    return str(error) if error else None


def _alert_at(goal: Goal, tz: str, day: date) -> int:
    """The goal's `alertstart` on a local calendar day."""
    return days.from_local(datetime.combine(day, time(0)) + timedelta(seconds=goal.alertstart), tz)


def next_notice_at(goal: Goal, tz: str, now: int) -> int | None:
    """The first `alertstart` instant after now, for a broken active goal; None otherwise."""
    if error_of(goal) is None or not schedule.is_active(goal):
        return None
    today = days.local_naive(now, tz).date()
    return next(t for t in (_alert_at(goal, tz, today + timedelta(days=k)) for k in range(3)) if t > now)


def with_daily_check(goal: Goal, tz: str, now: int) -> Goal:
    """Bring next_check_at forward to the next daily notice when the goal is broken (rule 2)."""
    t = next_notice_at(goal, tz, now)
    if t is None:
        return goal
    return goal.evolve(next_check_at=t if goal.next_check_at is None else min(goal.next_check_at, t))


def notify(conn: Connection, user: User, goal: Goal, now: int,
           render: Callable[[Goal], dict[str, Any]]) -> bool:
    """Today's notice that the goal can't be computed (rule 2); true if one was queued now."""
    error = error_of(goal)
    if error is None:
        return False
    today = days.local_naive(now, user.timezone).date()
    if now < _alert_at(goal, user.timezone, today):
        return False  # the day's rollover comes first; the notice waits for the alert time
    day = today.isoformat()
    sent = False
    if goal.callback_url:
        sent |= outbox.enqueue(conn, outbox.WEBHOOK, {"goal": render(goal)}, now=now, url=goal.callback_url,
                               user_id=user.pk, goal_id=goal.id, event="road_error",
                               key=f"road_error:{goal.id}:{day}", seq="next") is not None
    if user.email:
        kept = "" if goal.losedate is None or goal.losedate >= days.BDUSK else (
            f"Its last deadline, {days.local_naive(goal.losedate, user.timezone):%a %Y-%m-%d %H:%M}, still stands.\n")
        body = (f"Your goal {goal.title} ({goal.slug}) can't be computed: {error}\n"
                f"Until that is fixed (edit or delete the datapoint or road row at fault) it gets no new "
                f"deadline and you will hear about it once a day.\n{kept}")
        sent |= outbox.enqueue_email(conn, user.email, f"{goal.slug}: can't be computed", body, now=now,
                                     user_id=user.pk, goal_id=goal.id, key=f"road_error_mail:{goal.id}:{day}") is not None
    return sent
