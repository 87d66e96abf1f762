"""Issue 16, point 1: the numbers are those of today, with no write at all.

Story: Ana sets up a pushups goal (1 a day), does 10 on the first morning and then
leaves the app alone. She opens it every day at noon. Each day her buffer is one
day shorter: API v1 and v2, the dashboard, the goal page and her urgency load
say so.
On the derail day the 09:30 reminder (webhook and mail) tells her what a GET says
at that very second, and the goal derails at the second after its losedate.
A twin goal, created at the same second with the same data and touched by a
write every day, is the oracle for the fields whose wording we don't model:
with no write, Ana's goal must read exactly like the freshly written twin.
"""

from __future__ import annotations

from tests.scenarios.kit import DAY, Account, Checks, World, check_consistent, check_reminders, local, wall

TZ = "America/New_York"
SLUG = "pushups"
# Fields that depend on the day, not only on the data (issue 16 point 1's list).
TODAY_FIELDS = ("safebuf", "limsum", "headsum", "lane", "delta", "dueby", "baremin", "baremintotal",
                "urgencykey", "roadstatuscolor", "colorkey", "losedate", "safesum", "limsumdate", "limsumdays")


def _start(world: World) -> tuple[Account, Account]:
    ana, twin = world.account(TZ, "ana"), world.account(TZ, "twin")
    for who in (ana, twin):
        world.create_goal(who, SLUG, goal_type="hustler", gunits="pushups", rate=1, runits="d", goalval=1000)
        world.ok("POST", who, f"/goals/{SLUG}/shortcircuit.json")  # $0 -> $5, so the derailment costs money
        world.add(who, SLUG, 10, comment="first morning")
    world.ok("PUT", ana, f"/goals/{SLUG}.json", callback_url=world.receiver.url + "/ana-reminders")
    world.subscribe(ana, "/ana-events")
    return ana, twin


def test_a_goal_left_alone_counts_down_every_day(world: World) -> None:
    ana, twin = _start(world)
    first = world.sees(ana, SLUG)
    s0, losedate = first.goal["safebuf"], first.goal["losedate"]
    assert s0 >= 10, f"10 pushups on a 1/day road should give at least 10 days of buffer, got {s0}"
    c = Checks()
    for k in range(1, s0 + 1):
        world.advance_to(local(TZ, 2026, 11, 23, 12) + k * DAY)
        when = f"day {k} ({wall(world.now, TZ)})"
        world.add(twin, SLUG, 0, comment="touch")  # the twin is recomputed by a write today
        seen, fresh = world.sees(ana, SLUG), world.goal(twin, SLUG)
        c.same(when, "safebuf, no data since day 0", seen.goal["safebuf"], s0 - k)
        c.same(when, "losedate (no data, no road change)", seen.goal["losedate"], losedate)
        check_consistent(c, when, seen, TZ)
        for key in TODAY_FIELDS:
            expected = fresh.get(key)
            if isinstance(expected, str):  # headsum names the goal's owner
                expected = expected.replace(twin.username, ana.username)
            c.same(when, f"{key} (a goal written today says)", seen.goal.get(key), expected)
        v2 = world.goal_v2(ana, SLUG)
        c.same(when, "API v2 goal.get (safebuf, limsum)", (v2.get("safebuf"), v2.get("limsum")),
               (seen.goal["safebuf"], seen.goal["limsum"]))
        c.same(when, "urgency_load (the twin's owner has the same one goal)",
               seen.user.get("urgency_load"), world.user(twin).get("urgency_load"))
    c.done("a goal read daily with no writes")


def test_the_derail_day_reminder_says_what_a_get_says_then(world: World) -> None:
    ana, _twin = _start(world)
    losedate = world.goal(ana, SLUG)["losedate"]
    world.advance_to(losedate)
    c = Checks()
    c.true("derail day", len(world.hooks("/ana-reminders")) >= 1, "no reminder webhook reached the callback_url")
    c.true("derail day", len(world.mails(ana, SLUG)) >= 1, "no reminder mail arrived")
    check_reminders(c, world, ana, SLUG, "/ana-reminders")
    c.done("the derail-day reminder")


def test_the_goal_derails_at_the_second_after_its_losedate(world: World) -> None:
    ana, _twin = _start(world)
    losedate = world.goal(ana, SLUG)["losedate"]
    world.advance_to(losedate)
    assert world.events("/ana-events", "goal.derailed") == [], (
        f"derailed before its losedate {wall(losedate, TZ)} had passed")
    world.advance_to(losedate + 1)
    [derailed] = world.events("/ana-events", "goal.derailed") or [None]
    assert derailed is not None, f"no goal.derailed event at {wall(losedate + 1, TZ)}, the second after the losedate"
    assert (derailed["created_at"], derailed["data"]["losedate"], derailed["data"]["charged"]) == (
        losedate + 1, losedate, 5.0), f"derailment event: {derailed}"
    after = world.goal(ana, SLUG)
    assert after["pledge"] == 10.0, f"pledge after derailing at $5: saw {after['pledge']}, should be $10"
