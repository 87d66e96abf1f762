"""Issue 16, point 2: every road ends, however it was given.

Story: Ben wants to read 10 chapters, one a day, and says so as "goal value 10 at
rate 1/day" (no date). He reads a chapter every evening. While the road runs the
goal has a real derail date (not 2099); the day the road ends he
has won: `won` is true, a `goal.won` event reaches his webhook, and the sweeper
has nothing more to do for it. Cathy says the same with a goal date (the case that
works today) and Dan draws his road with `roadall`; all three end the same way.
"""

from __future__ import annotations

import pytest

from tests.scenarios.kit import BDUSK, DAY, Account, Checks, World, local, wall

TZ = "America/New_York"
DAYS = 10
# Each way of giving the same finite road: 10 chapters from 0 at 1 a day.
ROADS = {
    "goalval-rate": lambda start: dict(goalval=DAYS, rate=1),
    "goaldate-goalval": lambda start: dict(goalval=DAYS, goaldate=start + DAYS * DAY),
}


@pytest.mark.parametrize("given", sorted(ROADS))
def test_a_finite_road_is_won_at_its_end(world: World, given: str) -> None:
    ben = world.account(TZ, "ben")
    start = local(TZ, 2026, 11, 23, 23, 59, 59)  # the initial datapoint's day ends here
    world.create_goal(ben, "read", goal_type="hustler", gunits="chapters", runits="d", **ROADS[given](start))
    world.subscribe(ben, "/ben")
    _read_daily_until_the_end(world, ben, start)


def test_a_road_drawn_with_roadall_is_won_at_its_end(world: World) -> None:
    dan = world.account(TZ, "dan")
    start = local(TZ, 2026, 11, 23, 23, 59, 59)
    world.create_goal(dan, "read", goal_type="hustler", gunits="chapters", runits="d", goalval=1000, rate=1)
    # roadall: [t, value, rate] rows; the last row ends the road at start + 10 days, at value 10.
    road = f"[[{local(TZ, 2026, 11, 23)}, 0, null], [{start + DAYS * DAY}, {DAYS}, null]]"
    world.ok("PUT", dan, "/goals/read.json", roadall=road)
    world.subscribe(dan, "/dan")
    _read_daily_until_the_end(world, dan, start, "/dan")


def _read_daily_until_the_end(world: World, who: Account, start: int, hook: str = "/ben") -> None:
    c = Checks()
    for k in range(DAYS + 2):
        world.advance_to(local(TZ, 2026, 11, 23, 20) + k * DAY)
        when = f"day {k} ({wall(world.now, TZ)})"
        g = world.goal(who, "read")
        if k < DAYS:
            c.true(when, g["won"] is False, "won before the road ended")
            c.true(when, isinstance(g["losedate"], int) and g["losedate"] < BDUSK,
                   f"losedate {g['losedate']!r}: a road that ends in {DAYS - k} days has a real derail date")
            world.add(who, "read", 1, comment=f"chapter {k + 1}")
    world.advance_to(start + (DAYS + 2) * DAY)
    g = world.goal(who, "read")
    when = f"after the end ({wall(world.now, TZ)})"
    c.same(when, "won", g["won"], True)
    won = world.events(hook, "goal.won")
    c.same(when, "goal.won events", len(won), 1)
    for e in won:  # README "Roads end": the event carries the end moment as goaldate
        c.true(when, e["data"].get("goaldate") is not None and e["created_at"] >= e["data"]["goaldate"],
               f"goal.won at {wall(e['created_at'], TZ)} names the end {e['data'].get('goaldate')!r}")
    c.same(when, "derailments", world.events(hook, "goal.derailed"), [])
    c.done("a finite road followed to its end")
