"""A month in the life of each goal type: what the user sees every day for four weeks.

Story, for each of the seven goal types: on Monday 23 November at 07:00 (New York)
Pat sets up a goal whose road ends four weeks later, pledges $5 at once, and from
then on reads it every day at noon and enters data most evenings at 19:00. Some
days are missed or bad (a holiday, a binge, a sick week), so the goal derails;
on day 19 Pat asks for a pledge stepdown; after four weeks the road ends and the
goal is won. Each noon, what Pat sees must agree with itself and with the day
(`check_consistent`), and:

- with no data since the last look, the buffer of a do-more (or weight, inbox,
  odometer) goal is one day shorter and the losedate the same (a do-less goal's
  buffer grows instead: no data is nothing done);
- the goal derails exactly when the losedate last shown has passed (the second
  after it), once, charging the pledge and stepping it up the ladder, with a
  week of respite after;
- each reminder (mail, and webhook to the goal's callback_url) says what a GET
  said at the same second, and a derailment is mailed;
- the stepdown lowers the pledge one step at its scheduled time, not before;
- at the end of the road the goal is won, once, and nothing derails after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.scenarios.kit import DAY, Account, Checks, Seen, World, check_consistent, check_reminders, local, wall

TZ = "America/New_York"
WEEKS = 4
LADDER = (0, 5, 10, 30, 90, 270, 810, 2430)  # README: the pledge ladder
GOALDATE = local(TZ, 2026, 12, 21, 23, 59, 59)  # four weeks after the start, at the end of the day
STEPDOWN_DAY = 19
# README "Roads end": a goal that derails this close to its end is lost instead of getting a respite
# (a week of respite from the derail day would reach past the end).
LAST_WEEK = 8 * DAY


@dataclass
class Life:
    """One goal type's month: how it is set up and what Pat enters on day k (None: nothing)."""

    goal_type: str
    params: dict[str, Any]
    entry: Callable[[int], float | None]
    do_less: bool = False


def _odometer(k: int) -> float | None:
    missed = range(8, 15)  # bike in for repair
    return None if k in missed else 1000 + 15 * sum(1 for d in range(k + 1) if d not in missed)


LIVES = {
    # 30 push-ups most evenings on a 20/day road; a holiday (days 3-7) with none.
    "hustler": Life("hustler", dict(gunits="pushups", goalval=20 * 28), lambda k: None if 3 <= k <= 7 else 30.0),
    "biker": Life("biker", dict(gunits="km", initval=1000, goalval=1000 + 10 * 28), _odometer),
    # Weight down 0.15 kg a day; a feast week (days 10-12) at 81 kg.
    "fatloser": Life("fatloser", dict(gunits="kg", initval=80, goalval=77),
                     lambda k: 81.0 if 10 <= k <= 12 else round(80 - 0.15 * k, 2)),
    "gainer": Life("gainer", dict(gunits="kg", initval=60, goalval=63),
                   lambda k: 59.0 if 10 <= k <= 12 else round(60 + 0.15 * k, 2)),
    # Inbox down 7 a day; a conference (days 9-12) lets it fill up to 190.
    "inboxer": Life("inboxer", dict(gunits="emails", initval=200, goalval=50),
                    lambda k: 190.0 if 9 <= k <= 12 else float(200 - 7 * k)),
    # At most 2 coffees a day (goal date + rate, as do-less goals are set): from day 1 usually 1,
    # a binge on days 15-16, nothing entered on Sundays.
    "drinker": Life("drinker", dict(gunits="cups", rate=2), lambda k: None if k == 0 or k % 7 == 6 else
                    (12.0 if k in (15, 16) else 1.0), do_less=True),
    # Savings (a custom goal, the last value of the day): 15 a day, flat on days 5-10.
    "custom": Life("custom", dict(gunits="EUR", initval=0, goalval=10 * 28),
                   lambda k: float(15 * (min(k, 4) + max(0, k - 10)))),
}


