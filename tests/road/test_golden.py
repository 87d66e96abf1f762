"""Every real Beebrain golden, compared on the core keys with compare.py's tolerance."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from brickroad.road import stats_from_bb
from brickroad.road.jsfmt import to_jsonable

SHARED = Path(os.environ.get("BRICKROAD_SHARED",
                             Path(__file__).resolve().parents[2].parent / "shared"))
GOLDEN = SHARED / "golden" / "road"
REAL = GOLDEN / "real"


def _compare_module():
    spec = importlib.util.spec_from_file_location("beebrain_compare", GOLDEN / "compare.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


COMPARE = _compare_module()
NAMES = sorted(p.name[: -len(".out.json")] for p in REAL.glob("*.out.json"))


def test_goldens_are_present():
    assert len(NAMES) == 91


@pytest.mark.parametrize("name", NAMES)
def test_core_keys_match_beebrain(name: str) -> None:
    bb = json.loads((REAL / f"{name}.bb").read_text())
    gold = json.loads((REAL / f"{name}.out.json").read_text())
    # round-trip through JSON so numbers compare the way compare.py sees them
    cand = json.loads(json.dumps(to_jsonable(stats_from_bb(bb))))
    diffs = []
    for key in COMPARE.CORE:
        if key not in gold:
            assert key not in cand, key
            continue
        d = COMPARE.same(gold[key], cand.get(key), 1e-9, 1e-9, key)
        if d:
            diffs.append(d)
    assert not diffs, diffs
