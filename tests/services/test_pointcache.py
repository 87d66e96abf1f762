"""The per-process cache of goals' engine input: a write appends to it, and it is never trusted blindly.

Every check compares against what a full refetch from the database gives, on both backends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brickroad.clock import ManualClock
from brickroad.road.aggregate import aggregate
from brickroad.services import accounts, days, pointcache
from brickroad.services import datapoints as point_service
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store import goals as goal_rows

DAY = 86400


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[pointcache.PointCache]:
    """A fresh cache for this test that also takes small goals."""
    fresh = pointcache.PointCache(min_points=0)
    monkeypatch.setattr(pointcache, "CACHE", fresh)
    yield fresh


def _user_and_goal(ctx: Context, clock: ManualClock, n: int = 30) -> tuple[User, str]:
    user = accounts.create_user(ctx, f"pc{clock.now() % 100000}_{np.random.randint(1 << 30)}")
    now = clock.now()
    goal_service.create(ctx, user, {"slug": "g", "goal_type": "hustler", "gunits": "x", "rate": 1, "runits": "d",
                                    "goaldate": now + 365 * DAY})
    points = [{"value": i % 3, "timestamp": now - i * 7000, "comment": f"c{i}"} for i in range(n)]
    point_service.create_all(ctx, user, "g", points)
    return user, "g"


def _assert_same(a: pointcache.GoalPoints, b: pointcache.GoalPoints) -> None:
    assert a.ids.tolist() == b.ids.tolist()
    assert a.ts.tolist() == b.ts.tolist()
    assert a.daystamps == b.daystamps and a.values == b.values and a.comments == b.comments
    assert a.t.tolist() == b.t.tolist() and a.v.tolist() == b.v.tolist()
    assert a.tare == b.tare


def _check(ctx: Context, user: User, slug: str, cache: pointcache.PointCache) -> dict[str, Any]:
    """The cached entry equals a refetch, and the stored stats equal a recompute from scratch."""
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, user, slug)
        stored = dict(goal.stats or {})
        entry = cache.peek(goal.id)
        assert entry is not None
        assert entry[0] == goal_rows.points_rev(conn, goal.id)
        _assert_same(entry[1], pointcache.fetch(conn, goal.id))
        fresh = goal_service.recompute(conn, user, goal, ctx.clock.now())  # added=None: full refetch
        conn.rollback()
    stored.pop("lasttouch", None)
    again = dict(fresh.stats or {})
    again.pop("lasttouch", None)
    assert stored == again
    return stored


def test_creates_append_to_the_cache_and_match_a_full_recompute(
    ctx: Context, clock: ManualClock, cache: pointcache.PointCache
) -> None:
    user, slug = _user_and_goal(ctx, clock)
    hits = cache.hits
    for k in range(4):
        clock.advance(600)
        point_service.create(ctx, user, slug, {"value": 2, "comment": f"new{k}"})
    assert cache.hits - hits == 4
    stats = _check(ctx, user, slug, cache)
    assert stats["numpts"] == 1 + 30 + 4


def test_backdated_and_same_second_points_land_in_engine_order(
    ctx: Context, clock: ManualClock, cache: pointcache.PointCache
) -> None:
    user, slug = _user_and_goal(ctx, clock)
    now = clock.now()
    point_service.create(ctx, user, slug, {"value": 5, "timestamp": now - 3 * 7000})  # ties an existing point
    point_service.create(ctx, user, slug, {"value": 6, "timestamp": now - 10 * DAY + 1})
    point_service.create(ctx, user, slug, {"value": 7, "daystamp": "20261101"})
    point_service.create_all(ctx, user, slug, [{"value": 1, "timestamp": now - 5000}, {"value": 2, "timestamp": now - 5000}])
    _check(ctx, user, slug, cache)


def test_a_point_written_by_another_process_is_seen(
    ctx: Context, clock: ManualClock, cache: pointcache.PointCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, slug = _user_and_goal(ctx, clock)
    point_service.create(ctx, user, slug, {"value": 1})  # our process has the goal cached
    # "Another process": its own cache, and its own connections to the same database.
    from brickroad.store.db import Database

    other = Context(db=Database(ctx.db.url), settings=ctx.settings, clock=ctx.clock)
    try:
        monkeypatch.setattr(pointcache, "CACHE", pointcache.PointCache(min_points=0))
        point_service.create(other, user, slug, {"value": 100, "comment": "elsewhere"})
    finally:
        other.db.dispose()
        monkeypatch.setattr(pointcache, "CACHE", cache)
    misses = cache.misses
    point_service.create(ctx, user, slug, {"value": 1})
    assert cache.misses == misses + 1  # our entry's rev was stale: refetched
    stats = _check(ctx, user, slug, cache)
    assert stats["numpts"] == 1 + 30 + 3


def test_a_rolled_back_write_does_not_poison_the_cache(
    ctx: Context, clock: ManualClock, cache: pointcache.PointCache
) -> None:
    user, slug = _user_and_goal(ctx, clock)
    point_service.create(ctx, user, slug, {"value": 1})
    with pytest.raises(RuntimeError):
        with ctx.db.write():
            point_service.create(ctx, user, slug, {"value": 1000, "comment": "rolled back"})
            raise RuntimeError("boom")
    point_service.create(ctx, user, slug, {"value": 1})
    stats = _check(ctx, user, slug, cache)
    assert stats["numpts"] == 1 + 30 + 2
    with ctx.db.read() as conn:
        goal = goal_service.load(conn, user, slug)
        assert "rolled back" not in pointcache.fetch(conn, goal.id).comments


def test_updates_deletes_and_requestid_upserts_refetch(
    ctx: Context, clock: ManualClock, cache: pointcache.PointCache
) -> None:
    user, slug = _user_and_goal(ctx, clock)
    p = point_service.create(ctx, user, slug, {"value": 1, "requestid": "r1"})
    point_service.create(ctx, user, slug, {"value": 9, "requestid": "r1"})  # upsert: an update
    _check(ctx, user, slug, cache)
    from brickroad.store.ids import public_id

    point_service.update(ctx, user, slug, public_id(p.id), {"value": 4, "timestamp": clock.now() - 20 * DAY})
    _check(ctx, user, slug, cache)
    point_service.delete(ctx, user, slug, public_id(p.id))
    stats = _check(ctx, user, slug, cache)
    assert stats["numpts"] == 1 + 30


@pytest.mark.parametrize("n", [30, 4 * pointcache.FEW])  # inserted one by one, and merged
def test_add_orders_like_the_database(n: int) -> None:
    rows = [(i, 1000 + (i // 3) * 10, "20260101", float(i), f"c{i}") for i in range(1, n + 1)]
    points = pointcache.GoalPoints.from_rows(rows[::2])
    points.add(rows[1::2][::-1])
    _assert_same(points, pointcache.GoalPoints.from_rows(rows))
    points.add([])
    _assert_same(points, pointcache.GoalPoints.from_rows(rows))
    assert not points.tare
    points.add([(n + 1, 5000, "20260102", 1.0, "reset #TARE")])
    assert points.tare and len(points) == n + 1


def test_add_puts_a_block_in_one_place() -> None:
    """The usual burst: new points all land together, before a later point (a day-end one) or at the end."""
    rows = [(i, 1000 + i * 10, "20260101", float(i), f"c{i}") for i in range(1, 41)]
    later = [(99, 10**9, "20260131", 0.0, "day end")]
    points = pointcache.GoalPoints.from_rows(rows[:30] + later)
    points.add(rows[30:][::-1])
    _assert_same(points, pointcache.GoalPoints.from_rows(rows + later))
    points.add([(100, 10**9 + 5, "20260131", 1.0, "after"), (101, 10**9 + 6, "20260131", 2.0, "after")])
    assert points.comments[-2:] == ["after", "after"] and points.v[-2:].tolist() == [1.0, 2.0]


def test_day_starts_agree_for_few_and_many() -> None:
    stamps = ["19700101", "20000229", "20261126", "20991231", "20240301", "20230228", "19991231", "20010101"] * 5
    many = pointcache.day_starts(stamps).tolist()  # more than the scalar path takes
    assert many == [pointcache.day_starts([s])[0] for s in stamps]
    assert many[:3] == [0.0, 951782400.0, 1795651200.0]


def test_cache_is_bounded_by_points() -> None:
    c = pointcache.PointCache(max_points=50, min_points=5)
    pts = pointcache.GoalPoints.from_rows([(i, i, "20260101", 1.0, "") for i in range(1, 21)])
    for gid in range(1, 5):
        c.put(gid, gid, pts)
    assert c.peek(1) is None and c.peek(2) is None and c.peek(4) is not None
    c.put(9, 9, pointcache.GoalPoints.from_rows([(1, 1, "20260101", 1.0, "")]))
    assert c.peek(9) is None  # too small to be worth keeping
    assert c.take(4, 3) is None and c.peek(4) is None  # wrong rev: dropped
    assert c.take(3, 3) is not None and c.peek(3) is None  # taken out while in use


def test_arrays_handed_out_keep_their_values() -> None:
    """Appends write past the engine's views, and an insert between points builds new arrays."""
    rows = [(i, 1000 + i * 10, "20260101", float(i), f"c{i}") for i in range(1, 31)]
    points = pointcache.GoalPoints.from_rows(rows)
    cols = points.columns()
    t, v = cols.t.copy(), cols.v.copy()
    assert cols.vetted and not cols.t.flags.writeable
    points.add([(31, 5000, "20260102", 7.0, "after")])  # in place
    points.add([(32, 1005, "20260101", 8.0, "between")])  # new columns
    assert cols.t.tolist() == t.tolist() and cols.v.tolist() == v.tolist()
    _assert_same(points, pointcache.GoalPoints.from_rows(sorted([*rows, (31, 5000, "20260102", 7.0, "after"),
                                                                 (32, 1005, "20260101", 8.0, "between")],
                                                                key=lambda r: (r[1], r[0]))))


