"""The SVG's structure: road, lanes, dots with the engine's colours, watermarks."""

from __future__ import annotations

import pytest

from brickroad.graph import render, render_bb
from brickroad.graph.watermark import INFINITY, SKULL
from brickroad.road import compute, load_bb

from .helpers import NS, by_class, do_more, golden_bb, parse, texts

_ENGINE_TO_CLASSES = {"green": {"gra", "grn"}, "blue": {"blu"}, "orange": {"orn"}, "red": {"red"},
                      "black": {"blk"}}


def _golden(name: str):
    bb = golden_bb(name)
    gp, data = load_bb(bb)
    res = compute(gp, data)
    return gp, res, parse(render(gp, res).svg())


def _dot_classes(root) -> list[str]:
    dots = [e for e in root.iter(f"{NS}circle") if (e.get("class") or "").split()[:1] == ["dp"]]
    return [e.get("class").split()[1] for e in dots]


@pytest.mark.parametrize("name", ["caillu+duolingo-spanish", "riderback65+core_and_pt", "kyshoc+nutrition"])
def test_one_dot_per_aggregated_point_coloured_like_the_engine(name: str) -> None:
    gp, res, root = _golden(name)
    classes = _dot_classes(root)
    assert len(classes) == len(res.points)
    for point, cls in zip(res.points, classes):
        assert cls in _ENGINE_TO_CLASSES[point.color], (point, cls)


def test_caillu_has_every_layer_of_a_do_more_goal() -> None:
    _, _, root = _golden("caillu+duolingo-spanish")
    for cls in ("razr", "lane", "guides", "iso1", "iso2", "iso6", "pinkregion", "horizon", "steppy"):
        assert by_class(root, cls), cls
    razr = by_class(root, "razr")[0]
    assert razr.get("stroke") == "#ff0000"
    assert len(razr.get("points").split()) >= 2
    assert texts(root, "waterbuf") == ["Fri"]
    assert texts(root, "waterbux") == ["$5"]
    assert texts(root, "horizontext") == ["Akrasia Horizon"]
    assert texts(root, "axislabel") == ["points"]
    assert set(_dot_classes(root)) == {"blu"}


@pytest.mark.parametrize("name, buf", [
    ("riderback65+core_and_pt", "14d"),
    ("johnmarkos+booze", "Mon"),
    ("sohum+weight", "3am!"),
    ("b+weight", "6am!"),
    ("b+meta", "15d"),
    ("kyshoc+nutrition", SKULL),
    ("drtall+gmailzero", INFINITY),
])
def test_buffer_watermark_matches_beeminder(name: str, buf: str) -> None:
    _, _, root = _golden(name)
    assert texts(root, "waterbuf") == [buf]


def test_weight_goal_draws_rosy_moving_average_and_aura() -> None:
    _, _, root = _golden("sohum+weight")
    for cls in ("rosy", "rd", "movingav", "aura", "aurapast"):
        assert by_class(root, cls), cls


def test_maxflux_goal_has_flux_lines_instead_of_isolines() -> None:
    _, _, root = _golden("johnmarkos+booze")
    assert by_class(root, "maxflux") and by_class(root, "stdflux")
    assert not by_class(root, "iso2")
    assert by_class(root, "hp"), "sums that match no entered value get hollow dots"


def test_derailed_goal_has_skull_and_a_flatline_arrow() -> None:
    _, res, root = _golden("kyshoc+nutrition")
    assert res.loser
    assert texts(root, "waterbuf") == [SKULL]
    assert by_class(root, "flatline")


def test_watermarks_sit_in_quadrants_by_goal_direction() -> None:
    # do-more: buffer top-left; weight loss: buffer bottom-left, pledge top-right
    _, _, more = _golden("caillu+duolingo-spanish")
    _, _, loss = _golden("sohum+weight")
    buf, bux = by_class(more, "waterbuf")[0], by_class(more, "waterbux")[0]
    assert float(buf.get("x")) < float(bux.get("x")) and float(buf.get("y")) < float(bux.get("y"))
    buf, bux = by_class(loss, "waterbuf")[0], by_class(loss, "waterbux")[0]
    assert float(buf.get("x")) < float(bux.get("x")) and float(buf.get("y")) > float(bux.get("y"))


def test_small_synthetic_goal_counts_and_axes() -> None:
    gp, data = do_more(6)
    g = render(gp, compute(gp, data))
    root = parse(g.svg())
    assert root.get("viewBox") == "0 0 696 453"
    assert len(_dot_classes(root)) == 6
    assert texts(root, "waterbux") == ["$5"]
    assert any(t for t in texts(root, "xlabel")), "date labels"
    assert any(t for t in texts(root, "ylabel")), "value labels"


def test_svg_of_a_long_goal_is_thinned_to_the_pixels() -> None:
    g = render_bb(golden_bb("b+weight"))
    root = parse(g.svg())
    ap = [e for e in root.iter(f"{NS}circle") if (e.get("class") or "").startswith("ap")]
    assert 0 < len(ap) <= 696 * 453
    for line in by_class(root, "movingav"):
        assert len(line.get("points").split()) <= 4 * 700


def test_hashtags_in_comments_become_labels() -> None:
    gp, data = do_more(6)
    data[2] = data[2]._replace(comment="gym #legday")
    root = parse(render(gp, compute(gp, data)).svg())
    assert texts(root, "hashtag") == ["#legday"]


def test_do_less_flatline_arrow_shows_the_presumed_report_faded() -> None:
    from dataclasses import replace

    from brickroad.road import GoalParams
    from brickroad.road.dates import SID

    from .helpers import T0

    gp = GoalParams(tini=float(T0), vini=0.0, road=[], tfin=float(T0 + 90 * SID), vfin=None, rfin=3.0,
                    runits="d", yaw=-1, dir=1, kyoom=True, aggday="sum", asof=float(T0 + 5 * SID))
    _, data = do_more(3)
    res = compute(replace(gp), data)
    assert res.flatline is not None
    root = parse(render(gp, res).svg())
    arrow = by_class(root, "flatline")
    assert arrow and arrow[0].get("fill-opacity") == "0.5"
