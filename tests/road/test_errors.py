"""Bad input becomes RoadError with Beebrain's text; .bb error outputs look like Beebrain's."""

from __future__ import annotations

import math

import pytest

from brickroad.road import Datapoint, RoadError, compute, stats_from_bb
from brickroad.road.params import from_bb

from .helpers import day, goal, pts


def test_unknown_params_are_listed():
    with pytest.raises(RoadError) as e:
        from_bb({"gldt": 1358658000, "exprd": True, "yaw": 1})
    assert e.value.message == "Unknown params: gldt=1358658000, exprd=true"
    assert e.value.params is not None and e.value.params.yaw == 1


def test_ignored_legacy_params_are_accepted():
    gp = from_bb({"noisy": True, "edgy": False, "integery": True, "goal": 5, "rate": 2})
    assert (gp.vfin, gp.rfin) == (5, 2)
    assert gp.ignored["noisy"] is True


def test_missing_aggday_is_an_error():
    with pytest.raises(RoadError) as e:
        compute(goal(aggday=None), pts((0, 0)))
    assert e.value.message == "aggday = null\\nERROR: isn't one of max, sum, last, mean, etc"


@pytest.mark.parametrize("kw, text", [
    (dict(tini=None), "tini = null\\nERROR: isn't a valid timestamp"),
    (dict(runits="fortnight"), 'runits = "fortnight"\\nERROR: isn\'t a valid rate unit'),
    (dict(yaw=2), "yaw = 2\\nERROR: isn't in [0,-1,1]"),
    (dict(aggday="bogus"), 'aggday = "bogus"\\nERROR: isn\'t one of max, sum, last, mean, etc'),
    (dict(kyoom="yes"), 'kyoom = "yes"\\nERROR: isn\'t boolean'),
    (dict(deadline=7 * 3600), "deadline = 25200\\nERROR: outside 6am earlybird to 6am nightowl"),
    (dict(vini=math.nan), "vini = null\\nERROR: isn't numeric"),
])
def test_bad_param_values(kw: dict, text: str) -> None:
    with pytest.raises(RoadError) as e:
        compute(goal(**kw), pts((0, 0)))
    assert e.value.message == text


def test_graph_bounds_in_the_future():
    with pytest.raises(RoadError, match="solely in the future"):
        compute(goal(tmin=day(30)), pts((0, 0)))


def test_empty_data():
    with pytest.raises(RoadError, match="^No datapoints$"):
        compute(goal(), [])


def test_all_data_in_the_future():
    with pytest.raises(RoadError, match="All datapoints are in the future!"):
        compute(goal(asof=day(1)), pts((3, 1)))


@pytest.mark.parametrize("point", [
    Datapoint(day(1), math.nan, ""),
    Datapoint(day(1), math.inf, ""),
    Datapoint(day(1), 1e308 * 10, ""),
    Datapoint(math.nan, 1.0, ""),
    Datapoint(-5, 1.0, ""),
    Datapoint(day(1), 1.0, None),  # type: ignore[arg-type]
    (day(1), None, ""),
])
def test_invalid_datapoints(point) -> None:
    with pytest.raises(RoadError, match="^Invalid datapoint: "):
        compute(goal(), pts((0, 0)) + [point])


def test_data_before_tini_is_fine():
    # Beebrain keeps such points (they are drawn, just not coloured)
    res = compute(goal(tini=day(2), asof=day(3)), pts((0, 7), (2, 2), (3, 3)))
    assert res.points[0].color == "black"


def test_error_output_echoes_params_like_beebrain():
    bb = {"params": {"gldt": "20160723", "vfin": 100.0, "rfin": -1.0, "runits": "w",
                     "asof": "20170719", "aggday": "min", "yaw": -1, "dir": -1},
          "data": [["20170101", 1.0, ""]]}
    out = stats_from_bb(bb)
    assert out["error"] == "Unknown param: gldt=20160723"
    assert (out["goal"], out["rate"], out["rfin"], out["vfin"]) == (100.0, -604800.0, -1.0, 100.0)
    assert out["tini"] is None and out["fullroad"] == [] and out["lane"] == 666
    assert out["color"] == "black" and out["safebuf"] is None
    assert out["proctm"] == 1500422400  # asof's midnight


def test_asof_is_required():
    with pytest.raises(RoadError, match="asof = null"):
        compute(goal(asof=None), pts((0, 0)))
