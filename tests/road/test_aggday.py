"""Aggregation of same-timestamp datapoints, kyoom and #TARE; expected values worked by hand."""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brickroad.road import RoadError, compute
from brickroad.road.aggregate import (AGGDAY_METHODS, aggregate, aggregate_values,
                                      apply_tare, seq_prefix, seq_sums, tare_mask)

from .helpers import goal, pts


def agg1(method: str, values: list[float], rsk8: float = 0.0) -> float:
    """Aggregate one group of values."""
    v = np.array(values, dtype=float)
    return float(aggregate_values(v, np.array([0]), np.array([len(v)]), method, rsk8)[0])


@pytest.mark.parametrize("method, values, expected", [
    ("last", [1, 2, 3], 3),
    ("first", [1, 2, 3], 1),
    ("min", [3, 1, 2], 1),
    ("max", [3, 1, 2], 3),
    ("sum", [1, 2, 3], 6),
    ("count", [7, 7, 7], 3),
    ("jolly", [0, 0], 1),
    ("binary", [5], 1),
    ("truemean", [1, 1, 4], 2),
    ("mu", [1, 1, 4], 2),
    ("average", [1, 1, 4], 2),
    ("mean", [1, 1, 4], 2.5),        # de-duplicated: (1+4)/2
    ("uniqmean", [1, 1, 4], 2.5),
    ("munique", [1, 1, 4], 2.5),
    ("median", [3, 1, 2], 2),
    ("median", [4, 1, 3, 2], 2.5),   # two middle values averaged
    ("mode", [1, 2, 2, 1], 2),       # 2 reaches count 2 first
    ("mode", [5, 3, 3, 5, 5], 5),
    ("trimmean", [100, 1, 2, 3, 4, 5, 6, 7, 8, -100], 4.5),  # floor(0.1*10)=1 off each end
    ("mutrim", [1, 2, 3], 2),        # floor(0.3)=0: nothing trimmed
    ("clocky", [1, 2, 6, 9], 4),     # (2-1)+(9-6)
    ("clocky", [1, 2, 6], 1),        # odd last value ignored
    ("nonzero", [0, 0, 3], 1),
    ("nonzero", [0, 0], 0),
    ("unaryflat", [0, -2], 1),
    ("triangle", [1, 2], 6),         # 3*4/2
    ("square", [1, 2], 9),
    ("unary", [0, 0, -3], 1),         # 1 for any datapoints, whatever their values
    ("countflat", [2, 0, 1, 0], 2),   # "flat": zero values left out
    ("muflat", [2, 0, 4, 0], 3),
    ("muflat", [0, 0], 0),            # nothing left: Beebrain's mean of nothing
    ("cap1", [0.5, 0.7], 1),
    ("satsum", [0.25, 0.5], 0.75),
    ("sqrt", [9, 7], 4),
])
def test_aggday_method(method: str, values: list[float], expected: float) -> None:
    assert agg1(method, values) == expected


# The 30 aggday methods Beebrain knows (../shared/golden/road/README.md), no more, no less.
BEEBRAIN_AGGDAYS = {
    "sum", "last", "first", "min", "max", "count", "mu", "munique", "mutrim", "median", "mode",
    "unary", "unaryflat", "triangle", "square", "clocky", "skatesum", "satsum", "sqrt",
    "countflat", "muflat", "truemean", "average", "uniqmean", "mean", "trimmean", "binary",
    "jolly", "nonzero", "cap1",
}


def test_the_methods_are_beebrains():
    assert set(AGGDAY_METHODS) == BEEBRAIN_AGGDAYS


def test_a_method_beebrain_dropped_is_refused():
    with pytest.raises(RoadError, match="aggday"):
        compute(goal(aggday="kyshoc"), pts((0, 1)))


def test_sqrt_of_negative_sum_is_nan():
    assert math.isnan(agg1("sqrt", [-4]))


def test_skatesum_caps_at_the_daily_rate_from_rfin():
    assert agg1("skatesum", [3, 4], rsk8=5) == 5
    assert agg1("skatesum", [1, 2], rsk8=5) == 3


def test_sums_fold_left_to_right_like_javascript():
    # 1e16 + 1 rounds back to 1e16 each time; a pairwise sum would give 1e16 + 2
    assert agg1("sum", [1e16, 1, 1]) == 1e16
    assert agg1("sum", [1e16] + [1.0] * 100) == 1e16  # long groups too


def test_groups_are_runs_of_equal_timestamps():
    ts = np.array([1.0, 1.0, 2.0, 3.0, 3.0, 3.0])
    vs = np.array([1.0, 2.0, 5.0, 1.0, 1.0, 1.0])
    a = aggregate(ts, vs, "sum", kyoom=False)
    assert a.t.tolist() == [1, 2, 3]
    assert a.v.tolist() == [3, 5, 3]


