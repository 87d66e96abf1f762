"""Goals as of now: every read brings the goals it shows up to the current minute first.

A goal's stored numbers (safebuf, limsum, dueby, colours, losedate, …) are
right until its `next_check_at`: the next derail moment, reminder, stepdown,
end of road or day start (services/schedule.py). The sweeper normally gets
there first. A read that finds a goal past that moment — the sweeper is
behind, busy with a midnight's worth of goals, or not running — runs the
sweeper's own step for it (services/sweep.py: derail, win, roll over,
remind) before answering, so no read shows yesterday's numbers and no
reminder is built from them. Goals the sweeper has claimed are left to it.
"""

from __future__ import annotations

from typing import Any

from brickroad.services import goals, sweep
from brickroad.services.context import Context
from brickroad.services.goal_models import Goal
from brickroad.services.goals import GoalView, UserGoals
from brickroad.services.models import User


def catch_up(ctx: Context, goal_ids: list[int]) -> None:
    for goal_id in goal_ids:
        sweep.process_goal(ctx, goal_id)


def _due(goal: Goal, now: int) -> bool:
    return goal.next_check_at is not None and goal.next_check_at <= now


def get(ctx: Context, user: User, slug: str) -> Goal:
    goal = goals.get(ctx, user, slug)
    if _due(goal, ctx.clock.now()):
        catch_up(ctx, [goal.id])
        goal = goals.get(ctx, user, slug)
    return goal


def get_view(ctx: Context, user: User, slug: str, datapoints: bool = False, count: int | None = None) -> GoalView:
    view = goals.get_view(ctx, user, slug, datapoints, count)
    if _due(view.goal, ctx.clock.now()):
        catch_up(ctx, [view.goal.id])
        view = goals.get_view(ctx, user, slug, datapoints, count)
    return view


def list_goals(ctx: Context, user: User, archived: bool = False, burner: str | None = None) -> list[GoalView]:
    views = goals.list_goals(ctx, user, archived, burner)
    now = ctx.clock.now()
    due = [v.goal.id for v in views if _due(v.goal, now)]
    if due:
        catch_up(ctx, due)
        views = goals.list_goals(ctx, user, archived, burner)
    return views


def user_goals(ctx: Context, user: User, **options: Any) -> UserGoals:
    found = goals.user_goals(ctx, user, **options)
    if found.due:
        catch_up(ctx, found.due)
        found = goals.user_goals(ctx, user, **options)
    return found
