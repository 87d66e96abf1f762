"""The outbox's "graph" kind: render a goal's images ahead of the next GET and clear `queued`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from brickroad.jobs.config import JobSettings
from brickroad.jobs.outbox import register_handler
from brickroad.services import graph_images
from brickroad.services import outbox as kinds
from brickroad.services.context import Context
from brickroad.store import outbox as rows


def render_job(ctx: Context, _js: JobSettings, row: RowMapping, payload: Any) -> None:
    goal_id = (payload or {}).get("goal_id") if isinstance(payload, dict) else None
    goal_id = int(goal_id if goal_id is not None else row["goal_id"])
    if superseded(ctx, goal_id, row["id"]):
        return None  # the newer request draws the newer data and clears `queued`
    graph_images.render_queued_goal(ctx, goal_id)
    return None


def superseded(ctx: Context, goal_id: int, row_id: int) -> bool:
    """Whether the goal changed again after this request: that change queued a render of its own."""
    with ctx.db.read() as conn:
        return rows.newer_pending(conn, kinds.GRAPH, goal_id, row_id)


def install() -> None:
    """Register the handler (idempotent); call from any process that runs outbox workers."""
    register_handler(kinds.GRAPH, render_job)