@dataclass
class Diary:
    """What Pat has seen so far, to compare each day with the last."""

    last: Seen | None = None
    entered_since: bool = True
    losedate: int | None = None  # the latest losedate a GET showed
    pledge: float = 5.0
    pledge_cap: float | None = None
    derailments: list[dict[str, Any]] = field(default_factory=list)
    derail_moments: list[int] = field(default_factory=list)
    over: bool = False  # lost: nothing more is due


@pytest.mark.parametrize("kind", sorted(LIVES))
def test_a_month_in_the_life(world: World, kind: str) -> None:
    life = LIVES[kind]
    pat = world.account(TZ, f"pat{kind[:3]}")
    slug = kind
    world.create_goal(pat, slug, goal_type=life.goal_type, runits="d", goaldate=GOALDATE, **life.params)
    world.ok("POST", pat, f"/goals/{slug}/shortcircuit.json")  # $0 -> $5, nothing charged
    world.subscribe(pat, "/pat")
    world.ok("PUT", pat, f"/goals/{slug}.json", callback_url=world.receiver.url + "/pat-reminders")
    c, diary = Checks(), Diary()
    first = world.goal(pat, slug)
    diary.losedate, diary.pledge_cap = first["losedate"], first.get("pledge_cap")
    stepdown_at: int | None = None
    for k in range(WEEKS * 7 + 2):
        noon = local(TZ, 2026, 11, 23, 12) + k * DAY
        _pass_time(world, c, diary, noon, f"day {k}")
        seen = world.sees(pat, slug)
        when = f"{kind} day {k} ({wall(noon, TZ)})"
        if seen.goal.get("won"):
            c.true(when, noon > GOALDATE, f"won before the road's end {wall(GOALDATE, TZ)}")
        elif seen.goal.get("lost"):  # README: a derailment within a week of the end ends the goal
            c.true(when, any(m > GOALDATE - LAST_WEEK for m in diary.derail_moments),
                   "lost, with no derailment in the road's last week")
            diary.over, stepdown_at = True, None
        else:
            _read_the_day(c, diary, seen, when, life)
        if stepdown_at is not None:
            _check_stepdown(c, world, seen, stepdown_at, when)
        if k == STEPDOWN_DAY and c.true(when, diary.over or diary.pledge > LADDER[1],
                                        f"pledge ${diary.pledge:g}: the story's bad days should have raised it"):
            stepdown_at = None if diary.over else _ask_stepdown(world, c, pat, slug, when)
        value = life.entry(k)
        if value is not None and noon < GOALDATE:
            _pass_time(world, c, diary, noon + 7 * 3600, f"day {k} evening")
            world.add(pat, slug, value, comment=f"day {k}")
            diary.losedate = world.goal(pat, slug)["losedate"]
        diary.entered_since = value is not None
    _the_end(world, c, pat, slug, diary)
    _what_was_sent(world, c, pat, slug, diary)
    c.done(f"a month with a {kind} goal")


def _pass_time(world: World, c: Checks, diary: Diary, t: int, when: str) -> None:
    """Advance to t; a derailment must happen exactly when the last losedate shown has passed."""
    due = (not diary.over and diary.losedate is not None and diary.losedate + 1 <= t
           and diary.losedate < GOALDATE)
    before, stepped = len(world.events("/pat", "goal.derailed")), len(_stepdowns(world))
    world.advance_to(t)
    new = world.events("/pat", "goal.derailed")[before:]
    for e in _stepdowns(world)[stepped:]:
        diary.pledge = float(e["data"]["to"])
    if due:
        assert diary.losedate is not None
        c.same(when, "derailments since the last look (its losedate had passed)",
               [(wall(e["created_at"], TZ), e["data"]["losedate"]) for e in new],
               [(wall(diary.losedate + 1, TZ), diary.losedate)])
    else:
        c.same(when, "derailments since the last look (no losedate passed)", len(new), 0)
    for e in new:
        step = min(a for a in LADDER + (float("inf"),) if a > diary.pledge)
        if diary.pledge_cap is not None:
            step = min(step, max(diary.pledge_cap, diary.pledge))  # the ladder stops at the goal's cap
        c.same(when, "charged, new pledge", (e["data"]["charged"], e["data"]["pledge"]), (diary.pledge, float(step)))
        diary.pledge = float(e["data"]["pledge"])
        diary.derailments.append(e)
        diary.derail_moments.append(int(e["created_at"]))
        diary.entered_since = True  # the road changed (respite): no countdown to compare with


