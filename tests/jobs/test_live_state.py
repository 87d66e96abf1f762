"""Live goal state: what a goal shows is right at every minute, not only after its last write.

The clock moves across days with no writes at all; reads go through the real
API (loopback HTTP), the sweeper runs as it would in the service, and the
deadline rules are tried at the minute they matter.
"""

from __future__ import annotations

import orjson

from brickroad.jobs.sweeper import sweep_all
from brickroad.services import goals, schedule
from brickroad.store import outbox as rows
from tests.api.goalkit import NY_END_1123, add_point, create_goal, get_goal
from tests.jobs.kit import DAY, reload, set_columns
from tests.jobs.test_derailment import derailments, local

NY = "America/New_York"


def me(http, token):  # type: ignore[no-untyped-def]
    r = http.get("/api/v1/users/me.json", params={"auth_token": token})
    assert r.status_code == 200, r.text
    return r.json()


def test_numbers_count_down_every_day_with_no_write_and_no_sweeper(http, alice, clock):
    create_goal(http, alice.token, "buffer", rate=1, goalval=1000)
    add_point(http, alice.token, "buffer", value=10)  # ten days ahead of a 1/day road
    first = get_goal(http, alice.token, "buffer")
    start_buf = first["safebuf"]
    assert start_buf >= 10
    seen = []
    for k in range(1, start_buf + 1):
        clock.set(local(NY, 2026, 11, 23, 9) + k * DAY)  # 09:00 each following day, nothing entered
        g = get_goal(http, alice.token, "buffer")
        u = me(http, alice.token)
        assert g["safebuf"] == start_buf - k, f"day {k}: safebuf {g['safebuf']}, expected {start_buf - k}"
        assert u["urgency_load"] == max(0, goals.AKRASIA_DAYS - g["safebuf"])
        assert g["losedate"] == first["losedate"]  # the derail moment doesn't move; the distance to it does
        seen.append((g["safebuf"], g["limsum"], g["colorkey"], g["delta_text"], tuple(g["dueby"])))
    assert len(set(seen)) == len(seen)  # every day's texts and colours differ from the day before
    assert seen[-1][2] == "red" and seen[0][2] == "dkgreen"
    assert list(get_goal(http, alice.token, "buffer")["dueby"])[0] == local_stamp(clock.now())


def local_stamp(ts: int) -> str:
    from brickroad.services import days

    return days.daystamp_of(ts, NY, 0)


def test_the_sweeper_rolls_each_goal_over_at_its_day_start(ctx, clock, make_user, js):
    alice = make_user()
    goals.create(ctx, alice.user, {"slug": "roll", "goal_type": "hustler", "gunits": "reps", "rate": 1,
                                   "runits": "d", "goalval": 1000})
    from brickroad.services import datapoints

    datapoints.create(ctx, alice.user, "roll", {"value": 5})
    g = reload(ctx, alice.user, "roll")
    midnight = local(NY, 2026, 11, 24)
    assert g.next_check_at == midnight
    clock.set(midnight)
    sweep_all(ctx, js)
    after = reload(ctx, alice.user, "roll")
    assert after.safebuf == g.safebuf - 1 and after.stats["today"] == "20261124"
    assert after.next_check_at == local(NY, 2026, 11, 25)


def test_derail_day_reminder_says_what_a_get_says(http, ctx, alice, clock, js, receiver):
    from tests.jobs.test_webhook_delivery import drain

    create_goal(http, alice.token, "eep", rate=1, goalval=1000)
    add_point(http, alice.token, "eep", value=3)
    g = goals.get(ctx, alice.user, "eep")
    set_columns(ctx, g, callback_url=receiver.url + "/cb")
    derail_day = g.losedate - (23 * 3600 + 59 * 60 + 59)
    reminder = derail_day + g.alertstart
    # The sweeper runs every quarter hour from here to the reminder, as the service would.
    for t in range(clock.now(), reminder + 1, 900):
        clock.set(t)
        sweep_all(ctx, js)
    clock.set(reminder)
    sweep_all(ctx, js)
    drain(ctx, js)
    [got] = receiver.to("/cb")
    sent = orjson.loads(got.body)["goal"]
    now = get_goal(http, alice.token, "eep")
    for key in ("safebuf", "limsum", "delta_text", "baremin", "colorkey", "losedate", "urgencykey", "dueby"):
        assert sent[key] == now[key], f"reminder said {key}={sent[key]!r}, a GET says {now[key]!r}"
    assert sent["safebuf"] == 0


def test_a_goal_given_by_value_and_rate_ends_and_is_won(http, ctx, alice, clock, js, receiver):
    from brickroad.services import webhooks

    webhooks.subscribe(ctx, alice.user, receiver.url + "/events", ["goal.won"])
    create_goal(http, alice.token, "finite", rate=1, goalval=5, goaldate=None)  # 5 reps at 1/day: ends in ~5 days
    for k in range(8):
        add_point(http, alice.token, "finite", value=1)
        clock.advance(DAY)
        sweep_all(ctx, js)
    g = reload(ctx, alice.user, "finite")
    assert g.goaldate is None and g.won and not g.lost
    assert g.next_check_at is None  # won goals are not swept again
    with ctx.db.read() as conn:
        won = [r for r in rows.for_user(conn, alice.user.pk) if r["event"] == "goal.won"]
    assert len(won) == 1 and orjson.loads(won[0]["payload"])["data"]["goaldate"] == schedule.road_end(g)
    assert get_goal(http, alice.token, "finite")["won"] is True


