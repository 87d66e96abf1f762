"""Flatline, safety buffer, red-yesterday, tluz and friends; every case worked by hand.

The default goal: red line from 0 at T0 rising 1/day until day 100, MOAR.
"""

from __future__ import annotations

from brickroad.road import Datapoint, compute
from brickroad.road.dates import BDUSK

from .helpers import day, goal, pts


def test_moar_buffer_counts_days_until_the_line_passes_the_value():
    # value 10 at day 5; line is 5 then, reaches 10 on day 10, passes it on day 11
    res = compute(goal(asof=day(5)), pts((0, 0), (4, 10), (5, 10)))
    assert res.safebuf == 6
    assert res.tluz == day(11)
    assert res.delta == 5
    assert res.lane == 5
    assert res.color == "green"
    assert res.safebump == 11  # the line 6 days on
    assert not res.loser and not res.sadbrink
    assert res.cntdn == 95
    assert res.rah == 12


def test_red_yesterday_means_zero_buffer_whatever_today_says():
    # yesterday (day 4) the step value was still 0 while the line was at 4
    res = compute(goal(asof=day(5)), pts((0, 0), (5, 10)))
    assert res.loser and res.sadbrink
    assert res.safebuf == 0
    assert res.tluz == day(5)
    assert res.color == "red"
    assert res.lane == -2


def test_flatline_carries_last_value_to_today():
    res = compute(goal(asof=day(5)), pts((0, 0), (2, 10)))
    assert res.flatline is not None and res.flatline.t == day(5)
    assert (res.tcur, res.vcur, res.vprev, res.tdat) == (day(5), 10, 10, day(2))
    assert res.safebuf == 6


def test_moar_flatline_stops_at_the_second_red_day():
    # value 2 from day 1: red on day 3 and day 4, so the flat point sits on day 4
    res = compute(goal(asof=day(10)), pts((0, 0), (1, 2)))
    assert res.tcur == day(4)
    assert res.loser and res.safebuf == 0 and res.tluz == day(4)


def test_no_flatline_when_today_has_data():
    res = compute(goal(asof=day(5)), pts((0, 0), (4, 10), (5, 10)))
    assert res.flatline is None


def test_ween_counts_todays_presumptive_report():
    # do-less, line at 2 on day 2. Without data today, PPR(today)=2*rate=2 -> 2 (ok),
    # then 4 on day 3 against a line at 3 -> off. One safe day.
    g = goal(yaw=-1, dir=1, kyoom=True, aggday="sum", asof=day(2))
    res = compute(g, pts((0, 0)))
    assert res.safebuf == 1


def test_ween_with_data_today_skips_todays_ppr():
    # 0 today, then 2, 4, 6 on days 3, 4, 5 against 3, 4, 5: off on day 5
    g = goal(yaw=-1, dir=1, kyoom=True, aggday="sum", asof=day(2))
    res = compute(g, pts((0, 0), (2, 0)))
    assert res.safebuf == 3


def test_ween_without_pprs_is_safe_until_the_goal_date():
    g = goal(yaw=-1, dir=1, kyoom=True, aggday="sum", asof=day(2), ppr=False)
    res = compute(g, pts((0, 0)))
    assert res.safebuf == 99  # days 2..100 inclusive are all fine
    assert res.tluz == BDUSK  # derailing after the goal date means never


def test_flat_ween_road_presumes_two_units_a_day():
    # line flat at 10; 2 units presumed per day: 2, 4, 6, 8, 10 fine, 12 not
    g = goal(yaw=-1, dir=1, kyoom=True, aggday="sum", vini=10.0, rfin=0.0, asof=day(2))
    res = compute(g, pts((0, 0)))
    assert res.safebuf == 5


def test_data_past_the_goal_date_gives_at_most_one_day():
    g = goal(tfin=day(3), asof=day(5))
    res = compute(g, pts((0, 0), (4, 50), (5, 50)))
    assert res.flatline is None
    assert res.safebuf == 1
    assert res.tluz == BDUSK
    assert res.cntdn == -2


def test_sadbrink_needs_yesterday_after_tini():
    res = compute(goal(asof=day(1)), pts((0, 0), (1, 0)))
    assert res.loser is False  # yesterday is day 0 = tini: on the line
    assert res.sadbrink is False


def test_dueby_rows_are_monotone_in_the_goal_direction():
    res = compute(goal(asof=day(5)), pts((0, 0), (4, 10), (5, 10)))
    assert [(r.t, r.delta, r.value) for r in res.dueby] == [
        (day(5 + i), 5 + i - 10, 5 + i) for i in range(7)]
    g = goal(yaw=-1, dir=-1, vini=100.0, rfin=-1.0, asof=day(5))
    res = compute(g, pts((0, 100), (4, 90), (5, 90)))
    assert [r.value for r in res.dueby] == [95 - i for i in range(7)]


def test_dot_colors_follow_days_of_buffer():
    # line 0,1,2,3 on days 0..3; points 0 (on the line: red only if below), 3, 3, 3
    res = compute(goal(asof=day(3)), pts((0, 0), (1, 3), (2, 3), (3, 3)))
    assert [p.color for p in res.points] == ["orange", "green", "blue", "orange"]


def test_red_yesterday_before_the_first_point_judges_the_first_value():
    # the only point is today's 10; yesterday (day 4) the line was at 4 and "yesterday's value"
    # is that first point's, 10: fine for MOAR, red for a do-less goal on the same line
    assert not compute(goal(asof=day(5)), pts((5, 10))).loser
    res = compute(goal(asof=day(5), yaw=-1), pts((5, 10)))
    assert res.loser and res.sadbrink
    assert res.safebuf == 0


def test_moar_flatline_stops_at_the_start_of_the_day_the_walk_stopped_on():
    # a point at 06:00 on day 1, value 0, falls off the line at once: two red days in a row
    # end the walk a day after it, and the flat point goes to that day's midnight
    six = 6 * 3600
    res = compute(goal(asof=day(5)), [Datapoint(day(0), 0.0, ""), Datapoint(day(1) + six, 0.0, "")])
    assert res.flatline is not None and res.flatline.t == day(2)
    assert res.tcur == day(2)
    assert res.delta == -2  # 0 against the line's 2 at midnight, not its 2.25 at 06:00


def test_ppr_is_the_fixed_two_only_on_an_exactly_flat_line():
    # do-less, line flat at 10 from day 0 to 20: PPRs of 2 a day (today's too) use the 10 up
    # in 5 days
    flat = goal(yaw=-1, road=[(day(20), 10.0, None)], tfin=day(40), rfin=1.0, vini=10.0,
                kyoom=True, aggday="sum")
    assert compute(flat, pts((0, 0))).safebuf == 5
    # a line rising by a hair (1e-9 a day) is not flat: its PPR is twice that, next to nothing,
    # until day 20, when the line starts rising 1/day and PPRs are 2: 2(x-14) meets 10+(x-15) at
    # x = 23 days from day 5, where the hairs' sum (3e-8) tips the value over the line (2e-8 up)
    hair = goal(yaw=-1, road=[(day(20), 10.0 + 20e-9, None)], tfin=day(40), rfin=1.0, vini=10.0,
                kyoom=True, aggday="sum")
    assert compute(hair, pts((0, 0))).safebuf == 23
