"""Issue 16, point 8: changing the user's timezone or defaults changes the goals they govern.

Story: Kim moves from New York to Tokyo and updates her timezone. At once her
goal's day ends at midnight Tokyo time: the losedate GET shows, the days of
safety counted from it and the derailment itself. Lou keeps his goals on the
account defaults (`use_defaults: true`) and later asks for reminders at 08:00 and
a day ahead: his goal shows the new settings and the reminders come then.
"""

from __future__ import annotations

from datetime import timedelta

from tests.scenarios.kit import DAY, HOUR, Checks, World, check_consistent, local_date, wall


def test_a_new_timezone_moves_the_goals_day_at_once(world: World) -> None:
    kim = world.account("America/New_York", "kim")
    world.create_goal(kim, "japanese", goal_type="hustler", gunits="kanji", rate=1, runits="d", goalval=1000)
    world.add(kim, "japanese", 3)
    world.subscribe(kim, "/kim")
    world.advance(2 * HOUR)
    world.ok("PUT", kim, ".json", timezone="Asia/Tokyo")
    kim.tz = "Asia/Tokyo"
    c = Checks()
    seen = world.sees(kim, "japanese")
    losedate = seen.goal["losedate"]
    when = f"just after moving to Tokyo ({wall(world.now, kim.tz)})"
    c.same(when, "losedate's wall-clock time in Tokyo", wall(losedate, kim.tz)[-12:], "23:59:59 JST")
    check_consistent(c, when, seen, kim.tz)
    world.advance_to(losedate + DAY)  # a day past what GET said, whichever losedate was right
    derailed = world.events("/kim", "goal.derailed")
    c.same(f"by {wall(world.now, kim.tz)}", "derailments, each at a Tokyo midnight",
           [wall(d["created_at"], kim.tz)[-12:] for d in derailed], ["00:00:00 JST"])
    c.done("a timezone change")


def test_goals_on_defaults_follow_later_changes_of_the_defaults(world: World) -> None:
    lou = world.account("America/New_York", "lou")
    world.create_goal(lou, "steps", goal_type="hustler", gunits="k", rate=1, runits="d", goalval=1000)
    world.add(lou, "steps", 2)
    world.ok("PUT", lou, ".json", default_alertstart=8 * HOUR, default_leadtime=1)
    c = Checks()
    g = world.goal(lou, "steps")
    c.same("after changing the defaults", "use_defaults", g.get("use_defaults"), True)
    c.same("after changing the defaults", "alertstart", g.get("alertstart"), 8 * HOUR)
    c.same("after changing the defaults", "leadtime", g.get("leadtime"), 1)
    losedate = g["losedate"]
    world.advance_to(losedate)
    derail_day = local_date(losedate, lou.tz)
    expected = [f"{derail_day - timedelta(days=k)} 08:00" for k in (1, 0)]  # leadtime 1: the day before too
    got = [wall(m.at, lou.tz)[4:20] for m in world.mails(lou, "steps")]
    c.same("reminder mails up to the derail moment", "sent at", got, expected)
    c.done("defaults followed")
