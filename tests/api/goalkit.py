"""Helpers for goal/datapoint API tests: build data through HTTP the way clients do."""

from __future__ import annotations

from typing import Any

import httpx

# 2026-11-23 in America/New_York (EST, UTC-5): the conftest START is 07:00 local.
NY_MIDNIGHT_1123 = 1795410000  # 2026-11-23 00:00 EST
NY_NOON_1123 = 1795453200  # 2026-11-23 12:00 EST
NY_END_1123 = 1795496399  # 2026-11-23 23:59:59 EST
DAY = 86400
NOT_FOUND = {"error": "The requested resource was not found."}


def create_goal(http: httpx.Client, token: str, slug: str = "pushups", **params: Any) -> dict[str, Any]:
    body = {"auth_token": token, "slug": slug, "title": slug.title(), "goal_type": "hustler",
            "gunits": "reps", "rate": 1, "runits": "d", "goalval": 100}
    body.update(params)
    body = {k: v for k, v in body.items() if v is not None}
    r = http.post("/api/v1/users/me/goals.json", data=body)
    assert r.status_code == 200, r.text
    return r.json()


def add_point(http: httpx.Client, token: str, slug: str, **params: Any) -> dict[str, Any]:
    r = http.post(f"/api/v1/users/me/goals/{slug}/datapoints.json", data={"auth_token": token, **params})
    assert r.status_code == 200, r.text
    return r.json()


def get_goal(http: httpx.Client, token: str, slug: str, **params: Any) -> dict[str, Any]:
    r = http.get(f"/api/v1/users/me/goals/{slug}.json", params={"auth_token": token, **params})
    assert r.status_code == 200, r.text
    return r.json()
