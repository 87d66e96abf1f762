"""Issue 16, point 4: one DST rule for deadlines inside a skipped or repeated hour.

The README's rule ("One DST rule"): a goal's day starts at the first instant whose
local wall clock reads the deadline time or later, so a deadline in a skipped hour
turns the day over at the jump, and one in a repeated hour at its first pass.

Story: Fay (Berlin) and Gus (New York) each keep a $5 goal whose deadline falls in
the hour their clocks skip in spring or repeat in autumn (02:30 in Berlin both
times; 02:30 in New York in spring, 01:30 in autumn). Each misses the day that
ends in that hour. The losedate L is the second before the rule's day start; L is
the last second whose entries count for the day it ends and the next second counts
for the next day (checked on entries made every quarter of an hour around it, and
at L-60s, L, L+1s and L+60s); and the missed day derails at L+1, charged.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.scenarios.kit import HOUR, MINUTE, Account, Checks, World, local, wall

# (zone, transition date, deadline in seconds after midnight): the deadline is inside the
# skipped hour (spring) or the repeated hour (autumn) of that night.
CASES = {
    "Berlin spring gap 02:30": ("Europe/Berlin", date(2027, 3, 28), 9000),
    "Berlin autumn overlap 02:30": ("Europe/Berlin", date(2027, 10, 31), 9000),
    "New York spring gap 02:30": ("America/New_York", date(2027, 3, 14), 9000),
    "New York autumn overlap 01:30": ("America/New_York", date(2027, 11, 7), 5400),
}


def _missed_goal(world: World, tz: str, night: date, deadline: int) -> Account:
    """A goal created two days before the transition date: its first derail day ends that night."""
    before = night - timedelta(days=2)
    world.set_clock(local(tz, before.year, before.month, before.day, 12))
    fay = world.account(tz, "dst")
    # New goals take the user's default deadline (so no goal deadline change is involved).
    world.ok("PUT", fay, ".json", default_deadline=deadline)
    for slug in ("habit", "probe"):
        world.create_goal(fay, slug, goal_type="hustler", gunits="x", rate=1, runits="d", goalval=1000)
    world.ok("POST", fay, "/goals/habit/shortcircuit.json")  # $0 -> $5
    world.subscribe(fay, "/dst")
    return fay


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_losedate_is_the_last_second_of_the_day_and_the_missed_day_is_charged(world: World, case: str) -> None:
    tz, night, deadline = CASES[case]
    fay = _missed_goal(world, tz, night, deadline)
    losedate = world.goal(fay, "habit")["losedate"]
    c = Checks()
    when = f"{case}, losedate {wall(losedate, tz)}"
    rule = _day_start(tz, night, deadline) - 1
    c.same(when, "losedate by the README's DST rule", wall(losedate, tz), wall(rule, tz))
    world.advance_to(losedate + 1)
    derailed = [d for d in world.events("/dst", "goal.derailed") if d["data"]["goal"] == "habit"]
    c.same(when, "derailments at L+1",
           [(d["created_at"], d["data"]["losedate"], d["data"]["charged"]) for d in derailed],
           [(losedate + 1, losedate, 5.0)])
    world.advance_to(losedate + 4 * HOUR)  # entries are made after the fact, as late reports are
    _entries_land_on_the_right_side(world, fay, losedate, tz, c, when)
    c.done("a deadline inside a DST transition")


def _day_start(tz: str, night: date, deadline: int) -> int:
    """The first instant of `night` whose wall clock reads `deadline` seconds after midnight or later
    (transitions fall on whole minutes, so walking minutes from midnight finds it)."""
    t = local(tz, night.year, night.month, night.day)
    while True:
        w = datetime.fromtimestamp(t, ZoneInfo(tz))
        if w.date() == night and w.hour * HOUR + w.minute * MINUTE >= deadline:
            return t
        t += MINUTE


def _entries_land_on_the_right_side(world: World, fay: Account, losedate: int, tz: str, c: Checks,
                                    when: str) -> None:
    def day_of(ts: int) -> str:
        return str(world.add(fay, "probe", 1, timestamp=ts)["daystamp"])

    ending, next_day = day_of(losedate - 2 * HOUR), day_of(losedate + 3 * HOUR)
    c.true(when, ending != next_day, f"L-2h and L+3h both landed on {ending}")
    around = range(losedate - 90 * MINUTE, losedate + 91 * MINUTE, 15 * MINUTE)
    probes = sorted({losedate - MINUTE, losedate, losedate + 1, losedate + MINUTE, *around})
    for ts in probes:
        expected = ending if ts <= losedate else next_day
        c.same(when, f"day of an entry at {wall(ts, tz)} (L{ts - losedate:+d}s)", day_of(ts), expected)
