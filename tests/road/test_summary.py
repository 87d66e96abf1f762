"""Tests for brickroad.road.summary: Beebrain's nine presentation texts.

Two parts:
* hand-worked goals covering branches the real goldens do not reach
  (do-less RASH with a non-cumulative total, yaw=0, >999 safe days, the
  exact-tcur keyword, error outputs);
* the golden check: every real goal's core stats plus its .bb params are fed
  to summaries() and all nine strings must equal Beebrain's byte for byte.
"""

import json
import os
from pathlib import Path

import pytest

from brickroad.road.summary import TEXT_KEYS, build_segments, rdf, summaries

SID = 86400
JAN1_2020 = 1577836800


def _shared_dir() -> Path:
    env = os.environ.get("BRICKROAD_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


GOLDEN_DIR = _shared_dir() / "golden" / "road" / "real"

# Goldens whose presentation texts we knowingly do not reproduce, with the
# reason for each.  Currently none: all real goldens match exactly.  Any entry
# added here must still be a real difference (checked below), so the list
# cannot silently go stale.
KNOWN_DIFFERENT: dict[str, str] = {}

PASS_RATE_BAR = 0.95


def _golden_names() -> list[str]:
    if not GOLDEN_DIR.is_dir():
        return []
    return sorted(p.name[: -len(".out.json")] for p in GOLDEN_DIR.glob("*.out.json"))


def _load(name: str) -> tuple[dict, dict]:
    params = json.loads((GOLDEN_DIR / f"{name}.bb").read_text())["params"]
    out = json.loads((GOLDEN_DIR / f"{name}.out.json").read_text())
    return params, out


def _mismatches(name: str) -> dict[str, tuple[str, str]]:
    params, golden = _load(name)
    # Only the core keys go in; the texts must come out of summaries().
    core = {k: v for k, v in golden.items() if k not in TEXT_KEYS}
    got = summaries(params, core)
    return {k: (golden[k], got[k]) for k in TEXT_KEYS if got[k] != golden[k]}


# --- golden comparison ---------------------------------------------------------

def test_goldens_present():
    names = _golden_names()
    assert names, f"no goldens found in {GOLDEN_DIR} (set BRICKROAD_SHARED?)"
    assert set(KNOWN_DIFFERENT) <= set(names)


@pytest.mark.parametrize("name", _golden_names())
def test_golden(name):
    diffs = _mismatches(name)
    if name in KNOWN_DIFFERENT:
        assert diffs, f"{name} now matches; drop it from KNOWN_DIFFERENT"
    else:
        assert diffs == {}


def test_golden_pass_rate():
    names = _golden_names()
    assert names
    passing = [n for n in names if not _mismatches(n)]
    assert set(names) - set(passing) == set(KNOWN_DIFFERENT)
    assert len(passing) / len(names) >= PASS_RATE_BAR


# --- hand-worked goals -----------------------------------------------------------

def _rash():
    """Do-less goal (yaw=+1, dir=-1: stay above a falling line), not kyoom.

    Red line from (Jan 1, 100) to (Jan 11, 90), -1 per day; on Jan 5 the line
    is at 96 and we are at 97.
    """
    params = {"yaw": 1, "dir": -1, "runits": "d", "kyoom": False,
              "tini": "20200101", "vini": 100, "road": [], "tfin": "20200111",
              "vfin": 90, "rfin": None, "asof": "20200105", "yoog": "alice/rash",
              "gunits": "kg"}
    stats = {"error": "", "tini": "20200101", "vini": 100, "tcur": "20200105",
             "vcur": 97, "tfin": "20200111", "vfin": 90, "rfin": -1,
             "rcur": -1, "ravg": -1, "delta": 1, "lane": 2, "safebuf": 3,
             "safebump": 93, "cntdn": 6, "numpts": 4, "color": "blue",
             "fullroad": [["20200101", 100, 0], ["20200111", 90, -1]]}
    return params, stats


def test_rash_not_kyoom():
    s = summaries(*_rash())
    # limit for do-less is today's line value: 96, so 97 may drop by 1
    assert s["limsum"] == "-1 today (96)"
    assert s["ratesum"] == "-1 per day"            # one rate: no range
    # time: 4 of 10 days; value: 3 of 10 units
    assert s["progsum"] == "40% done by time -- 30% by value"
    # fewer than 7 days left: distance to the goal, sign(rfin)*(vfin-vcur)
    assert s["graphsum"] == ("97 on 2020.01.05 (4 datapoints in 5 days) targeting"
                             " 90 on 2020.01.11 (6 more days) w/ 7 to go to goal")
    assert s["deltasum"] == "1 kg above the bright line"
    assert s["safesum"] == "unknown days of safety buffer"
    assert s["titlesum"] == "Blue: bmndr.com/alice/rash is safe for ~3 days"
    assert s["headsum"] == s["titlesum"]
    assert s["statsum"] == (
        " progress: 2020.01.01  100\\n"
        "           2020.01.05  97   [40% done by time -- 30% by value]\\n"
        "           2020.01.11  90\\n"
        " rate:     -1 per day\\n"
        " lane:     2\\n"
        " safebuf:  3\\n"
        " delta:    1 kg above the bright line\\n"
        " bare min: -1 today (96)\\n")


def _moar():
    """Do-more cumulative goal: 7/week (1/day) from 0 on Jan 1 to Apr 1 2020
    (91 days, leap year), last point 20 on Jan 10, asof Jan 11."""
    params = {"yaw": 1, "dir": 1, "runits": "w", "kyoom": True,
              "tini": "20200101", "vini": 0, "road": [], "tfin": "20200401",
              "rfin": 7, "asof": "20200111", "yoog": "alice/moar"}
    stats = {"error": "", "tini": "20200101", "vini": 0, "tcur": "20200110",
             "vcur": 20, "tfin": "20200401", "vfin": 91, "rfin": 7,
             "rcur": 7, "ravg": 7, "delta": 11, "lane": 11, "safebuf": 12,
             "safebump": 21, "cntdn": 82, "numpts": 12, "color": "green",
             "fullroad": [["20200101", 0, 0], ["20200401", 91, 7]]}
    return params, stats


def test_moar_kyoom():
    s = summaries(*_moar())
    assert s["limsum"] == "+1 in 12 days"           # safebump 21 minus vcur 20
    assert s["ratesum"] == "7 per week"
    # 9/91 = 9.89% -> the "floor is 9" rule shows x.toPrecision(1) = 1e+1 = 10;
    # 20/91 = 21.98% -> 22
    assert s["progsum"] == "10% done by time -- 22% by value"
    # asof differs from tcur -> date prefix; 7 or more days left -> weekly slope
    assert s["graphsum"] == ("[2020.01.11] 20 on 2020.01.10 (12 datapoints in 10 days)"
                             " targeting 91 on 2020.04.01 (82 more days) @ +7 / week")
    assert s["deltasum"] == "11 units above the bright line"  # default gunits
    assert s["safesum"] == "~12 days of safety buffer"
    assert s["titlesum"] == "Green: bmndr.com/alice/moar is safe for ~12 days"
    assert s["statsum"].endswith(" bare min: +1 in 12 days\\n")


def test_moar_beemergency_and_far_future():
    params, stats = _moar()
    stats = dict(stats, safebuf=0, color="red", safebump=9, delta=-1, vcur=8)
    s = summaries(params, stats)
    assert s["limsum"] == "+1 in 0 days"
    assert s["titlesum"] == "Red: bmndr.com/alice/moar is safe for ~0 days (beemergency!)"
    stats = dict(stats, safebuf=1000, color="green")
    assert summaries(params, stats)["safesum"] == "more than 999 days of safety buffer"


def test_phat_hard_cap_is_conservarounded_down():
    # PHAT (yaw=-1): the cap is rounded to the quantum on the safe (low) side
    params, stats = _moar()
    params = dict(params, yaw=-1, dir=-1, kyoom=False)
    stats = dict(stats, vcur=157.9, safebump=157.7549988)
    s = summaries(params, stats)
    assert s["limsum"] == "-0.14501 in 12 days (157.75499)"
    assert s["statsum"].endswith(" hard cap: -0.14501 in 12 days (157.75499)\\n")


def test_yaw_zero_has_no_limsum():
    params, stats = _moar()
    params = dict(params, yaw=0)
    s = summaries(params, stats)
    assert s["limsum"] == ""
    assert s["statsum"].endswith(" limit:    \\n")


def test_defaults_for_missing_params():
    params, stats = _moar()
    for k in ("runits", "yoog", "kyoom"):
        params.pop(k)
    s = summaries(params, stats)
    assert s["titlesum"].startswith("Green: bmndr.com/U/G is safe")
    assert s["ratesum"] == "7 per week"        # runits defaults to weeks
    assert s["limsum"] == "+1 in 12 days (21)"  # not kyoom: total shown


def test_exact_tcur_keyword():
    params, stats = _moar()
    params = dict(params, asof="20200110")
    assert not summaries(params, stats)["graphsum"].startswith("[")
    # A tcur one hour past midnight (raw-unixtime data) is not asof any more
    s = summaries(params, stats, tcur_unix=JAN1_2020 + 9 * SID + 3600)
    assert s["graphsum"].startswith("[2020.01.10] 20 on 2020.01.10 ")


def test_error_gives_empty_texts():
    params, stats = _moar()
    s = summaries(params, dict(stats, error="No datapoints"))
    assert s == {k: "" for k in TEXT_KEYS}


def test_red_line_segments():
    params, _ = _moar()
    segs = build_segments(params, 7 * SID)
    jan10 = JAN1_2020 + 9 * SID
    assert rdf(segs, jan10) == pytest.approx(9)
    assert rdf(segs, JAN1_2020 - 30 * SID) == 0          # flat lead-in
    assert rdf(segs, JAN1_2020 + 200 * SID) == pytest.approx(91)  # flat tail
    # vertical step: at the jump date the segment after it wins
    params = dict(params, road=[["20200110", 5, None], ["20200110", 50, None]],
                  tfin="20200120", rfin=None, vfin=60)
    segs = build_segments(params, 7 * SID)
    assert rdf(segs, jan10) == 50
    assert rdf(segs, jan10 - SID) == pytest.approx(5 * 8 / 9)