def test_what_the_columns_vouch_for_follows_the_points() -> None:
    rows = [(i, 1000 + i * 10, "20260105", 1.0, "") for i in range(1, 11)]
    points = pointcache.GoalPoints.from_rows(rows)
    points.aggregated = aggregate(points.t, points.v, "sum", False)  # as the engine would leave it
    points.add([(11, 9000, "20260104", 1.0, "")])  # a later timestamp on an earlier day (a timezone change)
    assert not points.columns().vetted and points.columns().prior is None
    assert not pointcache.GoalPoints.from_rows(_rows_of(points)).ascending
    sane = pointcache.GoalPoints.from_rows(rows)
    sane.add([(12, 9000, "20260106", float("inf"), "")])
    assert not sane.columns().vetted


def _rows_of(points: pointcache.GoalPoints) -> list[tuple[int, int, str, float, str]]:
    return list(zip(points.ids.tolist(), points.ts.tolist(), points.daystamps, points.values, points.comments))


def test_the_engines_aggregation_is_kept_only_while_points_go_after_it(
    ctx: Context, clock: ManualClock, cache: pointcache.PointCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    from brickroad.road import aggregate as aggregate_module

    carried: list[int] = []
    extend = aggregate_module._extend
    monkeypatch.setattr(aggregate_module, "_extend", lambda prior, *a: carried.append(1) or extend(prior, *a))
    user, slug = _user_and_goal(ctx, clock)
    point_service.create(ctx, user, slug, {"value": 1})
    before = len(carried)
    with ctx.db.read() as conn:
        goal_id = goal_service.load(conn, user, slug).id
    kept = cache.peek(goal_id)[1].aggregated  # type: ignore[index]
    assert kept is not None
    clock.advance(2 * DAY)
    point_service.create(ctx, user, slug, {"value": 2})
    entry = cache.peek(goal_id)[1]  # type: ignore[index]
    assert entry.aggregated is not None and entry.aggregated is not kept and len(carried) == before + 1
    _check(ctx, user, slug, cache)
    point_service.create(ctx, user, slug, {"value": 3, "timestamp": clock.now() - 20 * DAY})  # among the others
    _check(ctx, user, slug, cache)


_OPS = st.lists(st.tuples(
    st.sampled_from(["now", "burst", "backdated", "daystamp", "same_second", "tare"]),
    st.integers(0, 3 * DAY),  # clock step before the write
    st.integers(-3, 7),  # a value
), min_size=1, max_size=8)
_GOALS = [
    {"goal_type": "hustler"},  # kyoom sums
    {"goal_type": "biker"},  # odometer: last value, #TARE resets allowed
    {"goal_type": "custom", "yaw": 1, "dir": 1, "aggday": "mean", "kyoom": True},
    {"goal_type": "custom", "yaw": -1, "dir": 1, "aggday": "max"},
]


@given(ops=_OPS, kind=st.sampled_from(range(len(_GOALS))))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_sequence_of_writes_leaves_what_a_full_recompute_gives(
    ctx: Context, clock: ManualClock, cache: pointcache.PointCache, ops: list[tuple[str, int, int]], kind: int
) -> None:
    """Appends, bursts, backdated and day-end points, ties in one second, odometer resets: the
    incremental recompute (cached columns, carried-on aggregation) matches one from scratch."""
    user = accounts.create_user(ctx, f"seq{uuid.uuid4().hex[:12]}")
    now = clock.now()
    goal_service.create(ctx, user, {"slug": "g", "gunits": "x", "rate": 1, "runits": "d",
                                    "goaldate": now + 365 * DAY, **_GOALS[kind]})
    point_service.create_all(ctx, user, "g", [{"value": i % 4, "timestamp": now - i * 20000} for i in range(12)])
    for op, step, value in ops:
        clock.advance(step)
        t = clock.now()
        if op == "now":
            point_service.create(ctx, user, "g", {"value": value})
        elif op == "burst":  # concurrent creates, as the API coalesces them
            point_service.create_each(ctx, user, "g", [{"value": value}, {"value": value + 1, "comment": "b"}])
        elif op == "backdated":
            point_service.create(ctx, user, "g", {"value": value, "timestamp": t - (step % 5 + 1) * DAY})
        elif op == "daystamp":  # timestamped at the day's end: later points of the day go before it
            point_service.create(ctx, user, "g", {"value": value, "daystamp": days.daystamp_of(t, user.timezone, 0)})
        elif op == "same_second":
            point_service.create_each(ctx, user, "g", [{"value": value, "timestamp": t - 7}] * 2)
        else:
            point_service.create(ctx, user, "g", {"value": value + 10, "comment": "new odometer #TARE"})
    _check(ctx, user, "g", cache)
