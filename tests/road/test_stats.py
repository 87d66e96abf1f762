"""mean, meandelt, stdflux and the quantile they use; worked by hand."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from brickroad.road import compute
from brickroad.road.dates import SID
from brickroad.road.stats import gap_fill, mean_and_meandelt, quantile_type1, seq_total

from .helpers import D, day, goal, pts


def test_gap_fill_interpolates_whole_days():
    t = np.array([0.0, 2 * D, 3 * D])
    v = np.array([0.0, 4.0, 10.0])
    assert gap_fill(t, v).tolist() == [0, 2, 4, 10]


def test_mean_and_meandelt_of_gap_filled_data():
    t = np.array([0.0, 2 * D])
    v = np.array([0.0, 4.0])
    assert mean_and_meandelt(t, v) == (2.0, 2.0)  # days 0, 2, 4
    assert mean_and_meandelt(t[:1], v[:1]) == (0.0, 0.0)


def test_quantile_type1_is_the_inverse_empirical_cdf():
    assert quantile_type1(np.arange(1.0, 11.0), 0.9) == 9  # 10*0.9-1 = 8 -> y[8]
    assert quantile_type1(np.array([2.0, 0.0]), 0.9) == 2  # 0.8 -> next order statistic


def test_stdflux_subtracts_the_lines_own_change():
    # line +1/day; data moves +3 then +1: deviations 2 and 0; 90% quantile 2
    res = compute(goal(asof=day(2)), pts((0, 0), (1, 3), (2, 4)))
    assert res.stdflux == 2


def test_stdflux_ignores_points_before_tini():
    res = compute(goal(tini=day(1), asof=day(3)), pts((0, 100), (1, 1), (2, 2), (3, 3)))
    assert res.stdflux == 0


def test_numpts_counts_raw_points_up_to_asof():
    data = pts((0, 0), (1, 1), (1, 2), (2, 3), (9, 4))
    assert compute(goal(asof=day(2)), data).numpts == 4
    assert compute(goal(asof=day(2), plotall=False), data).numpts == 3


@given(days=st.lists(st.integers(0, 60), min_size=2, max_size=40, unique=True),
       shift=st.sampled_from([0.0, 3600.0]), data=st.data())
@settings(max_examples=300, deadline=None)
def test_gap_fill_counts_off_aligned_days_as_a_search_would(days: list[int], shift: float,
                                                            data: st.DataObject) -> None:
    """Day-aligned points take a counting shortcut; points off the grid are searched; same answer."""
    t = np.array(sorted(days), dtype=float) * SID + 1.7e9 // SID * SID
    t[1:] += np.array(data.draw(st.lists(st.sampled_from([0.0, shift]), min_size=len(t) - 1,
                                         max_size=len(t) - 1)))
    v = np.array(data.draw(st.lists(st.floats(-1e3, 1e3), min_size=len(t), max_size=len(t))))
    grid = t[0] + np.arange(int((t[-1] - t[0]) // SID) + 1, dtype=float) * SID
    i = np.minimum(np.searchsorted(t[1:], grid, side="left"), len(t) - 2)
    want = v[i] + (v[i + 1] - v[i]) * ((grid - t[i]) / (t[i + 1] - t[i]))
    np.testing.assert_array_equal(gap_fill(t, v), want)


@given(n=st.integers(2, 40), start=st.sampled_from([1.7e9 // SID * SID, 1.7e9 // SID * SID + 3600.0, 0.1, 1e15 + 0.5]),
       vals=st.lists(st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan])),
                     min_size=40, max_size=40))
@settings(max_examples=300, deadline=None)
def test_gap_fill_with_a_point_every_day_is_the_interpolation(n: int, start: float, vals: list[float]) -> None:
    """The every-day shortcut (weights exactly 0 and 1) against the general formula, bit for bit."""
    t = start + np.arange(n, dtype=float) * SID
    v = np.array(vals[:n])
    grid = t[0] + np.arange(int((t[-1] - t[0]) // SID) + 1, dtype=float) * SID
    grid = grid[grid <= t[-1]]
    i = np.minimum(np.searchsorted(t[1:], grid, side="left"), len(t) - 2)
    with np.errstate(all="ignore"):
        want = v[i] + (v[i + 1] - v[i]) * ((grid - t[i]) / (t[i + 1] - t[i]))
        got = gap_fill(t, v)
    assert got.tobytes() == want.tobytes()


@given(st.lists(st.one_of(st.floats(allow_nan=False), st.sampled_from([0.0, -0.0, 1e308, -1e308])), max_size=30))
@settings(max_examples=300, deadline=None)
def test_seq_total_is_a_left_fold_from_zero(xs: list[float]) -> None:
    want = 0.0
    for x in xs:
        want += x
    with np.errstate(all="ignore"):
        got = seq_total(np.array(xs, dtype=float))
    assert math.copysign(1, got) == math.copysign(1, want) and (got == want or (math.isnan(got) and math.isnan(want)))
