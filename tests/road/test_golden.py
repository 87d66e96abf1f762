"""Every Beebrain golden (real and synthetic), on every key, core and presentation.

Each goal is checked with compare.py's own comparison rule, one test per goal;
then each set is written out and handed to compare.py itself, whose verdict
line must read "N passed, 0 failed".
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from brickroad.road import stats_from_bb
from brickroad.road.jsfmt import js_dumps
from brickroad.road.summary import summaries

SHARED = Path(os.environ.get("BRICKROAD_SHARED",
                             Path(__file__).resolve().parents[2].parent / "shared"))
GOLDEN = SHARED / "golden" / "road"
REAL = GOLDEN / "real"
SETS = {"real": 91, "synth": 240}


def _compare_module() -> Any:
    spec = importlib.util.spec_from_file_location("beebrain_compare", GOLDEN / "compare.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


COMPARE = _compare_module()


def _names(which: str) -> list[str]:
    return sorted(p.name[: -len(".out.json")] for p in (GOLDEN / which).glob("*.out.json"))


CASES = [(which, name) for which in SETS for name in _names(which)]


def full_stats(bb: dict[str, Any]) -> dict[str, Any]:
    """What `brickroad road compute` prints: the engine's stats plus the texts, as JSON."""
    stats = stats_from_bb(bb, with_tcur_unix=True)
    tcur_unix = stats.pop("_tcur_unix", None)
    stats.update(summaries(bb["params"], stats, tcur_unix=tcur_unix))
    return json.loads(js_dumps(stats))


def test_goldens_are_present() -> None:
    assert {which: len(_names(which)) for which in SETS} == SETS


@pytest.mark.parametrize("which, name", CASES)
def test_every_key_matches_beebrain(which: str, name: str) -> None:
    bb = json.loads((GOLDEN / which / f"{name}.bb").read_text())
    gold = json.loads((GOLDEN / which / f"{name}.out.json").read_text())
    cand = full_stats(bb)
    diffs = [d for key in gold if (d := COMPARE.same(gold[key], cand.get(key), 1e-9, 1e-9, key))]
    assert not diffs, diffs


@pytest.mark.parametrize("which", sorted(SETS))
def test_compare_py_passes_the_whole_set(which: str, tmp_path: Path) -> None:
    for name in _names(which):
        bb = json.loads((GOLDEN / which / f"{name}.bb").read_text())
        (tmp_path / f"{name}.out.json").write_text(js_dumps(full_stats(bb)))
    run = subprocess.run([sys.executable, str(GOLDEN / "compare.py"), "--golden", str(GOLDEN / which),
                          "--cand", str(tmp_path)], capture_output=True, text=True, check=False)
    assert run.stdout.strip().splitlines()[-1] == f"{SETS[which]} passed, 0 failed", run.stdout[-3000:]
    assert run.returncode == 0
