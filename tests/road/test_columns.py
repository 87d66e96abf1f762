"""DataColumns input: the same results as point lists, with or without the caller's hints."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brickroad.road import RoadError, compute
from brickroad.road.bbjson import _row, data_from_bb, result_stats
from brickroad.road.params import from_bb
from brickroad.road.types import DataColumns

from .helpers import day, goal, pts


def _summary(res):  # type: ignore[no-untyped-def]
    return (res.safebuf, res.tluz, res.vcur, res.delta, res.numpts, res.tare_times,
            [tuple(p) for p in res.rawpoints], [tuple(p) for p in res.points])


@pytest.mark.parametrize("comments", [["", "a", "", "b"], ["", "#TARE", "", "x"]])
def test_columns_and_hints_match_point_lists(comments: list[str]) -> None:
    data = pts((0, 5, comments[0]), (1, 9, comments[1]), (1, 3, comments[2]), (3, 4, comments[3]))
    gp = goal(aggday="last", odom=False)
    expected = _summary(compute(gp, data))
    t = np.array([p.t for p in data])
    v = np.array([p.value for p in data])
    tare = any("TARE" in c for c in comments)
    for hint in (None, tare):
        cols = DataColumns(t, v, list(comments), tare=hint)
        assert _summary(compute(gp, cols)) == expected
    assert t.tolist() == [p.t for p in data]  # the caller's arrays are left alone


def test_unsorted_columns_are_sorted_like_point_lists() -> None:
    data = pts((3, 4, "c"), (0, 5, "a"), (1, 9, "b"), (1, 2, "b2"))
    gp = goal(aggday="sum", kyoom=True)
    cols = DataColumns(np.array([p.t for p in data]), np.array([p.value for p in data]), [p.comment for p in data])
    assert _summary(compute(gp, cols)) == _summary(compute(gp, data))


def test_non_string_comments_are_refused_without_a_hint() -> None:
    cols = DataColumns(np.array([day(0), day(1)]), np.array([1.0, 2.0]), ["ok", 7])  # type: ignore[list-item]
    with pytest.raises(RoadError):
        compute(goal(), cols)


@pytest.mark.parametrize("kw", [dict(aggday="sum", kyoom=True), dict(aggday="last"), dict(aggday="mean", kyoom=True)])
def test_vetted_columns_with_a_prior_give_what_a_full_run_gives(kw: dict) -> None:
    """What the point cache hands over after a write: no checks, no copies, the last run's aggregation."""
    data = pts(*[(d // 3, (d * 7) % 5, f"c{d}") for d in range(12)])
    gp = goal(**kw)
    t = np.array([p.t for p in data])
    v = np.array([p.value for p in data])
    comments = [p.comment for p in data]
    before = compute(gp, DataColumns(t[:7], v[:7], comments[:7], tare=False, vetted=True))
    assert before.aggregated is not None
    for prior in (None, before.aggregated):
        cols = DataColumns(t, v, list(comments), tare=False, vetted=True, prior=prior)
        assert _summary(compute(gp, cols)) == _summary(compute(gp, data))


# ---- the bulk .bb reader against the row-by-row one it stands in for

_STAMPS = st.one_of(
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2024, 12, 31)).map(
        lambda d: d.strftime("%Y%m%d")),
    st.sampled_from(["2024011", "202401011", "2024-01-01", "20241301", "20240100", "２０２４０１０１",
                     "0999" + "0101", "2024010a", "", "20240231", "30000101", "29991231", "10000101",
                     "2024/101", "2024:101", "20241200", "20240132"]),
    st.integers(1_577_836_800, 1_735_600_000),
    st.just(10**400),
    st.floats(1.5e9, 1.8e9),
    st.booleans(),
)
_VALUES = st.one_of(st.integers(-5, 5), st.floats(-1e3, 1e3, allow_nan=False), st.booleans(),
                    st.sampled_from(["3", None, 10**400, np.float64(2.5), np.int64(2)]))
_COMMENTS = st.one_of(st.sampled_from(["", "x", "#TARE", "a,b"]), st.integers(0, 2))


def _outcome(data: object) -> object:
    gp = from_bb(dict(tini="20200101", vini=0, road=[], tfin="20260101", rfin=1, runits="d",
                      yaw=1, dir=1, kyoom=True, aggday="sum", asof="20250101"))
    try:
        return result_stats(compute(gp, data))  # type: ignore[arg-type]
    except RoadError as e:
        return e.message


@given(rows=st.lists(st.tuples(_STAMPS, _VALUES, _COMMENTS).map(list), max_size=12), clean=st.booleans())
@settings(max_examples=400, deadline=None)
def test_bulk_reading_gives_what_reading_row_by_row_gives(rows: list[list[object]], clean: bool) -> None:
    if clean:  # mostly well-formed files, so that the bulk path is taken often
        rows = [r for r in rows if isinstance(r[0], str) and len(r[0]) == 8 and r[0].isascii()
                and r[0].isdigit() and type(r[1]) in (int, float) and isinstance(r[2], str)]
    assert _outcome(data_from_bb(rows)) == _outcome([_row(r) for r in rows])
