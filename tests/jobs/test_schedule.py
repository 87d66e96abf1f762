"""next_check_at: reminders in the owner's timezone, the earliest due thing, and outbox atomicity."""

from __future__ import annotations

from dataclasses import replace

import pytest

from brickroad.errors import Invalid
from brickroad.jobs.sweeper import sweep_all
from brickroad.services import datapoints, goals, schedule, webhooks
from brickroad.store import outbox as rows
from tests.jobs.kit import DAY, add, make_goal, reload
from tests.jobs.test_derailment import derailments, local

NY = "America/New_York"


def test_reminders_start_leadtime_days_before_the_derail_day(ctx, clock, make_user):
    alice = make_user()
    g = make_goal(ctx, alice.user, "lt")
    add(ctx, alice.user, "lt", 5)  # safe for a few days
    goals.update(ctx, alice.user, "lt", {"leadtime": 2, "alertstart": 8 * 3600})
    g = reload(ctx, alice.user, "lt")
    derail_day = g.losedate - (23 * 3600 + 59 * 60 + 59)  # local midnight of the derail day
    times = schedule.reminder_times(g, NY)
    assert times == [derail_day - 2 * DAY + 8 * 3600, derail_day - DAY + 8 * 3600, derail_day + 8 * 3600]
    # The earliest due thing is the daily rollover at the next local midnight, then the first reminder.
    tomorrow = local(NY, 2026, 11, 24)
    assert g.next_check_at == tomorrow < times[0]
    assert schedule.next_check_at(g, NY, times[0] - 1) == times[0]
    assert schedule.next_reminder(g, NY, times[0]) == times[1]


def test_reminder_times_keep_the_wall_clock_across_fall_back(ctx, clock, make_user):
    alice = make_user()
    clock.set(local(NY, 2027, 11, 6, 12))  # US clocks fall back 02:00 -> 01:00 on Sunday the 7th
    g = make_goal(ctx, alice.user, "fb")
    assert g.losedate == local(NY, 2027, 11, 7, 23, 59, 59)
    g = replace(g, leadtime=1, alertstart=9 * 3600)
    # 09:00 EDT on the 6th, 09:00 EST on the 7th: 25 hours apart.
    assert schedule.reminder_times(g, NY) == [local(NY, 2027, 11, 6, 9), local(NY, 2027, 11, 7, 9)]
    clock.set(g.losedate)
    sweep_all(ctx, _js())
    assert derailments(ctx, g) == []
    clock.set(g.losedate + 1)
    sweep_all(ctx, _js())
    assert len(derailments(ctx, g)) == 1


def _js():  # type: ignore[no-untyped-def]
    from brickroad.jobs.config import JobSettings

    return JobSettings(worker_id="sched")


def test_inactive_goals_have_nothing_scheduled(ctx, clock, make_user):
    alice = make_user()
    g = make_goal(ctx, alice.user, "arch")
    assert schedule.next_check_at(g, NY, clock.now()) is not None
    for change in ({"won": True}, {"lost": True}, {"frozen": True}, {"archived_at": clock.now()},
                   {"deleted_at": clock.now()}):
        assert schedule.next_check_at(replace(g, **change), NY, clock.now()) is None


def test_side_effects_roll_back_with_their_cause(ctx, clock, make_user, receiver):
    alice = make_user()
    webhooks.subscribe(ctx, alice.user, receiver.url + "/x", ["datapoint.created"])
    make_goal(ctx, alice.user, "atomic")
    with pytest.raises(Invalid):
        datapoints.create_all(ctx, alice.user, "atomic", [{"value": 1}, {"value": "many"}])
    with ctx.db.read() as conn:
        assert [r for r in rows.for_user(conn, alice.user.pk) if r["event"]] == []
    datapoints.create_all(ctx, alice.user, "atomic", [{"value": 1}, {"value": 2}])
    with ctx.db.read() as conn:
        assert len([r for r in rows.for_user(conn, alice.user.pk) if r["event"] == "datapoint.created"]) == 2


def test_sweeps_keep_lasttouch(ctx, clock, make_user):
    alice = make_user()
    make_goal(ctx, alice.user, "touch")
    add(ctx, alice.user, "touch", 3)
    touched = (reload(ctx, alice.user, "touch").stats or {}).get("lasttouch")
    assert touched is not None
    clock.advance(DAY)
    sweep_all(ctx, _js())
    goals.update(ctx, alice.user, "touch", {"title": "still touched"})
    assert (reload(ctx, alice.user, "touch").stats or {}).get("lasttouch") == touched
