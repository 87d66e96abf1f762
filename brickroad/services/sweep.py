"""What the sweeper does to one due goal, in one transaction: win, derail, step down, roll over, remind.

Steps, in order (`process_in`):
1. a road that has ended with the goal on it: the goal is won, nothing else;
2. a deadline missed and not yet paid for: derail;
3. a stepdown or a deferred deadline change whose time has come: apply it;
4. recompute as of now, so what follows sees today's numbers (the daily rollover);
5. the reminder whose time has come, built from those numbers;
6. the last autofetch before a derailment.
Decisions 1-2 are made on the goal as stored *before* recomputing
(recomputing past a losedate would move it to today), with the row locked,
so a write that raced the sweeper is seen here and the later state wins.
Every side effect is an outbox row in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import orjson
from sqlalchemy import Connection

from brickroad.services import derail as derailing
from brickroad.services import goals as goal_service
from brickroad.services import days, outbox, schedule, uncomputable, webhooks
from brickroad.services.context import Context
from brickroad.services.goal_models import Goal
from brickroad.services.beeminder_json import goal_json
from brickroad.services.models import User
from brickroad.services.pledges import apply_due_stepdown
from brickroad.store import goals as goal_rows
from brickroad.store import outbox as rows
from brickroad.store import users as user_rows
from brickroad.store.ids import public_id

log = logging.getLogger("brickroad.sweep")

REMINDER_STALE = 86400  # a reminder more than a day late (sweeper was down) is skipped, not sent
MAX_BACKOFF = 3600  # a goal whose sweep keeps crashing is still retried at least hourly


@dataclass
class Outcome:
    won: bool = False
    derailed: bool = False
    stepped_down: bool = False
    reminded: bool = False


def process_goal(ctx: Context, goal_id: int) -> Outcome:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        row = rows.goal_by_id(conn, goal_id)
        if row is None:
            return Outcome()
        goal = Goal.from_row(row)
        user = User.from_row(user_rows.by_id(conn, goal.user_id))  # type: ignore[arg-type]
        if goal.sweep_failures:
            goal_rows.update_goal(conn, goal.id, sweep_failures=0)  # rolled back with the rest if this crashes too
        if not schedule.is_active(goal):
            goal_rows.update_goal(conn, goal.id, next_check_at=None)
            return Outcome()
        return process_in(conn, user, goal, now, ctx.settings.base_url)


def process_safely(ctx: Context, goal_id: int, lease: int) -> None:
    """process_goal, and when it crashes, log it and back the goal off (record_failure):
    one broken goal must never stop the sweep of the others, nor the reads that wait on it."""
    try:
        process_goal(ctx, goal_id)
    except Exception:
        log.exception("sweeping goal %s failed", goal_id)
        try:
            failures = record_failure(ctx, goal_id, lease)
            log.warning("goal %s: %d failed sweep(s) in a row; next try backed off", goal_id, failures)
        except Exception:  # the database itself is failing: a claim's lease brings the goal back
            log.exception("could not record the failed sweep of goal %s", goal_id)


def record_failure(ctx: Context, goal_id: int, lease: int) -> int:
    """A sweep of the goal crashed: look again later, twice as late each time in a row (at most
    MAX_BACKOFF), rather than every lease forever. Returns the failures so far."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        row = rows.goal_by_id(conn, goal_id)
        if row is None:
            return 0
        failures = int(row["sweep_failures"]) + 1
        delay = max(lease, min(lease * 2 ** min(failures, 20), MAX_BACKOFF))
        goal_rows.update_goal(conn, goal_id, sweep_failures=failures, next_check_at=now + delay)
    return failures


