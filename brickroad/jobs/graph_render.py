"""The outbox's "graph" kind: render a goal's images ahead of the next GET and clear `queued`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from brickroad.jobs.config import JobSettings
from brickroad.jobs.outbox import register_handler
from brickroad.services import graph_images
from brickroad.services import outbox as kinds
from brickroad.services.context import Context


def render_job(ctx: Context, _js: JobSettings, row: RowMapping, payload: Any) -> None:
    goal_id = (payload or {}).get("goal_id") if isinstance(payload, dict) else None
    graph_images.render_queued_goal(ctx, int(goal_id if goal_id is not None else row["goal_id"]))
    return None


def install() -> None:
    """Register the handler (idempotent); call from any process that runs outbox workers."""
    register_handler(kinds.GRAPH, render_job)
