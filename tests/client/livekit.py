"""Helpers for running the client library against the real test server."""

from __future__ import annotations

from typing import Any

from brickroad.client import Client, Goal


def client_for(server: Any, token: str, **kw: Any) -> Client:
    return Client(server.url, token=token, timeout=30, **kw)


def new_goal(bee: Client, slug: str = "pushups", **fields: Any) -> Goal:
    params: dict[str, Any] = {"rate": 1, "runits": "d", "goalval": 100, "goaldate": None}
    params.update(fields)
    return bee.create_goal(slug, slug.title(), params.pop("goal_type", "hustler"), params.pop("gunits", "reps"), **params)
