"""The pledge ladder: shortcircuit, stepdown, cancel_stepdown, uncle.

Beeminder's ladder is 0, 5, 10, 30, 90, 270, 810, 2430 USD, capped per goal
by pledge_cap. Money moves only as rows in the charges ledger, in the same
transaction as the pledge change.
"""

from __future__ import annotations

from datetime import timedelta

from brickroad.errors import Refused
from brickroad.services import days, webhooks
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.services.goal_models import Goal
from brickroad.services.goals import GoalView
from brickroad.services.models import User
from brickroad.store import charges as charge_rows

LADDER = (0, 5, 10, 30, 90, 270, 810, 2430)
RESPITE_DAYS = 7  # post-derail flat spot, as Beeminder gives


def step_up(pledge: float, cap: int) -> float:
    for amount in LADDER:
        if amount > pledge + 1e-9:
            return float(min(amount, cap)) if amount <= cap else float(max(pledge, cap))
    return float(pledge)


def step_down(pledge: float) -> float:
    lower = [a for a in LADDER if a < pledge - 1e-9]
    return float(lower[-1]) if lower else 0.0


def _money(x: float) -> str:
    return f"${x:g}"


def shortcircuit(ctx: Context, user: User, slug: str) -> GoalView:
    """Charge the current pledge now and move one step up the ladder."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        if goal.pledge > 0:
            charge_rows.insert_charge(conn, user.pk, goal.pledge, f"shortcircuit {goal.slug}", "shortcircuit", now, goal.id)
        before = goal.pledge
        goal = goal_service.save_and_recompute(
            conn, user, goal, now, pledge=step_up(goal.pledge, goal.pledge_cap), queued=True,
            stepdown_at=None, pending_amount=None, pending_at=None,
        )
        webhooks.pledge_changed(conn, user, goal, before, "shortcircuit", now)
        return goal_service.view(conn, goal)


def stepdown(ctx: Context, user: User, slug: str) -> GoalView:
    """Schedule a drop to the next lower pledge at the akrasia horizon (local midnight, 7 days on)."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        if goal.pledge <= 5:
            raise Refused(f"Cannot schedule a stepdown for a contract with amount {_money(goal.pledge)}")
        today = days.day_of(now, user.timezone, goal.deadline)
        when = days.day_start(today + timedelta(days=goal_service.AKRASIA_DAYS), user.timezone)
        goal = goal_service.save_and_recompute(
            conn, user, goal, now, stepdown_at=when, pending_amount=step_down(goal.pledge), pending_at=when
        )
        return goal_service.view(conn, goal)


def cancel_stepdown(ctx: Context, user: User, slug: str) -> GoalView:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        goal = goal_service.save_and_recompute(conn, user, goal, now, stepdown_at=None, pending_amount=None, pending_at=None)
        return goal_service.view(conn, goal)


def apply_due_stepdown(goal: Goal, now: int) -> dict[str, object]:
    """Column changes if a scheduled stepdown is due (for the sweeper)."""
    if goal.stepdown_at is not None and goal.stepdown_at <= now and goal.pending_amount is not None:
        return {"pledge": goal.pending_amount, "stepdown_at": None, "pending_amount": None, "pending_at": None}
    return {}


def uncle(ctx: Context, user: User, slug: str) -> GoalView:
    """Derail now: charge the pledge, step it up, and give a week's flat respite from today's value."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load_fresh(conn, user, slug, now)
        if goal.safebuf is None or goal.safebuf > 0 or goal.archived_at is not None:
            raise Refused("Can't uncle a goal that's not in the red.")
        from brickroad.services.derail import derail  # shared with the sweeper's deadline derailments

        goal = derail(conn, user, goal, now, cause="uncle")
        return goal_service.view(conn, goal)