def process_in(conn: Connection, user: User, goal: Goal, now: int, base_url: str) -> Outcome:
    out = Outcome()
    pending = derailing.pending_losedate(goal, now)
    end = schedule.road_end(goal)
    # Whichever came first: reaching the end of the road on it, or a missed deadline before it.
    if schedule.is_won(goal, now) and (pending is None or (end or 0) < pending):
        _win(conn, user, goal, now, end)
        out.won = True
        return out
    if pending is not None:
        goal = derailing.derail(conn, user, goal, now, cause="deadline", losedate=pending)
        out.derailed = True
    changes = apply_due_stepdown(goal, now)
    if changes:
        before = goal.pledge
        goal = goal_service.save_and_recompute(conn, user, goal, now, **changes)
        webhooks.pledge_changed(conn, user, goal, before, "stepdown", now)
        out.stepped_down = True
    if goal.deadline_next_at is not None and goal.deadline_next_at <= now:
        goal = goal_service.apply_deferred_deadline(conn, user, goal, now)
    elif not (out.derailed or out.stepped_down):
        # Nothing changed the goal: bring its derived fields to today (the rollover) and reschedule.
        # Its JSON changed, so the user's updated_at moves too (clients poll it to know when to sync).
        goal = goal_service.recompute(conn, user, goal, now)
        user_rows.update_user(conn, user.pk, updated_at=now)
    if not out.derailed:
        out.reminded = _remind(conn, user, goal, now, base_url)
        last_call = schedule.last_fetch_at(goal)
        if last_call is not None and last_call <= now <= (goal.losedate or 0):
            outbox.request_autofetch(conn, user, goal, now, key=f"autofetch:{goal.id}:eep:{goal.losedate}")
    _tell_if_uncomputable(conn, user, goal, now, base_url)
    return out


def _tell_if_uncomputable(conn: Connection, user: User, goal: Goal, now: int, base_url: str) -> None:
    """The daily notice for a goal the engine can't compute (services/uncomputable.py has the rule)."""
    uncomputable.notify(conn, user, goal, now, lambda g: goal_json(goal_service.view(conn, g), user, base_url, now))


def _win(conn: Connection, user: User, goal: Goal, now: int, end: int | None) -> Goal:
    # won=True makes the goal inactive, so the recompute hook clears next_check_at.
    goal = goal_service.save_and_recompute(conn, user, goal, now, won=True)
    stats = dict(goal.stats or {}, coasting=True)
    goal_rows.update_goal(conn, goal.id, stats=_json(stats))
    webhooks.emit(conn, user, "goal.won", {"goal": goal.slug, "goal_id": public_id(goal.id),
                                           "goaldate": end}, now, goal_id=goal.id)
    return replace(goal, stats=stats, next_check_at=None)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _remind(conn: Connection, user: User, goal: Goal, now: int, base_url: str) -> bool:
    """Send the reminder whose time has come, once: keyed by goal and reminder instant."""
    due = [t for t in schedule.reminder_times(goal, user.timezone) if now - REMINDER_STALE < t <= now]
    if not due:
        return False
    t = due[-1]
    sent = False
    # "prior to sending alerts to the user": ask the data source for fresh data first.
    sent |= outbox.request_autofetch(conn, user, goal, now, key=f"autofetch:{goal.id}:{t}") is not None
    if goal.callback_url:
        body = {"goal": goal_json(goal_service.view(conn, goal), user, base_url, now)}
        sent |= outbox.enqueue(conn, outbox.WEBHOOK, body, now=now, url=goal.callback_url, user_id=user.pk,
                               goal_id=goal.id, event="reminder", key=f"reminder:{goal.id}:{t}",
                               seq="next") is not None
    if user.email:
        s = goal.stats or {}
        subject = f"{goal.slug}: {s.get('limsum') or 'due soon'}"
        body_text = (
            f"Your goal {goal.title} ({goal.slug}) derails at {_local(goal.losedate, user.timezone)} "
            f"unless you enter {s.get('baremin', 'more')} (total {s.get('baremintotal', '?')}).\n"
            f"Pledge: ${goal.pledge:g}.\n"
        )
        sent |= outbox.enqueue_email(conn, user.email, subject, body_text, now=now, user_id=user.pk,
                                     goal_id=goal.id, key=f"remindmail:{goal.id}:{t}") is not None
    return sent


def _local(ts: int | None, tz: str) -> str:
    if ts is None:
        return "?"
    return days.local_naive(ts, tz).strftime("%a %Y-%m-%d %H:%M")
