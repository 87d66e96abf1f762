"""A goal's webhook (callback_url), which the goal update service doesn't set.

Kept apart from services/goals.py so that module stays its owner's; the URL
rules are the OAuth callbacks' (absolute http(s), no fragment).
"""

from __future__ import annotations

from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.services.oauth import validate_url
from brickroad.store import goals as goal_rows


def set_callback_url(ctx: Context, user: User, slug: str, url: str) -> None:
    value = validate_url(url, "callback_url", required=False)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug, for_update=True)
        if goal.callback_url != value:
            goal_rows.update_goal(conn, goal.id, callback_url=value, updated_at=now)
