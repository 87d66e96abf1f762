"""Readings entered on a goal's first day count over its automatic initial datapoint (issue 16.5)."""

from __future__ import annotations

from typing import Any

import pytest

from brickroad.errors import Invalid
from brickroad.services import datapoints, goals, graph_images, pointcache

DAY = 86400


def _goal(ctx: Any, user: Any, slug: str, goal_type: str, initval: float, **extra: Any) -> None:
    way = -1 if goal_type in ("fatloser", "inboxer") else 1  # the road heads where the goal type wants
    goals.create(ctx, user, {"slug": slug, "goal_type": goal_type, "gunits": "u", "rate": way, "runits": "d",
                             "goalval": initval + 1000 * way, "initval": initval, **extra})


def _enter(ctx: Any, user: Any, slug: str, values: list[float]) -> None:
    for v in values:
        ctx.clock.advance(600)  # later the same morning (the clock starts at 07:00 New York time)
        datapoints.create(ctx, user, slug, {"value": v})


# goal type (and custom aggday), initial value, first-day readings, the day's value from the readings
# alone: each case picked so that counting the initial value as well would give another answer.
CASES = [
    ("biker", {}, 12345, [12400, 12450], 12450),                  # last (odometer)
    ("fatloser", {}, 70, [75, 72], 72),                           # min
    ("gainer", {}, 90, [80, 85], 85),                             # max
    ("inboxer", {}, 50, [60, 55], 55),                            # min
    ("custom", {"aggday": "last"}, 10, [4, 6], 6),
    ("custom", {"aggday": "first"}, 10, [4, 6], 4),
    ("custom", {"aggday": "mean"}, 10, [4, 6], 5),
    ("custom", {"aggday": "max"}, 10, [4, 6], 6),
    ("custom", {"aggday": "count"}, 10, [4, 6], 2),
]


@pytest.mark.parametrize("goal_type,extra,initval,readings,expected", CASES)
def test_first_day_readings_win_over_the_initial_point(ctx, clock, make_user, goal_type, extra, initval,
                                                         readings, expected):
    alice = make_user()
    _goal(ctx, alice.user, "g", goal_type, initval, **extra)
    _enter(ctx, alice.user, "g", readings)
    g = goals.get(ctx, alice.user, "g")
    assert g.stats is not None and g.stats["curval"] == expected
    # The initial point is still one of the goal's points: listed, counted, shown in recent data.
    assert g.stats["numpts"] == len(readings) + 1
    listed = datapoints.listing(ctx, alice.user, "g", sort="timestamp")  # newest first
    assert [p.value for p in listed] == [*reversed(readings), initval] and listed[-1].is_initial
    view = goals.get_view(ctx, alice.user, "g")
    assert [p.value for p in view.recent][-1] == initval
    # The graph reads what the numbers were computed from.
    with ctx.db.read() as conn:
        bb = graph_images.goal_bb(conn, alice.user, g, clock.now())
    assert [row[1] for row in bb["data"]] == readings
    # A later day changes nothing about the first.
    clock.advance(DAY)
    assert goals.get(ctx, alice.user, "g").stats["curval"] == expected  # type: ignore[index]


def test_the_initial_point_alone_still_sets_the_first_day(ctx, clock, make_user):
    alice = make_user()
    _goal(ctx, alice.user, "odo", "biker", 12345)
    assert goals.get(ctx, alice.user, "odo").stats["curval"] == 12345  # type: ignore[index]
    clock.advance(DAY)
    datapoints.create(ctx, alice.user, "odo", {"value": 12500})
    g = goals.get(ctx, alice.user, "odo")
    assert g.stats["curval"] == 12500 and g.stats["numpts"] == 2  # type: ignore[index]
    with ctx.db.read() as conn:
        bb = graph_images.goal_bb(conn, alice.user, g, clock.now())
    assert [row[1] for row in bb["data"]] == [12345, 12500]


@pytest.mark.parametrize("goal_type", ["hustler", "drinker"])
def test_auto_summing_goals_keep_the_initial_value_in_the_total(ctx, clock, make_user, goal_type):
    alice = make_user()
    _goal(ctx, alice.user, "sum", goal_type, 10)
    _enter(ctx, alice.user, "sum", [2, 3])
    g = goals.get(ctx, alice.user, "sum")
    # The total starts from the initial value and adds every reading, the first day's included.
    assert g.stats["curval"] == 15 and g.stats["numpts"] == 3  # type: ignore[index]


def test_initial_point_is_stamped_at_the_first_second_of_the_first_day(ctx, clock, make_user):
    alice = make_user()
    _goal(ctx, alice.user, "late", "biker", 5)
    [initial] = datapoints.listing(ctx, alice.user, "late")
    # 2026-11-23 00:00:00 in New York (EST, UTC-5): a deadline of midnight starts the day there.
    assert (initial.timestamp, initial.daystamp) == (1795410000, "20261123")
    assert initial.timestamp <= clock.now()


def test_first_day_rule_holds_when_the_point_cache_carries_on(ctx, clock, make_user):
    """Big goals append to a cached copy of their points: the rule must give what a cold recompute gives."""
    alice = make_user()
    _goal(ctx, alice.user, "big", "biker", 100)
    _enter(ctx, alice.user, "big", [101, 102])
    clock.advance(DAY)
    start = clock.now()
    batch = [{"value": 200 + k, "timestamp": start + k * 3600} for k in range(250)]
    clock.set(start + 12 * DAY)
    datapoints.create_all(ctx, alice.user, "big", batch)
    for v in (900, 901):
        clock.advance(60)
        datapoints.create(ctx, alice.user, "big", {"value": v})
    warm = goals.get(ctx, alice.user, "big")
    pointcache.CACHE.clear()
    with ctx.db.write() as conn:
        cold = goals.recompute(conn, alice.user, goals.load(conn, alice.user, "big", for_update=True), clock.now())
    assert warm.stats is not None and cold.stats is not None
    for key in ("curval", "numpts", "safebuf", "lane", "delta"):
        assert warm.stats.get(key) == cold.stats.get(key), key
    assert warm.stats["curval"] == 901 and warm.stats["numpts"] == 255


def test_the_rule_survives_a_move_to_another_timezone(ctx, clock, make_user):
    """Westward, the road's start falls on the previous local date: the initial point is found anyway."""
    from brickroad.services import accounts

    alice = make_user()
    _goal(ctx, alice.user, "gain", "gainer", 90)
    _enter(ctx, alice.user, "gain", [80, 85])
    moved = accounts.update_settings(ctx, alice.user, timezone="America/Los_Angeles")
    g = goals.get(ctx, moved, "gain")
    assert g.stats["curval"] == 85 and g.stats["numpts"] == 3  # type: ignore[index]


def test_changing_the_aggday_later_still_leaves_the_initial_point_out(ctx, clock, make_user):
    alice = make_user()
    _goal(ctx, alice.user, "odo", "biker", 12345)
    _enter(ctx, alice.user, "odo", [12400, 12450])
    for aggday, expected in (("first", 12400), ("min", 12400), ("mean", 12425), ("last", 12450)):
        g = goals.update(ctx, alice.user, "odo", {"aggday": aggday}).goal
        assert (g.aggday, g.stats["curval"]) == (aggday, expected)  # type: ignore[index]
    with pytest.raises(Invalid) as refused:
        goals.update(ctx, alice.user, "odo", {"aggday": "loudest"})
    assert "aggday" in refused.value.fields
    assert goals.get(ctx, alice.user, "odo").aggday == "last"
