"""Graph series exposed on the result: moving average, rosy line, aura."""

from __future__ import annotations

import pytest

from brickroad.road import compute

from .helpers import day, goal, pts


def test_series_are_empty_unless_asked_for():
    res = compute(goal(), pts((0, 0), (5, 5)))
    assert res.moving_average == [] and res.rosy_points == [] and res.aura_curve == []


def test_moving_average_of_constant_data_is_constant():
    res = compute(goal(movingav=True, asof=day(10)), pts((0, 3), (5, 3), (10, 3)))
    assert res.moving_average
    assert all(v == pytest.approx(3) for _, v in res.moving_average)


def test_rosy_with_no_flux_follows_the_data():
    res = compute(goal(rosy=True, asof=day(2)), pts((0, 0), (1, 1), (2, 2)))
    assert res.stdflux == 0
    assert res.rosy_points == [(day(0), 0), (day(1), 1), (day(2), 2)]


def test_aura_of_a_straight_line_is_that_line():
    res = compute(goal(aura=True, asof=day(4)), pts((0, 0), (2, 4), (4, 8)))
    assert res.aura_curve[0] == (day(0), pytest.approx(0, abs=1e-9))
    assert res.aura_curve[6][1] == pytest.approx(12)  # extends past today at the same slope


def test_derailments_and_hashtags():
    res = compute(goal(asof=day(3)), pts((0, 0), (1, 1, "RECOMMITTED at 1 #oops"), (2, 2, "#a #b x#c")))
    assert res.derails == [(day(1), 1)]
    assert res.hashtags == [(day(1), "#oops"), (day(2), "#a #b")]
