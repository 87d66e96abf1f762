"""Filling the road matrix and evaluating the red line; values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brickroad.road import RoadError, compute
from brickroad.road.dates import BDUSK, DIY, SECS, SID, dayify, daysnap
from brickroad.road.roadmatrix import Road, build_segments, fill_road
from brickroad.road.types import Segment

from .helpers import D, T0, day, goal, pts


def test_fill_each_kind_of_null():
    rows = [(None, 10.0, 1.0),          # date implied: 10 days at 1/day
            (day(20), None, 2.0),       # value implied: 10 + 2*10
            (day(25), 40.0, None)]      # rate implied: (40-30)/5 days
    got = fill_road(rows, T0, 0.0, SECS["d"])
    assert [(r[0], r[1], r[3]) for r in got] == [(day(10), 10, 0), (day(20), 30, 1), (day(25), 40, 2)]
    assert got[2][2] == pytest.approx(2.0, rel=1e-15)


def test_implied_date_snaps_to_midnight_but_the_segment_does_not():
    rows = [(None, 10.0, 3.0)]  # reaches 10 after 3 1/3 days
    (t, v, r, n), = fill_road(rows, T0, 0.0, SECS["d"])
    assert (t, v, n) == (day(3), 10, 0)
    road = Road(build_segments(rows, T0, 0.0, SECS["d"]))
    assert road.rdf(day(3)) == pytest.approx(9.0)   # still climbing at the snapped date
    assert road.rdf(day(4)) == pytest.approx(10.0)  # flat after the real crossing


def test_zero_rate_with_implied_date_runs_to_the_end_of_days():
    (t, v, r, n), = fill_road([(None, 5.0, 0.0)], T0, 0.0, SECS["d"])
    assert t == BDUSK


def test_zero_length_row_gets_rate_zero():
    got = fill_road([(day(10), None, 1.0), (day(10), 50.0, None)], T0, 0.0, SECS["d"])
    assert got[1][:3] == (day(10), 50, 0)


def test_rates_round_trip_through_seconds():
    # a weekly rate is stored per second and multiplied back for output
    (t, v, r, n), = fill_road([(day(7), 1.0, None)], T0, 0.0, SECS["w"])
    assert r == (1.0 / (7 * D)) * (7 * D)


def test_rows_before_tini_are_dropped_after_filling():
    tini = day(10)
    rows = [(T0, None, 1.0), (day(10), None, 0.0), (day(20), None, 1.0)]
    got = fill_road(rows, tini, 0.0, SECS["d"])
    # the dropped row still moved the running value: -10 at T0, carried to day 10
    assert [r[:2] for r in got] == [(day(10), -10), (day(20), 0)]
    # the segments skip that row instead, so the line itself starts from vini
    road = Road(build_segments(rows, tini, 0.0, SECS["d"]))
    assert road.rdf(day(20)) == 10


def test_line_extends_100_years_each_way():
    segs = build_segments([(day(10), None, 1.0)], T0, 0.0, SECS["d"])
    assert segs[0].t0 == daysnap(T0 - 100 * SID * DIY)
    assert segs[-1].t1 == daysnap(day(10) + 100 * SID * DIY)
    assert segs[-1].v0 == segs[-1].v1 == 10


def test_kink_and_vertical_step_take_the_later_segment():
    rows = [(day(10), None, 0.0), (day(10), 50.0, None), (day(20), None, 1.0)]
    road = Road(build_segments(rows, T0, 0.0, SECS["d"]))
    assert road.rdf(day(10) - 1) == 0
    assert road.rdf(day(10)) == 50
    assert road.rtf(day(10)) == 1 / D
    assert road.rdf(day(15)) == 55


def test_fullroad_has_tini_row_and_final_row():
    res = compute(goal(road=[(day(50), None, 2.0)], tfin=day(60), rfin=1.0), pts((0, 0), (5, 10)))
    assert res.fullroad == [(T0, 0, 0), (day(50), 100, 2), (day(60), 110, 1)]
    assert (res.tfin, res.vfin, res.rfin) == (day(60), 110, 1)
    assert res.mathishard == (day(60), 110, 1)


def test_ravg_and_rcur_in_rate_units():
    res = compute(goal(road=[(day(50), None, 2.0)], tfin=day(60), rfin=1.0, runits="w"),
                  pts((0, 0), (5, 10)))
    assert res.rcur == pytest.approx(2.0)
    # 2/week for 50 days then 1/week for 10: (100/7 + 10/7) over 60 days, per week
    assert res.vfin == pytest.approx(110 / 7)
    assert res.ravg == pytest.approx(110 / 7 / 60 * 7)


def test_pinkzone_covers_the_akrasia_horizon():
    res = compute(goal(road=[(day(8), None, 1.0)], rfin=2.0), pts((0, 0), (5, 10)))
    # asof day 5, a kink at day 8, horizon day 12
    assert [(r[0], r[1], r[3]) for r in res.pinkzone] == [(day(5), 5, 2), (day(8), 8, 2), (day(12), 16, 2)]
    assert [r[2] for r in res.pinkzone] == pytest.approx([0, 1, 2])


def test_out_of_order_road_dates_are_an_error():
    with pytest.raises(RoadError, match=r"^Dial error\\n\(Your goal date, goal value, and rate"):
        compute(goal(road=[(day(20), None, 1.0), (day(10), None, 1.0)]), pts((0, 0)))


def test_a_dial_error_still_reports_the_data_and_the_goal_as_filled_in():
    """Beebrain checks the road after processing the data, so its error output shows both."""
    gp = goal(road=[(day(20), None, 1.0), (None, 50.0, 1.0)], tfin=day(30), rfin=1.0)
    with pytest.raises(RoadError) as err:
        compute(gp, pts((0, 0), (1, 2), (3, 4)))
    # daily values 0, 2, 3, 4 once the gap is filled
    assert err.value.partial == dict(tdat=dayify(day(3)), numpts=3, mean=2.25, meandelt=4 / 3)
    # rows: day 20 (value 20), then value 50 at 1/day (day 50), then the goal row on day 30 < day 50
    assert err.value.params.tfin == day(30)
    assert err.value.params.vfin == pytest.approx(30.0)


def test_two_nulls_in_a_row_are_an_error():
    with pytest.raises(RoadError, match=r"Invalid graph matrix row: \[null,5,null\]"):
        compute(goal(road=[(None, 5.0, None)]), pts((0, 0)))


def test_three_values_in_a_row_are_an_error():
    with pytest.raises(RoadError, match=r'Invalid graph matrix row: \["2024.01.11",5,1\]'):
        compute(goal(road=[(day(10), 5.0, 1.0)]), pts((0, 0)))


def test_duplicate_middle_row_is_an_error():
    row = (day(10), None, 1.0)
    with pytest.raises(RoadError, match="duplicate row"):
        compute(goal(road=[(day(5), None, 1.0), row, row, (day(30), None, 1.0)]), pts((0, 0)))


@given(starts=st.lists(st.one_of(st.integers(-5, 40).map(float), st.floats(-5, 40)), min_size=1, max_size=40),
       values=st.lists(st.floats(-1e3, 1e3), min_size=40, max_size=40),
       slopes=st.lists(st.one_of(st.just(0.0), st.floats(-3, 3), st.just(math.inf)), min_size=40, max_size=40),
       times=st.lists(st.one_of(st.integers(-10, 50).map(float), st.floats(-10, 50)), max_size=80),
       on_starts=st.booleans())
@settings(max_examples=300, deadline=None)
def test_rdf_sorted_is_rdf_many_for_ascending_times(starts: list[float], values: list[float], slopes: list[float],
                                                    times: list[float], on_starts: bool) -> None:
    """Segment by segment (few segments) or point by point (many): the same bits either way."""
    t0 = sorted(starts)
    road = Road([Segment(a, values[i], a, 0.0, slopes[i]) for i, a in enumerate(t0)])
    t = np.array(sorted(times + (t0 if on_starts else [])), dtype=float)
    with np.errstate(all="ignore"):
        want = road.rdf_many(t) if len(t) else np.zeros(0)
        got = road.rdf_sorted(t)
    assert got.tobytes() == want.tobytes()
