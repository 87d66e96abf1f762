"""Derailing at the deadline in the owner's timezone: charge, pledge ladder, respite, never twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from brickroad.jobs.sweeper import sweep_all
from brickroad.services import charges, datapoints, goals, pledges
from brickroad.store import outbox as rows
from tests.jobs.kit import DAY, add, make_goal, reload


def local(tz: str, *args: int) -> int:
    return int(datetime(*args, tzinfo=ZoneInfo(tz)).timestamp())  # type: ignore[misc]


def derailments(ctx, goal) -> list:  # type: ignore[no-untyped-def]
    with ctx.db.read() as conn:
        return list(rows.derailments_for_goal(conn, goal.id))


def test_goal_derails_the_second_after_its_deadline(ctx, clock, make_user, js):
    alice = make_user()
    g = make_goal(ctx, alice.user, "dl")
    pledges.shortcircuit(ctx, alice.user, "dl")  # $0 -> $5, nothing charged
    g = reload(ctx, alice.user, "dl")
    # A fresh 1/day goal at 0 derails at the end of tomorrow, 23:59:59 New York time.
    assert g.losedate == local("America/New_York", 2026, 11, 24, 23, 59, 59)
    assert g.next_check_at is not None and g.next_check_at <= g.losedate + 1
    clock.set(g.losedate)
    sweep_all(ctx, js)
    assert reload(ctx, alice.user, "dl").pledge == 5.0 and derailments(ctx, g) == []
    clock.set(g.losedate + 1)
    sweep_all(ctx, js)
    after = reload(ctx, alice.user, "dl")
    assert [(c.amount, c.kind) for c in charges.ledger(ctx, alice.user)] == [(5.0, "derail")]
    assert after.pledge == 10.0 and after.lost is False
    [d] = derailments(ctx, g)
    assert (d["losedate"], d["cause"], d["charged"], d["new_pledge"]) == (g.losedate, "deadline", 5.0, 10.0)
    # The respite: flat from the derail day through a week from today, so a week and a day of buffer.
    assert after.safebuf is not None and after.safebuf >= 7
    assert after.losedate is not None and after.losedate > clock.now() + 7 * DAY
    flat = [r for r in after.road if r[1] == 0.0]
    assert len(flat) >= 2 and flat[-1][0] - flat[0][0] >= 7 * DAY
    assert after.next_check_at is not None and after.next_check_at > clock.now()
    # Sweeping again (or a redelivered claim) charges nothing more.
    sweep_all(ctx, js)
    assert len(charges.ledger(ctx, alice.user)) == 1


def test_deadline_across_spring_forward(ctx, clock, make_user, js):
    alice = make_user()
    ny = "America/New_York"
    clock.set(local(ny, 2027, 3, 13, 12))  # Saturday; clocks jump 02:00 -> 03:00 on Sunday the 14th
    g = make_goal(ctx, alice.user, "dst")
    # The derail day is the 14th, 23 hours long: 23:59:59 EDT, an hour earlier in UTC than EST would be.
    assert g.losedate == local(ny, 2027, 3, 14, 23, 59, 59)
    assert g.losedate == int(datetime(2027, 3, 15, 3, 59, 59, tzinfo=ZoneInfo("UTC")).timestamp())
    clock.set(g.losedate)
    sweep_all(ctx, js)
    assert derailments(ctx, g) == []
    clock.set(g.losedate + 1)
    sweep_all(ctx, js)
    assert len(derailments(ctx, g)) == 1 and reload(ctx, alice.user, "dst").pledge == 5.0


def test_deadline_is_the_owners_wall_clock_with_its_offset(ctx, clock, make_user, js):
    tokyo = make_user(timezone="Asia/Tokyo")
    g = make_goal(ctx, tokyo.user, "jp")
    goals.update(ctx, tokyo.user, "jp", {"deadline": -3600})  # the day ends at 23:00 in Tokyo
    g = reload(ctx, tokyo.user, "jp")
    day_end = local("Asia/Tokyo", 2026, 11, 25, 22, 59, 59)  # START is already the 23rd, 21:00 in Tokyo
    assert g.losedate in (day_end, day_end - DAY)
    clock.set(g.losedate)
    sweep_all(ctx, js)
    assert derailments(ctx, g) == []
    clock.set(g.losedate + 1)
    sweep_all(ctx, js)
    assert len(derailments(ctx, g)) == 1


def test_pledge_ladder_up_to_the_cap(ctx, clock, make_user, js):
    alice = make_user()
    make_goal(ctx, alice.user, "ladder", pledge_cap=30)
    seen = []
    for _ in range(5):
        g = reload(ctx, alice.user, "ladder")
        clock.set(g.losedate + 1)
        sweep_all(ctx, js)
        seen.append(reload(ctx, alice.user, "ladder").pledge)
    assert seen == [5.0, 10.0, 30.0, 30.0, 30.0]
    assert [c.amount for c in charges.ledger(ctx, alice.user)] == [30.0, 30.0, 10.0, 5.0]  # newest first


def test_no_derailment_inside_the_respite(ctx, clock, make_user, js):
    alice = make_user()
    g = make_goal(ctx, alice.user, "resp")
    clock.set(g.losedate + 1)
    sweep_all(ctx, js)
    after = reload(ctx, alice.user, "resp")
    for _ in range(7):  # the flat week: no data needed
        clock.advance(DAY)
        sweep_all(ctx, js)
    assert len(derailments(ctx, g)) == 1 and reload(ctx, alice.user, "resp").losedate == after.losedate


def test_flat_road_never_derails_and_then_wins(ctx, clock, make_user, js):
    alice = make_user()
    goaldate = clock.now() + 20 * DAY
    g = make_goal(ctx, alice.user, "flat", rate=0, goaldate=goaldate, goalval=None)
    assert g.losedate is not None and g.losedate >= goaldate
    for _ in range(19):
        clock.advance(DAY)
        sweep_all(ctx, js)
    assert derailments(ctx, g) == [] and not reload(ctx, alice.user, "flat").won
    clock.set(goaldate)
    sweep_all(ctx, js)
    won = reload(ctx, alice.user, "flat")
    assert won.won and won.next_check_at is None and (won.stats or {}).get("coasting") is True
    clock.advance(30 * DAY)
    sweep_all(ctx, js)
    assert derailments(ctx, g) == [] and charges.ledger(ctx, alice.user) == []


def test_goal_on_the_road_at_its_date_is_won(ctx, clock, make_user, js):
    alice = make_user()
    make_goal(ctx, alice.user, "win", rate=None, goaldate=clock.now() + 10 * DAY, goalval=10)
    add(ctx, alice.user, "win", 20)  # done, with days to spare
    g = reload(ctx, alice.user, "win")
    assert g.goaldate is not None and g.losedate is not None and g.goaldate < g.losedate
    clock.set(g.goaldate - 1)
    sweep_all(ctx, js)
    assert not reload(ctx, alice.user, "win").won
    clock.set(g.goaldate)
    sweep_all(ctx, js)
    assert reload(ctx, alice.user, "win").won


def test_a_late_write_does_not_hide_the_missed_deadline(ctx, clock, make_user, js):
    # The deadline passes; before the sweeper runs, the user adds data (recomputing the goal).
    alice = make_user()
    g = make_goal(ctx, alice.user, "late")
    pledges.shortcircuit(ctx, alice.user, "late")
    g = reload(ctx, alice.user, "late")
    clock.set(g.losedate + 60)
    datapoints.create(ctx, alice.user, "late", {"value": 5})
    assert reload(ctx, alice.user, "late").next_check_at <= clock.now()
    sweep_all(ctx, js)
    assert [(c.amount, c.kind) for c in charges.ledger(ctx, alice.user)] == [(5.0, "derail")]
    assert derailments(ctx, g)[0]["losedate"] == g.losedate


def test_uncle_is_the_same_derailment(ctx, clock, make_user, js):
    alice = make_user()
    g = make_goal(ctx, alice.user, "unc")
    pledges.shortcircuit(ctx, alice.user, "unc")
    clock.set(g.losedate - 3600)  # beemergency day
    pledges.uncle(ctx, alice.user, "unc")
    [d] = derailments(ctx, g)
    assert d["cause"] == "uncle" and d["charged"] == 5.0
    clock.set(g.losedate + 1)
    sweep_all(ctx, js)
    assert len(derailments(ctx, g)) == 1 and len(charges.ledger(ctx, alice.user)) == 1


def test_derailing_in_the_last_week_ends_the_goal_lost(ctx, clock, make_user, js):
    alice = make_user()
    g = make_goal(ctx, alice.user, "end", rate=1, goaldate=clock.now() + 5 * DAY, goalval=None)
    pledges.shortcircuit(ctx, alice.user, "end")
    clock.set(g.losedate + 1)
    sweep_all(ctx, js)
    after = reload(ctx, alice.user, "end")
    assert after.lost and not after.won and after.next_check_at is None
    assert [c.amount for c in charges.ledger(ctx, alice.user)] == [5.0]
    clock.advance(10 * DAY)
    sweep_all(ctx, js)
    assert len(charges.ledger(ctx, alice.user)) == 1 and not reload(ctx, alice.user, "end").won


def test_a_late_sweep_still_sees_the_win_that_came_before_the_deadline(ctx, clock, make_user, js):
    alice = make_user()
    make_goal(ctx, alice.user, "latewin", rate=1, goaldate=clock.now() + 10 * DAY, goalval=None)
    pledges.shortcircuit(ctx, alice.user, "latewin")
    add(ctx, alice.user, "latewin", 14)  # safe past the goal date
    g = reload(ctx, alice.user, "latewin")
    assert g.goaldate < g.losedate
    clock.set(g.losedate + 5 * DAY)  # the sweeper was down through both moments
    sweep_all(ctx, js)
    after = reload(ctx, alice.user, "latewin")
    assert after.won and derailments(ctx, g) == [] and charges.ledger(ctx, alice.user) == []