def test_kyoom_accumulates_days_and_raw_points():
    ts = np.array([1.0, 1.0, 2.0])
    vs = np.array([1.0, 2.0, 3.0])
    a = aggregate(ts, vs, "sum", kyoom=True)
    assert a.v.tolist() == [3, 6]
    assert a.raw_v.tolist() == [1, 3, 6]  # within-day running sum on top of earlier days
    b = aggregate(ts, vs, "max", kyoom=True)
    assert b.v.tolist() == [2, 5]
    assert b.raw_v.tolist() == [1, 2, 5]  # each raw value plus the total before its day


def test_last_and_first_keep_input_order_within_a_day():
    res = compute(goal(asof=pts((5, 0))[0].t), pts((0, 0), (5, 9), (5, 7)))
    assert res.vcur == 7
    res = compute(goal(aggday="first", asof=pts((5, 0))[0].t), pts((0, 0), (5, 9), (5, 7)))
    assert res.vcur == 9


def test_unsorted_input_is_stably_sorted_by_time():
    res = compute(goal(asof=pts((5, 0))[0].t), pts((5, 8), (0, 0), (5, 6)))
    assert res.vcur == 6
    assert [p.value for p in res.points] == [0, 6]


def test_tare_tag_matching():
    m = tare_mask(["", "reset #TARE", "@TARE now", "#TAREX", "x#TARE", "#tare"])
    assert m.tolist() == [False, True, True, False, False, False]


def test_tare_makes_the_tagged_reading_the_new_zero():
    # reads 10, reset to 3 (the total stays 10), tagged again at 4 (still 10), then 6 (12)
    v = apply_tare(np.array([10.0, 3.0, 4.0, 6.0]), np.array([False, True, True, False]))
    assert v.tolist() == [10, 10, 10, 12]


def test_tare_through_compute():
    res = compute(goal(asof=pts((3, 0))[0].t),
                  pts((0, 0), (1, 20), (2, 5, "new book #TARE"), (3, 10)))
    assert [p.value for p in res.points] == [0, 20, 20, 25]
    assert res.tare_times == [pts((2, 0))[0].t]


@pytest.mark.parametrize("kw", [dict(kyoom=True, aggday="sum"), dict(aggday="max")])
def test_tare_is_refused_unless_odometer_style(kw: dict) -> None:
    with pytest.raises(RoadError, match="TARE"):
        compute(goal(**kw), pts((0, 0), (1, 5, "#TARE")))


def test_odom_param_alone_changes_nothing():
    # zeros used to mean "odometer reset"; now only #TARE does
    data = pts((0, 0), (1, 20), (2, 0), (3, 10))
    a = compute(goal(odom=True, asof=pts((3, 0))[0].t), data)
    b = compute(goal(odom=False, asof=pts((3, 0))[0].t), data)
    assert [p.value for p in a.points] == [p.value for p in b.points] == [0, 20, 0, 10]


@given(
    sizes=st.lists(st.integers(0, 90), min_size=1, max_size=12),
    whole=st.booleans(),
    data=st.data(),
)
@settings(max_examples=200, deadline=None)
def test_group_sums_are_left_folds_bit_for_bit(sizes: list[int], whole: bool, data: st.DataObject) -> None:
    """Whole numbers take the one-cumsum shortcut, fractions the fold loop; both must equal JS's reduce."""
    n = sum(sizes)
    element = st.integers(-10**6, 10**6).map(float) if whole else st.floats(-1e6, 1e6, allow_nan=False)
    vals = np.array(data.draw(st.lists(element, min_size=n, max_size=n)), dtype=float)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    sizes_a = np.array(sizes, dtype=np.int64)
    folds = [functools.reduce(lambda a, b: a + b, vals[s:s + k].tolist(), 0.0) for s, k in zip(starts, sizes)]
    assert seq_sums(vals, starts, sizes_a).tolist() == folds
    prefix = [acc for s, k in zip(starts, sizes) for acc in itertools.accumulate(vals[s:s + k].tolist())]
    assert seq_prefix(vals, starts, sizes_a).tolist() == prefix


@given(
    days=st.lists(st.integers(0, 4), min_size=1, max_size=40),
    more=st.lists(st.integers(0, 3), min_size=1, max_size=20),
    method=st.sampled_from(sorted(AGGDAY_METHODS)),
    kyoom=st.booleans(),
    whole=st.booleans(),
    data=st.data(),
)
@settings(max_examples=300, deadline=None)
def test_carrying_on_from_a_prior_aggregation_is_bit_for_bit(
    days: list[int], more: list[int], method: str, kyoom: bool, whole: bool, data: st.DataObject
) -> None:
    """Points added after all but the last group: aggregating from `prior` equals aggregating anew."""
    old_t = np.cumsum(days).astype(float) * 86400
    new_t = old_t[-1] + np.cumsum(more).astype(float) * 86400  # the first may join the last old day
    element = st.integers(-50, 50).map(float) if whole else st.floats(-1e6, 1e6, allow_nan=False)
    vals = np.array(data.draw(st.lists(element, min_size=len(old_t) + len(new_t),
                                       max_size=len(old_t) + len(new_t))), dtype=float)
    ts = np.concatenate((old_t, new_t))
    prior = aggregate(old_t, vals[:len(old_t)], method, kyoom, 3.0)
    fresh = aggregate(ts, vals, method, kyoom, 3.0)
    carried = aggregate(ts, vals, method, kyoom, 3.0, prior)
    for name in ("t", "v", "starts", "sizes"):
        np.testing.assert_array_equal(getattr(carried, name), getattr(fresh, name))
    np.testing.assert_array_equal(carried.raw_v, fresh.raw_v)


