"""Issue 16, point 5: readings on a goal's first day count over its initial datapoint.

Story: Hal starts an odometer goal at 12345 km and rides the same day; his bike
computer says 12400 at lunch and 12450 in the evening. Whatever the goal's daily
aggregation, the day's value is made of his readings, not of the start value the
goal was created with: `curval` says so on the first day and the day after.
"""

from __future__ import annotations

import statistics

import pytest

from tests.scenarios.kit import DAY, HOUR, Checks, World

READINGS = [12400.0, 12450.0]
# What each aggregation makes of the day's readings (Beebrain's aggday meanings).
EXPECTED = {
    "last": READINGS[-1],
    "first": READINGS[0],
    "min": min(READINGS),
    "max": max(READINGS),
    "mean": statistics.mean(READINGS),
}


@pytest.mark.parametrize("aggday", sorted(EXPECTED))
def test_first_day_readings_make_the_days_value(world: World, aggday: str) -> None:
    hal = world.account(prefix="hal")
    world.create_goal(hal, "bike", goal_type="biker", gunits="km", rate=20, runits="d", goalval=20000,
                      initval=12345)
    if aggday != "last":  # the odometer default
        world.ok("PUT", hal, "/goals/bike.json", aggday=aggday)
    world.advance(4 * HOUR)
    world.add(hal, "bike", READINGS[0], comment="lunch")
    world.advance(6 * HOUR)
    world.add(hal, "bike", READINGS[1], comment="evening")
    c = Checks()
    for when, at in (("first day, evening", world.now), ("next day", world.now + DAY)):
        world.advance_to(at)
        g = world.goal(hal, "bike")
        c.same(f"{when}, aggday {aggday}", "curval", g.get("curval"), EXPECTED[aggday])
    c.done("an odometer's first day")
