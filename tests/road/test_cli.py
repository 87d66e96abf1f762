"""`brickroad road compute|bench` as a user runs them."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from brickroad.cli.road import app

from .test_golden import COMPARE, REAL

runner = CliRunner()


def test_compute_prints_one_json_object_matching_beebrain():
    r = runner.invoke(app, ["compute", str(REAL / "basic_test.bb")])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    gold = json.loads((REAL / "basic_test.out.json").read_text())
    for k in COMPARE.CORE:
        assert COMPARE.same(gold[k], out[k], 1e-9, 1e-9, k) is None
    assert '"vcur":91,' in r.output  # JS-style: no trailing .0


def test_compute_error_goal_prints_the_error_output():
    r = runner.invoke(app, ["compute", str(REAL / "testroad3.bb")])
    out = json.loads(r.output)
    assert out["error"] == "Unknown param: gldt=1358658000"
    assert out["color"] == "black"


def test_compute_asof_option_moves_the_clock():
    r = runner.invoke(app, ["compute", str(REAL / "basic_test.bb"), "--asof", "20240315"])
    out = json.loads(r.output)
    assert out["tcur"] == "20240315" and out["vcur"] == 74


def test_bench_reports_mean_ms_last():
    r = runner.invoke(app, ["bench", str(REAL / "basic_test.bb"), "-n", "3"])
    assert r.exit_code == 0, r.output
    last = r.output.strip().splitlines()[-1]
    assert re.search(r"\d+(\.\d+)?$", last)
