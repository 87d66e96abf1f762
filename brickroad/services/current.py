"""Goals as of now: every read brings the goals it shows up to the current minute first.

A goal's stored numbers (safebuf, limsum, dueby, colours, losedate, …) are
right until its `next_check_at`: the next derail moment, reminder, stepdown,
end of road or day start (services/schedule.py). The sweeper normally gets
there first. A read that finds a goal past that moment — the sweeper is
behind, busy with a midnight's worth of goals, or not running — runs the
sweeper's own step for it (services/sweep.py: derail, win, roll over,
remind) before answering, so no read shows yesterday's numbers and no
reminder is built from them. Goals the sweeper has claimed are left to it.

That step writes. Inside an enclosing read (the API answers a GET in one
snapshot) it can't run without a second connection and a stale snapshot,
so these functions raise NotCurrent instead; the caller's runner catches
it outside the read, runs `catch_up` where writes may block, and asks again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from brickroad.services import goals, sweep
from brickroad.services.context import Context
from brickroad.services.goal_models import Goal
from brickroad.services.goals import GoalView, UserGoals
from brickroad.services.models import User


FAILED_RETRY = 60  # seconds a goal whose step crashed is left as stored before a read tries again


class NotCurrent(Exception):
    """Goals read past their next check, inside a read that can't bring them current itself."""

    def __init__(self, goal_ids: list[int]) -> None:
        super().__init__(f"goals {goal_ids} are behind")
        self.goal_ids = goal_ids


def catch_up(ctx: Context, goal_ids: list[int]) -> None:
    """The sweeper's step for each goal; one that crashes is backed off (and shown as stored)."""
    for goal_id in goal_ids:
        sweep.process_safely(ctx, goal_id, FAILED_RETRY)


_AS_STORED: ContextVar[bool] = ContextVar("brickroad-as-stored", default=False)


@contextmanager
def as_stored() -> Iterator[None]:
    """Reads in this block show goals as stored: for the second try after a catch_up, so a goal
    that is somehow still behind can't send the caller round again."""
    token = _AS_STORED.set(True)
    try:
        yield
    finally:
        _AS_STORED.reset(token)


def _bring_current(ctx: Context, goal_ids: list[int]) -> bool:
    """True when the goals were brought current here (so the caller reads them again)."""
    if _AS_STORED.get():
        return False
    if ctx.db.in_read_only():
        raise NotCurrent(goal_ids)
    catch_up(ctx, goal_ids)
    return True


def _due(goal: Goal, now: int) -> bool:
    return goal.next_check_at is not None and goal.next_check_at <= now


def get(ctx: Context, user: User, slug: str) -> Goal:
    goal = goals.get(ctx, user, slug)
    if _due(goal, ctx.clock.now()) and _bring_current(ctx, [goal.id]):
        goal = goals.get(ctx, user, slug)
    return goal


def get_view(ctx: Context, user: User, slug: str, datapoints: bool = False, count: int | None = None) -> GoalView:
    view = goals.get_view(ctx, user, slug, datapoints, count)
    if _due(view.goal, ctx.clock.now()) and _bring_current(ctx, [view.goal.id]):
        view = goals.get_view(ctx, user, slug, datapoints, count)
    return view


def list_goals(ctx: Context, user: User, archived: bool = False, burner: str | None = None) -> list[GoalView]:
    views = goals.list_goals(ctx, user, archived, burner)
    now = ctx.clock.now()
    due = [v.goal.id for v in views if _due(v.goal, now)]
    if due and _bring_current(ctx, due):
        views = goals.list_goals(ctx, user, archived, burner)
    return views


def user_goals(ctx: Context, user: User, **options: Any) -> UserGoals:
    found = goals.user_goals(ctx, user, **options)
    if found.due and _bring_current(ctx, found.due):
        found = goals.user_goals(ctx, user, **options)
    return found