def _read_the_day(c: Checks, diary: Diary, seen: Seen, when: str, life: Life) -> None:
    g = seen.goal
    check_consistent(c, when, seen, TZ, do_less=life.do_less)
    c.same(when, "pledge", g.get("pledge"), diary.pledge)
    prev = diary.last
    if (prev is not None and not diary.entered_since and not life.do_less
            and isinstance(prev.goal.get("safebuf"), int)):
        c.same(when, "safebuf, one day on with no new data", g.get("safebuf"), prev.goal["safebuf"] - 1)
        c.same(when, "losedate, no new data", g.get("losedate"), prev.goal.get("losedate"))
    recent = [m for m in diary.derail_moments if 0 < seen.at - m < DAY and m <= GOALDATE - LAST_WEEK]
    if recent and isinstance(g.get("losedate"), int):
        c.true(when, g["losedate"] >= recent[-1] + 7 * DAY - 1,
               f"respite: derailed at {wall(recent[-1], TZ)}, but the losedate is already {wall(g['losedate'], TZ)}")
    diary.last = seen
    diary.losedate = g.get("losedate")


def _ask_stepdown(world: World, c: Checks, pat: Account, slug: str, when: str) -> int | None:
    g = world.ok("POST", pat, f"/goals/{slug}/stepdown.json")
    at = (g.get("contract") or {}).get("stepdown_at")
    ok = c.true(when, isinstance(at, int) and at >= world.now + 6 * DAY,
                f"stepdown asked: stepdown_at {at!r} should be about a week away (the akrasia horizon)")
    return at if ok else None


def _stepdowns(world: World) -> list[dict[str, Any]]:
    return [e for e in world.events("/pat", "pledge.changed") if e["data"].get("reason") == "stepdown"]


def _check_stepdown(c: Checks, world: World, seen: Seen, at: int, when: str) -> None:
    pledged_before = _stepdowns(world)
    if seen.at < at:
        c.same(when, f"stepdown events before its time {wall(at, TZ)}", len(pledged_before), 0)
        return
    c.same(when, "stepdown events once its time has come", [wall(e["created_at"], TZ) for e in pledged_before],
           [wall(at, TZ)])
    for e in pledged_before:
        lower = max(a for a in LADDER if a < e["data"]["from"])
        c.same(when, "pledge stepped down one rung", e["data"]["to"], float(lower))


def _the_end(world: World, c: Checks, pat: Account, slug: str, diary: Diary) -> None:
    world.advance(3 * DAY)
    g = world.goal(pat, slug)
    when = f"three days after the road's end ({wall(world.now, TZ)})"
    c.same(when, "won", g.get("won"), True)
    c.same(when, "goal.won events", len(world.events("/pat", "goal.won")), 1)
    late = [e for e in world.events("/pat", "goal.derailed") if e["created_at"] > GOALDATE]
    c.same(when, "derailments after the road's end", late, [])
    c.true(when, len(diary.derailments) >= 1, "the month's bad days never derailed the goal")
    r = world.charges(pat)
    if r.status_code == 200:
        got = [x["amount"] for x in r.json() if x.get("kind") == "derail"]
        c.same(when, "derail charges listed (newest first)", got,
               [e["data"]["charged"] for e in reversed(diary.derailments)])


def _what_was_sent(world: World, c: Checks, pat: Account, slug: str, diary: Diary) -> None:
    derailed = [m for m in world.mails(pat) if m.body["subject"].startswith(f"{slug} derailed")]
    c.same("mail", "derailment mails", len(derailed), len(diary.derailments))
    c.true("mail", len(world.mails(pat, slug)) >= len(diary.derailments), "fewer reminder mails than derail days")
    c.true("webhooks", len(world.hooks("/pat-reminders")) >= len(diary.derailments),
           "fewer reminder webhooks than derail days")
    check_reminders(c, world, pat, slug, "/pat-reminders")
