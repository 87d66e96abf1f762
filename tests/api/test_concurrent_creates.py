"""Concurrent datapoint creates on one goal share a transaction (group commit); each answers for itself."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from typing import Any

import httpx
import psycopg

from tests.api.goalkit import create_goal, get_goal


def _post_all(base_url: str, slug: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(bodies))
        async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
            url = f"/api/v1/users/me/goals/{slug}/datapoints.json"
            return list(await asyncio.gather(*(client.post(url, data=b) for b in bodies)))

    return asyncio.run(run())


def test_a_burst_of_creates_each_gets_its_own_answer(server, http, alice, make_user):
    create_goal(http, alice.token, "burst")
    bob = make_user()
    bodies: list[dict[str, Any]] = []
    for i in range(48):
        body: dict[str, Any] = {"auth_token": alice.token, "value": i, "comment": f"c{i}"}
        if i % 8 == 3:
            body["value"] = "lots"  # invalid: 422 for this one only
        if i % 8 == 5:
            body["requestid"] = "same"  # one point, the other requests answer with it
        if i == 7:
            body["auth_token"] = bob.token  # bob has no such goal: 404 for him alone
        bodies.append(body)
    replies = _post_all(server.url, "burst", bodies)

    created: dict[str, int] = {}
    for i, (body, r) in enumerate(zip(bodies, replies)):
        if i % 8 == 3:
            assert r.status_code == 422 and r.json() == {"errors": {"value": ["is not a number"]}}
        elif i == 7:
            assert r.status_code == 404
        else:
            assert r.status_code == 200, r.text
            p = r.json()
            assert p["comment"] == (body["comment"] if i % 8 != 5 else p["comment"])
            if i % 8 != 5:
                assert (p["value"], p["status"]) == (i, "created")
            created[p["id"]] = created.get(p["id"], 0) + 1
    same = [r.json() for i, r in enumerate(replies) if i % 8 == 5]
    assert len({p["id"] for p in same}) == 1  # one point for the shared requestid...
    assert sorted(p["status"] for p in same) == ["created"] + ["updated"] * 5  # ...the others update it

    listed = http.get("/api/v1/users/me/goals/burst/datapoints.json",
                      params={"auth_token": alice.token, "count": 100}).json()
    mine = [p for p in listed if not p["is_initial"]]
    assert sorted(p["id"] for p in mine) == sorted(created)
    goal = get_goal(http, alice.token, "burst")
    shared = next(p for p in mine if p["requestid"] == "same")
    assert shared["value"] in [i for i in range(48) if i % 8 == 5]
    expected = sum(i for i in range(48) if i % 8 not in (3, 5) and i != 7) + shared["value"]
    assert goal["curval"] == expected  # the goal was recomputed with every point
    assert goal["numpts"] == len(listed)


def test_creates_on_different_goals_and_users_stay_apart(server, http, alice, make_user):
    bob = make_user()
    for who in (alice, bob):
        for slug in ("one", "two"):
            create_goal(http, who.token, slug)
    bodies = [{"auth_token": who.token, "value": 1, "comment": f"{who.username}"}
              for who in (alice, bob) for _ in range(10)]
    for slug in ("one", "two"):
        replies = _post_all(server.url, slug, bodies)
        assert all(r.status_code == 200 for r in replies)
    for who in (alice, bob):
        for slug in ("one", "two"):
            listed = http.get(f"/api/v1/users/me/goals/{slug}/datapoints.json",
                              params={"auth_token": who.token}).json()
            mine = [p for p in listed if not p["is_initial"]]
            assert len(mine) == 10 and {p["comment"] for p in mine} == {who.username}
            assert get_goal(http, who.token, slug)["curval"] == 10


def test_a_burst_is_authenticated_and_counted_per_request(server, http, ctx, alice, make_user):
    """Batched requests still each pass the token check and each count towards the daily quota."""
    from brickroad.services import quotas

    create_goal(http, alice.token, "counted")
    quotas.for_context(ctx).set_limits(alice.user, 12, None)  # the goal create above used one
    bodies = [{"auth_token": alice.token, "value": 1} for _ in range(20)]
    bodies += [{"auth_token": "not-a-token", "value": 1} for _ in range(3)]
    replies = _post_all(server.url, "counted", bodies)
    good = [r for r in replies[:20] if r.status_code == 200]
    refused = [r for r in replies[:20] if r.status_code == 429]
    assert (len(good), len(refused)) == (11, 9)
    assert all("Retry-After" in r.headers for r in refused)
    assert min(int(r.headers["X-RateLimit-Remaining"]) for r in good) == 0
    meter = quotas.for_context(ctx)
    meter.counters.flush()
    assert meter.today(alice.user).requests == 12  # the create, then each accepted request once
    assert [r.status_code for r in replies[20:]] == [401] * 3
    assert all(r.json()["errors"]["auth_token"] == "bad_token" for r in replies[20:])
    listed = http.get("/api/v1/users/me/goals/counted/datapoints.json", params={"auth_token": alice.token})
    assert listed.status_code == 429  # the day's allowance is used up...
    quotas.for_context(ctx).set_limits(alice.user, 1000, None)
    listed = http.get("/api/v1/users/me/goals/counted/datapoints.json", params={"auth_token": alice.token})
    assert len([p for p in listed.json() if not p["is_initial"]]) == 11  # ...and only the accepted ones wrote


def test_a_create_waiting_for_another_writer_does_not_stall_the_server(http, alice, ctx):
    """Creates run on the event loop only when they can write at once (SQLite); one that must wait
    for another process's write goes to a worker thread, and the server keeps answering meanwhile."""
    create_goal(http, alice.token, "waiting")
    if ctx.db.dialect == "sqlite":
        other = sqlite3.connect(ctx.db.url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
    else:
        other = psycopg.connect(ctx.db.url.replace("postgresql+psycopg", "postgresql"), autocommit=False)
        other.execute("SELECT 1 FROM goals WHERE slug = 'waiting' FOR UPDATE")  # and holds the goal's row
    created: list[httpx.Response] = []
    url = f"{http.base_url}/api/v1/users/me/goals/waiting/datapoints.json"
    poster = threading.Thread(target=lambda: created.append(httpx.post(url, data={"auth_token": alice.token, "value": 4})))
    try:
        poster.start()
        time.sleep(0.2)  # the create is now waiting for the lock
        assert get_goal(http, alice.token, "waiting")["slug"] == "waiting"  # answered meanwhile
        assert poster.is_alive() and not created
    finally:
        other.rollback()
        other.close()
    poster.join(10)
    assert created[0].status_code == 200 and created[0].json()["value"] == 4
    assert get_goal(http, alice.token, "waiting")["curval"] == 4