def test_a_prior_that_does_not_fit_is_ignored() -> None:
    ts = np.array([0.0, 0.0, 86400.0, 2 * 86400.0])
    vals = np.array([1.0, 2.0, 3.0, 4.0])
    fresh = aggregate(ts, vals, "sum", True)
    other_method = aggregate(ts[:3], vals[:3], "max", True)
    joined = aggregate(np.array([0.0, 86400.0]), vals[:2], "sum", True)  # a new point joined its first day
    for prior in (other_method, joined):
        np.testing.assert_array_equal(aggregate(ts, vals, "sum", True, prior=prior).v, fresh.v)


# ---- every method against a plain reference written from the golden README's definitions

def _fold(xs: list[float]) -> float:
    return functools.reduce(lambda a, b: a + b, xs, 0.0)


def _mean(xs: list[float]) -> float:
    return _fold(xs) / len(xs) if xs else 0.0


def _dedup(xs: list[float]) -> list[float]:
    seen: list[float] = []
    for x in xs:
        if x not in seen:
            seen.append(x)
    return seen


def _ref_mode(xs: list[float]) -> float:
    counts: dict[float, int] = {}
    best, most = xs[0], 0
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
        if counts[x] > most:
            best, most = x, counts[x]
    return best


def _ref_median(xs: list[float]) -> float:
    s, n = sorted(xs), len(xs)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _ref_trimmean(xs: list[float]) -> float:
    k = math.floor(0.1 * len(xs))
    return _mean(sorted(xs)[k:len(xs) - k])


def _ref_clocky(xs: list[float]) -> float:
    return _fold([xs[i] - xs[i - 1] for i in range(1, len(xs), 2)])


def _ref_sqrt(xs: list[float]) -> float:
    s = _fold(xs)
    return math.sqrt(s) if s >= 0 else math.nan


RSK8 = 2.5
REFERENCE = {
    "sum": _fold, "last": lambda x: x[-1], "first": lambda x: x[0], "min": min, "max": max,
    "count": len, "countflat": lambda x: sum(1 for v in x if v != 0),
    "truemean": _mean, "mu": _mean, "average": _mean,
    "mean": lambda x: _mean(_dedup(x)), "uniqmean": lambda x: _mean(_dedup(x)),
    "munique": lambda x: _mean(_dedup(x)), "muflat": lambda x: _mean([v for v in x if v != 0]),
    "trimmean": _ref_trimmean, "mutrim": _ref_trimmean, "median": _ref_median, "mode": _ref_mode,
    "unary": lambda x: 1, "binary": lambda x: 1, "jolly": lambda x: 1,
    "nonzero": lambda x: int(any(v != 0 for v in x)), "unaryflat": lambda x: int(any(v != 0 for v in x)),
    "triangle": lambda x: _fold(x) * (_fold(x) + 1) / 2, "square": lambda x: _fold(x) * _fold(x),  # the correctly rounded square (Python's pow can be an ulp off)
    "clocky": _ref_clocky, "skatesum": lambda x: min(RSK8, _fold(x)),
    "satsum": lambda x: min(1, _fold(x)), "cap1": lambda x: min(1, _fold(x)), "sqrt": _ref_sqrt,
}


def test_the_reference_covers_every_method() -> None:
    assert set(REFERENCE) == BEEBRAIN_AGGDAYS


@given(
    method=st.sampled_from(sorted(BEEBRAIN_AGGDAYS)),
    groups=st.lists(st.lists(st.one_of(st.integers(-3, 3).map(float),
                                       st.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=25),
                    min_size=1, max_size=15),
)
@settings(max_examples=600, deadline=None)
def test_every_method_matches_the_reference(method: str, groups: list[list[float]]) -> None:
    """Small integers make repeats, zeros and ties common; floats make summation order show."""
    vals = np.array([v for g in groups for v in g], dtype=float)
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    got = aggregate_values(vals, starts, sizes, method, RSK8).tolist()
    want = [float(REFERENCE[method](g)) for g in groups]
    assert [(x if x == x else "nan") for x in got] == [(x if x == x else "nan") for x in want]
