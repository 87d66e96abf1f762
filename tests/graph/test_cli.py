"""`brickroad graph FILE.bb -o out.png|svg`."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from brickroad.cli.main import app

from .helpers import GOLDEN, parse, texts

runner = CliRunner()


def test_png_and_thumbnail_from_a_golden_goal(tmp_path: Path) -> None:
    out, thumb = tmp_path / "g.png", tmp_path / "t.png"
    r = runner.invoke(app, ["graph", str(GOLDEN / "caillu+duolingo-spanish.bb"), "-o", str(out),
                            "--thumb", str(thumb)])
    assert r.exit_code == 0, r.output
    assert Image.open(io.BytesIO(out.read_bytes())).size == (696, 453)
    assert Image.open(io.BytesIO(thumb.read_bytes())).size == (212, 140)


def test_svg_by_extension(tmp_path: Path) -> None:
    out = tmp_path / "g.svg"
    r = runner.invoke(app, ["graph", str(GOLDEN / "riderback65+core_and_pt.bb"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert texts(parse(out.read_text()), "waterbuf") == ["14d"]


def test_asof_moves_today(tmp_path: Path) -> None:
    out = tmp_path / "g.svg"
    r = runner.invoke(app, ["graph", str(GOLDEN / "riderback65+core_and_pt.bb"), "-o", str(out),
                            "--asof", "20180301"])
    assert r.exit_code == 0, r.output
    assert texts(parse(out.read_text()), "waterbuf") != ["14d"]


def test_refused_goal_writes_a_placeholder_and_warns(tmp_path: Path) -> None:
    bb = tmp_path / "empty.bb"
    bb.write_text(json.dumps({"params": {"tini": "20240101", "vini": 0, "tfin": "20240301", "rfin": 1,
                                         "runits": "d", "yaw": 1, "dir": 1, "asof": "20240110"},
                              "data": []}))
    out = tmp_path / "g.png"
    r = runner.invoke(app, ["graph", str(bb), "-o", str(out)])
    assert r.exit_code == 0
    assert "placeholder" in r.output
    assert Image.open(io.BytesIO(out.read_bytes())).size == (696, 453)


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    r = runner.invoke(app, ["graph", str(GOLDEN / "caillu+duolingo-spanish.bb"), "-o", str(tmp_path / "g.gif")])
    assert r.exit_code != 0
    assert not (tmp_path / "g.gif").exists()


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bb"
    bad.write_text("{not json")
    r = runner.invoke(app, ["graph", str(bad), "-o", str(tmp_path / "g.png")])
    assert r.exit_code != 0
