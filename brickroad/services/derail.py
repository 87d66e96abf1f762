"""Derailment: charge the pledge, step it up, give a flat week of respite, and tell whoever listens.

One function for both causes, the deadline passing (the sweeper) and uncleme,
so they can't drift apart. It runs inside the caller's write transaction with
the goal row locked; the `derailments` row, keyed by (goal, losedate), makes
a replayed sweep a no-op instead of a second charge.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection

from brickroad.services import days
from brickroad.services import goals as goal_service
from brickroad.services import outbox, schedule, webhooks
from brickroad.services.goal_models import Goal
from brickroad.services.models import User
from brickroad.services.pledges import RESPITE_DAYS, step_up
from brickroad.store import charges as charge_rows
from brickroad.store import outbox as rows
from brickroad.store.ids import public_id

PENDING_KEY = "derail_due"  # in goal.stats: a losedate that passed before the sweeper got to it


def pending_losedate(goal: Goal, now: int) -> int | None:
    """The deadline this goal has missed and not yet paid for, if any."""
    marked = (goal.stats or {}).get(PENDING_KEY)
    if marked is not None:
        return int(marked)
    if goal.losedate is not None and goal.losedate < now and goal.losedate < days.BDUSK:
        return goal.losedate
    return None


# Beebrain's presumptive report for a day without data on a flat road (brickroad/road/status.py).
FLAT_PPR = 2.0


def _presumed_allowance(goal: Goal) -> float:
    """Room above the data for goals that presume the worst on days without data (do-less, yaw*dir < 0).

    On a flat line exactly at the data, one presumed report puts them over
    it, so a do-less goal would derail again the day after every derailment:
    the respite would be a daily charge. The line sits a respite's worth of
    presumed reports above the data instead, so the week is a week.
    """
    return -goal.yaw * FLAT_PPR * (RESPITE_DAYS + 1) if goal.yaw * goal.dir < 0 else 0.0


def derail(conn: Connection, user: User, goal: Goal, now: int, cause: str, losedate: int | None = None) -> Goal:
    """Apply one derailment; returns the recomputed goal (unchanged if this deadline was already handled)."""
    losedate = losedate if losedate is not None else (pending_losedate(goal, now) or goal.losedate or now)
    charged = float(goal.pledge)
    new_pledge = step_up(goal.pledge, goal.pledge_cap)
    recorded = rows.insert_derailment(
        conn, dict(goal_id=goal.id, user_id=user.pk, losedate=losedate, cause=cause, charged=charged,
                   new_pledge=new_pledge, created_at=now),
    )
    if recorded is None:
        return goal  # this deadline was already paid for
    if charged > 0:
        note = f"derailed {goal.slug}" + (" (uncle)" if cause == "uncle" else "")
        charge_rows.insert_charge(conn, user.pk, charged, note, "derail", now, goal.id)
    curval = float((goal.stats or {}).get("curval", goal.initval))
    stats = {k: v for k, v in (goal.stats or {}).items() if k != PENDING_KEY}
    goal = replace(goal, stats=stats)
    respite_end = now + (RESPITE_DAYS + 1) * 86400
    end = schedule.road_end(goal)
    if end is not None and end <= respite_end:
        # No road left to get back on: the goal ends derailed (lost) instead of resuming.
        road, lost = goal.road, True
    else:
        # The respite: the line drops to where the data is on the derail day and stays
        # flat through the akrasia horizon, then resumes its old rates.
        road = goal_service.rebase_road(goal, user.timezone, now, curval + _presumed_allowance(goal),
                                        flat_days=RESPITE_DAYS, jump_offset=-1)
        lost = False
    # losedate=None: the missed deadline is settled, so the recompute hook has nothing to carry over.
    goal = goal_service.save_and_recompute(
        conn, user, goal, now, road=road, pledge=new_pledge, queued=True, lost=lost,
        stepdown_at=None, pending_amount=None, pending_at=None, losedate=None,
    )
    if user.email:
        outbox.enqueue_email(
            conn, user.email, f"{goal.slug} derailed" + (f": ${charged:g} charged" if charged else ""),
            f"Your goal {goal.title} ({goal.slug}) derailed"
            + (f" and ${charged:g} was charged" if charged else "")
            + (".\nIt has ended.\n" if lost else
               f".\nYou get a week of flat road to get back on; the pledge is now ${new_pledge:g}.\n"),
            now=now, user_id=user.pk, goal_id=goal.id, key=f"derailmail:{goal.id}:{losedate}",
        )
    subs = rows.subscriptions_for_user(conn, user.pk)
    if subs:
        data = {"goal": goal.slug, "goal_id": public_id(goal.id), "losedate": losedate, "cause": cause,
                "charged": charged, "pledge": new_pledge}
        webhooks.emit(conn, user, "goal.derailed", data, now, goal_id=goal.id, subs=subs)
        if new_pledge != charged:
            webhooks.emit(conn, user, "pledge.changed",
                          {"goal": goal.slug, "goal_id": public_id(goal.id), "from": charged, "to": new_pledge,
                           "reason": "derailed"}, now, goal_id=goal.id, subs=subs)
    return goal
