"""PNGs: size, not blank, thumbnail frame; awkward goals still give a picture."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from brickroad.graph import render, render_bb, render_goal
from brickroad.road import Datapoint, GoalParams, compute
from brickroad.road.dates import SID

from .helpers import T0, by_class, do_more, golden_bb, parse


def _img(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png)).convert("RGB")


def _assert_picture(g) -> Image.Image:
    img = _img(g.png())
    assert img.size == (696, 453)
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 5, "not a blank image"
    thumb = _img(g.thumbnail())
    assert thumb.size == (212, 140)
    parse(g.svg())  # well-formed XML
    return img


@pytest.mark.parametrize("name", ["caillu+duolingo-spanish", "johnmarkos+booze", "sohum+weight",
                                  "b+meta", "kyshoc+nutrition", "drtall+gmailzero",
                                  "riderback65+core_and_pt", "b+weight"])
def test_golden_goals_render_at_beeminder_size(name: str) -> None:
    g = render_bb(golden_bb(name))
    assert g.error == ""
    img = _assert_picture(g)
    assert max(n for n, _ in img.getcolors(1 << 20)) < 0.9 * 696 * 453, "a graph, not a blank page"
    reds = sum(n for n, c in img.getcolors(1 << 20) if c[0] > 230 and c[1] < 40 and c[2] < 40)
    assert reds > 100, "the bright red line is drawn"


def test_thumbnail_frame_has_the_status_colour() -> None:
    for name, rgb in (("riderback65+core_and_pt", (0, 128, 0)), ("caillu+duolingo-spanish", (0, 0, 255)),
                      ("kyshoc+nutrition", (255, 0, 0))):
        thumb = _img(render_bb(golden_bb(name)).thumbnail())
        assert thumb.getpixel((0, 0)) == rgb
        assert thumb.getpixel((211, 139)) == rgb
        assert thumb.getpixel((1, 70)) == rgb


def test_no_data_gives_a_placeholder_with_the_reason() -> None:
    gp, _ = do_more(3)
    g = render_goal(gp, [])
    assert "No datapoints" in g.error
    _assert_picture(g)
    assert "No datapoints" in g.svg()


def test_one_point() -> None:
    gp, data = do_more(1)
    g = render(gp, compute(gp, data))
    assert g.error == ""
    _assert_picture(g)


def test_all_points_on_one_day() -> None:
    gp, _ = do_more(1)
    data = [Datapoint(float(T0), float(i), "") for i in range(50)]
    g = render_goal(replace(gp, aggday="last", kyoom=False), data)
    _assert_picture(g)


def test_huge_values() -> None:
    gp, _ = do_more(1)
    gp = replace(gp, vini=1e300, rfin=1e295, kyoom=False, aggday="last")
    data = [Datapoint(float(T0 + i * SID), 1e300 + i * 1e297, "") for i in range(5)]
    g = render_goal(replace(gp, asof=float(T0 + 4 * SID)), data)
    _assert_picture(g)


def test_negative_rate_do_less() -> None:
    gp = GoalParams(tini=float(T0), vini=100.0, road=[], tfin=float(T0 + 60 * SID), vfin=None, rfin=-2.0,
                    runits="d", yaw=-1, dir=1, kyoom=True, aggday="sum", asof=float(T0 + 9 * SID),
                    waterbux="$10")
    data = [Datapoint(float(T0 + i * SID), 3.0, "") for i in range(10)]
    g = render(gp, compute(gp, data))
    _assert_picture(g)


def test_road_entirely_in_the_past() -> None:
    gp, data = do_more(40)
    gp = replace(gp, tfin=float(T0 + 10 * SID))
    g = render_goal(gp, data)
    _assert_picture(g)
    if not g.error:
        assert by_class(parse(g.svg()), "waterbuf")


def test_road_entirely_in_the_future() -> None:
    gp, data = do_more(5)
    gp = replace(gp, tini=float(T0 + 30 * SID), tfin=float(T0 + 300 * SID), vini=5.0)
    g = render_goal(gp, data)
    _assert_picture(g)


def test_data_all_in_the_future_is_a_placeholder() -> None:
    gp, data = do_more(5)
    g = render_goal(replace(gp, asof=float(T0 - 5 * SID)), data)
    assert g.error
    _assert_picture(g)


def test_many_points_render() -> None:
    gp = GoalParams(tini=float(T0), vini=80.0, road=[], tfin=float(T0 + 4000 * SID), vfin=None, rfin=-0.001,
                    runits="d", yaw=-1, dir=-1, aggday="min", asof=float(T0 + 2999 * SID),
                    movingav=True, rosy=True, aura=True, steppy=True)
    data = [Datapoint(float(T0 + (i // 10) * SID), 80.0 + (i % 7) * 0.1, "") for i in range(30_000)]
    g = render(gp, compute(gp, data))
    assert g.error == ""
    _assert_picture(g)


def _all_golden() -> list[str]:
    from .helpers import GOLDEN

    return sorted(p.stem for p in GOLDEN.glob("*.bb"))


@pytest.mark.parametrize("name", _all_golden())
def test_every_golden_goal_draws_without_error(name: str) -> None:
    """build_scene raises instead of falling back, so a drawing bug can't hide behind a placeholder."""
    from brickroad.graph import build_scene, to_svg
    from brickroad.graph.raster import render_image
    from brickroad.road import RoadError, load_bb

    try:
        gp, data = load_bb(golden_bb(name))
        res = compute(gp, data)
    except RoadError:
        g = render_bb(golden_bb(name))
        assert g.error and g.png()[:4] == b"\x89PNG"
        return
    scene = build_scene(gp, res)
    assert render_image(scene).size == (696, 453)
    parse(to_svg(scene))
