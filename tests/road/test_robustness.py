"""Garbage in: the engine answers with RoadError (or a result), never a crash from inside."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brickroad.road import RoadError, compute, stats_from_bb
from brickroad.road.params import from_bb

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "20240101", "2024-01-01", "abc", "1e400", "d", "sum", "last"]),
)
rows = st.lists(st.one_of(st.lists(scalars, min_size=0, max_size=4), scalars), max_size=5)
stamps = st.one_of(st.sampled_from(["20240101", "20240301", "20250101", "19991231"]),
                   st.integers(1, 5 * 10**9), st.floats(allow_nan=True, allow_infinity=True))
good_bb = st.fixed_dictionaries({
    "params": st.fixed_dictionaries({
        "tini": stamps, "vini": scalars, "road": rows, "tfin": stamps, "vfin": scalars,
        "rfin": scalars, "runits": st.sampled_from(["d", "w", "m", "y", "h", "x"]),
        "yaw": st.sampled_from([1, -1, 0, 2]), "dir": st.sampled_from([1, -1, 0]),
        "aggday": st.sampled_from(["sum", "last", "min", "mode", "clocky", "trimmean", "x"]),
        "kyoom": st.booleans(), "asof": stamps,
    }),
    "data": st.lists(st.lists(st.one_of(stamps, scalars), min_size=0, max_size=4), max_size=8),
})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(good_bb)
def test_any_bb_gives_stats_or_an_error_output(bb):
    out = stats_from_bb(bb)
    assert isinstance(out["error"], str)
    if not out["error"]:
        assert out["tcur"] is not None and isinstance(out["safebuf"], int)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["tini", "vini", "road", "tfin", "rfin", "yaw", "asof",
                                        "deadline", "tmin", "yaxis", "aggday", "bogus"]), scalars))
def test_any_params_dict_is_accepted_or_refused_cleanly(p):
    try:
        gp = from_bb(p)
        compute(gp, [(1704067200, 1.0, "")])
    except RoadError as e:
        assert e.message


def test_far_future_datapoint_is_just_a_future_point():
    # only points up to asof are gap-filled or walked, so a silly date costs nothing
    bb = {"params": {"tini": "20240101", "vini": 0, "road": [], "tfin": "20250101", "vfin": None,
                     "rfin": 1, "runits": "d", "yaw": 1, "dir": 1, "aggday": "last",
                     "asof": "20240105"},
          "data": [["20240101", 0, ""], [1e15, 1, ""]]}
    out = stats_from_bb(bb)
    assert out["error"] == "" and out["tdat"] == "20240101" and out["numpts"] == 1


def test_huge_values_do_not_crash():
    bb = {"params": {"tini": "20240101", "vini": 0, "road": [], "tfin": "20250101", "vfin": None,
                     "rfin": 1e308, "runits": "d", "yaw": 1, "dir": 1, "aggday": "sum",
                     "kyoom": True, "asof": "20240105"},
          "data": [["20240101", 1e308, ""], ["20240102", 1e308, ""]]}
    out = stats_from_bb(bb)
    assert out["error"] == ""
    assert out["vcur"] == math.inf  # the sum overflows, as it does in JavaScript
