"""Issue 16, point 3: nothing done after the fact rescues a missed day.

Story: Eve has a $5 goal due at midnight (New York) and has entered nothing for
the day it is due on. At 22:30 she moves the deadline: to 22:00 (already past,
`deadline=-7200`), or to 06:00 the next morning (`deadline=21600`), or she makes
the road easier. Whatever she does, the derailment due at midnight happens at
midnight, exactly once, and charges her $5; making things easier only counts
after the akrasia horizon.
"""

from __future__ import annotations

import pytest

from tests.scenarios.kit import Account, Checks, World, wall

TZ = "America/New_York"
SLUG = "essay"
CHANGES = {
    "deadline moved to 22:00 (already past)": dict(deadline=-7200),
    "deadline moved to 06:00 next morning": dict(deadline=21600),
    "road made flat at once (rate 0)": dict(rate=0),
}


def _due_tonight(world: World) -> tuple[Account, int]:
    eve = world.account(TZ, "eve")
    world.create_goal(eve, SLUG, goal_type="hustler", gunits="words", rate=1, runits="d", goalval=1000)
    world.ok("POST", eve, f"/goals/{SLUG}/shortcircuit.json")  # $0 -> $5
    world.subscribe(eve, "/eve")
    losedate = world.goal(eve, SLUG)["losedate"]
    return eve, losedate


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_late_change_does_not_erase_the_derailment_due_at_midnight(world: World, change: str) -> None:
    eve, losedate = _due_tonight(world)
    assert wall(losedate, TZ).endswith("23:59:59 EST"), f"a fresh goal is due at midnight, not {wall(losedate, TZ)}"
    world.advance_to(losedate + 1 - 90 * 60)  # 22:30 on the derail day
    r = world.call("PUT", eve, f"/goals/{SLUG}.json", **CHANGES[change])
    world.advance_to(losedate + 8 * 3600)  # the next morning, past any new deadline
    c = Checks()
    when = f"{change} at {wall(losedate + 1 - 90 * 60, TZ)} (answered {r.status_code})"
    derailed = world.events("/eve", "goal.derailed")
    c.same(when, "derailments by the next morning", len(derailed), 1)
    for d in derailed:
        c.same(when, "derailment moment", wall(d["created_at"], TZ), wall(losedate + 1, TZ))
        c.same(when, "derailment's losedate", d["data"]["losedate"], losedate)
        c.same(when, "charged", d["data"]["charged"], 5.0)
    c.same(when, "pledge the next morning", world.goal(eve, SLUG)["pledge"], 10.0)
    c.done("a late change on a day that is due")