def test_an_ended_road_is_won_when_read_before_the_sweeper_gets_there(http, ctx, alice, clock):
    create_goal(http, alice.token, "short", rate=1, goalval=2, goaldate=None)
    add_point(http, alice.token, "short", value=5)
    end = schedule.road_end(reload(ctx, alice.user, "short"))
    assert end is not None
    clock.set(end + 60)
    assert get_goal(http, alice.token, "short")["won"] is True


EOD_1124 = NY_END_1123 + DAY


def _nothing_entered_goal(http, ctx, alice, clock, slug):  # type: ignore[no-untyped-def]
    """A $5 goal made yesterday, nothing entered since: at 22:30 on its derail day."""
    create_goal(http, alice.token, slug, rate=1, goalval=1000)
    g = reload(ctx, alice.user, slug)
    with ctx.db.write() as conn:
        from brickroad.store import goals as goal_rows

        goal_rows.update_goal(conn, g.id, pledge=5.0)
    clock.set(local(NY, 2026, 11, 24, 22, 30))
    assert get_goal(http, alice.token, slug)["losedate"] == EOD_1124
    return g


def test_a_late_earlier_deadline_does_not_erase_a_due_derailment(http, ctx, alice, clock, js):
    g = _nothing_entered_goal(http, ctx, alice, clock, "late")
    r = http.put("/api/v1/users/me/goals/late.json", data={"auth_token": alice.token, "deadline": -7200})
    assert r.status_code == 200 and r.json()["deadline"] == 0 and r.json()["losedate"] == EOD_1124
    clock.set(EOD_1124 + 1)
    sweep_all(ctx, js)
    assert [d["losedate"] for d in derailments(ctx, g)] == [EOD_1124]


def test_a_later_deadline_buys_no_hours_on_the_day_it_is_due(http, ctx, alice, clock, js):
    g = _nothing_entered_goal(http, ctx, alice, clock, "buy")
    r = http.put("/api/v1/users/me/goals/buy.json", data={"auth_token": alice.token, "deadline": 21600})
    assert r.status_code == 200 and r.json()["deadline"] == 0
    clock.set(EOD_1124 + 1)
    assert get_goal(http, alice.token, "buy")["losedate"] > EOD_1124  # the read derailed it and moved on
    assert [d["losedate"] for d in derailments(ctx, g)] == [EOD_1124]
    # The change waited for the akrasia horizon, then took effect at a day start.
    waiting = reload(ctx, alice.user, "buy")
    assert waiting.deadline_next == 21600 and waiting.deadline_next_at is not None
    assert waiting.deadline_next_at >= local(NY, 2026, 12, 1, 22, 30)
    clock.set(waiting.deadline_next_at)
    sweep_all(ctx, js)
    done = reload(ctx, alice.user, "buy")
    assert (done.deadline, done.deadline_next, done.deadline_next_at) == (21600, None, None)


def test_a_deadline_change_far_from_any_derailment_applies_at_once(http, ctx, alice, clock):
    create_goal(http, alice.token, "roomy", rate=1, goalval=1000)
    add_point(http, alice.token, "roomy", value=20)  # 20 days of buffer: the derailment is past the horizon
    clock.advance(DAY)
    r = http.put("/api/v1/users/me/goals/roomy.json", data={"auth_token": alice.token, "deadline": 21600})
    assert r.status_code == 200 and r.json()["deadline"] == 21600


def test_an_aggregation_change_that_would_make_the_goal_easier_is_refused(http, ctx, alice, clock):
    # Pushups counted by the day's best set (max), two sets of 1 entered on the derail day.
    create_goal(http, alice.token, "agg", rate=1, goalval=1000)
    r = http.put("/api/v1/users/me/goals/agg.json", data={"auth_token": alice.token, "aggday": "max"})
    assert r.status_code == 200 and r.json()["aggday"] == "max"  # no harder or easier yet: applies
    clock.set(local(NY, 2026, 11, 24, 20))
    add_point(http, alice.token, "agg", value=1)
    add_point(http, alice.token, "agg", value=1)
    before = get_goal(http, alice.token, "agg")
    # Summing the sets would count 2 and move the derail moment later: not within the horizon.
    r = http.put("/api/v1/users/me/goals/agg.json", data={"auth_token": alice.token, "aggday": "sum"})
    assert r.status_code == 422 and "aggday" in r.json()["errors"], r.text
    after = get_goal(http, alice.token, "agg")
    assert (after["aggday"], after["losedate"]) == ("max", before["losedate"])
    # Counting the first set only changes nothing today: it applies.
    r = http.put("/api/v1/users/me/goals/agg.json", data={"auth_token": alice.token, "aggday": "first"})
    assert r.status_code == 200 and r.json()["aggday"] == "first"
