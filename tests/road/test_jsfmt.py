"""JavaScript value spelling used in error texts and JSON output."""

from __future__ import annotations

import math

import pytest

from brickroad.road.jsfmt import js_dumps, js_number, js_string


@pytest.mark.parametrize("x, s", [
    (91.0, "91"), (0.1, "0.1"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (0.000001, "0.000001"),
    (1e21, "1e+21"), (2.5e20, "250000000000000000000"), (-3.25, "-3.25"), (0.0, "0"),
])
def test_js_number(x: float, s: str) -> None:
    assert js_number(x) == s


def test_js_string_of_bb_values():
    assert js_string(True) == "true"
    assert js_string(None) == "null"
    assert js_string([1, None, "a"]) == "1,,a"


def test_js_dumps_matches_json_stringify():
    assert js_dumps({"a": [1.0, math.nan, math.inf, "x", None, False]}) == '{"a":[1,null,null,"x",null,false]}'
