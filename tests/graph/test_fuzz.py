"""Random small goals: the engine may refuse them, but drawing never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from brickroad.graph import build_scene, render_goal, to_svg
from brickroad.graph.raster import render_image
from brickroad.road import Datapoint, GoalParams, RoadError, compute
from brickroad.road.dates import SID

from .helpers import T0

values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@st.composite
def goals(draw: st.DrawFn) -> tuple[GoalParams, list[Datapoint]]:
    n = draw(st.integers(min_value=0, max_value=25))
    days = draw(st.lists(st.integers(min_value=-10, max_value=60), min_size=n, max_size=n))
    vals = draw(st.lists(values, min_size=n, max_size=n))
    yaw, direction = draw(st.sampled_from([(1, 1), (-1, 1), (-1, -1), (1, -1), (0, 0)]))
    gp = GoalParams(
        tini=float(T0), vini=draw(values), road=[],
        tfin=float(T0 + draw(st.integers(min_value=1, max_value=500)) * SID), vfin=None,
        rfin=draw(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)),
        runits=draw(st.sampled_from(["d", "w", "m", "y", "h"])), yaw=yaw, dir=direction,
        kyoom=draw(st.booleans()), aggday=draw(st.sampled_from(["sum", "last", "min", "max", "mean"])),
        asof=float(T0 + draw(st.integers(min_value=-5, max_value=80)) * SID),
        steppy=draw(st.booleans()), rosy=draw(st.booleans()), movingav=draw(st.booleans()),
        aura=draw(st.booleans()), maxflux=draw(st.sampled_from([0, 3])), waterbux="$5",
    )
    data = [Datapoint(float(T0 + d * SID), v, "#tag" if i % 5 == 0 else "") for i, (d, v) in enumerate(zip(days, vals))]
    return gp, data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(goals())
@example((GoalParams(tini=float(T0), vini=0.0, road=[], tfin=float(T0 + SID), vfin=None, rfin=2.2250738585072014e-308,
                     runits="d", yaw=1, dir=1, aggday="sum", asof=float(T0), waterbux="$5"),
          [Datapoint(float(T0), 0.0, "#tag")]))  # a subnormal rate: y ticks 2e-309 apart
def test_random_goals_always_draw(goal: tuple[GoalParams, list[Datapoint]]) -> None:
    gp, data = goal
    try:
        res = compute(gp, data)
    except RoadError:
        g = render_goal(gp, data)
        assert g.error and g.png()[:4] == b"\x89PNG"
        return
    scene = build_scene(gp, res)  # raises on a drawing bug (render() would hide it)
    assert render_image(scene).size == (696, 453)
    assert to_svg(scene).startswith("<?xml")
