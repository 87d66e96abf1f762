"""Parameter parsing and merging (pure functions, no server needed)."""

from __future__ import annotations

import pytest

from brickroad.api.params import as_bool, as_int, as_json_value, merge, parse_body, parse_query
from brickroad.errors import BadRequest, Invalid, NotAcceptable


def test_query_null_and_empty_mean_absent() -> None:
    assert parse_query(b"a=1&b=null&c=&d=x") == {"a": "1", "d": "x"}


def test_rails_style_array_params_collect() -> None:
    assert parse_query(b"tags[]=a&tags[]=b") == {"tags": ["a", "b"]}


def test_json_body_wins_over_query() -> None:
    body = parse_body("application/json; charset=utf-8", b'{"value": 2, "comment": null}')
    assert merge({"value": "1", "comment": "q"}, body) == {"value": 2, "comment": "q"}


def test_form_body_parsed_as_utf8() -> None:
    assert parse_body("application/x-www-form-urlencoded", "comment=caf%C3%A9&v=1".encode()) == {"comment": "café", "v": "1"}


def test_bad_bodies_raise_typed_errors() -> None:
    with pytest.raises(BadRequest):
        parse_body("application/json", b"{nope")
    with pytest.raises(BadRequest):
        parse_body("application/x-www-form-urlencoded", b"a=%ff")
    with pytest.raises(NotAcceptable):
        parse_body("text/csv", b"a,b")


@pytest.mark.parametrize("raw,expected", [
    (True, True), (False, False), ("true", True), ("false", False), ("True", True), ("False", False),
    ("1", True), ("0", False), (1, True), (0, False),
])
def test_booleans_in_every_spelling(raw: object, expected: bool) -> None:
    assert as_bool(raw, "f") is expected


def test_non_boolean_is_invalid_naming_the_field() -> None:
    with pytest.raises(Invalid) as exc:
        as_bool("maybe", "secret")
    assert exc.value.fields == {"secret": ["must be true or false"]}


def test_integers_from_strings_and_whole_floats() -> None:
    assert as_int("42", "n") == 42 and as_int(42.0, "n") == 42 and as_int("1e3", "n") == 1000
    for bad in ("4.5", "x", True, None):
        with pytest.raises(Invalid):
            as_int(bad, "n")


def test_json_values_arrive_as_strings_or_structures() -> None:
    assert as_json_value('[{"value": 1}]', "datapoints") == [{"value": 1}]
    assert as_json_value([{"value": 1}], "datapoints") == [{"value": 1}]
    with pytest.raises(Invalid):
        as_json_value("[oops", "datapoints")


@pytest.mark.parametrize("text", [
    "auth_token=abc&value=1", "a=1&&b=2&", "flag&x=", "=v&k=", "a=1=2", "a=%41%2b&b=x+y", "k[]=1&k[]=2",
    "é=ü", "", "&&", "a=1;b=2",
])
def test_unescaped_pairs_split_as_parse_qsl_does(text: str) -> None:
    from urllib.parse import parse_qsl

    from brickroad.api.params import _pairs

    assert _pairs(text) == parse_qsl(text, keep_blank_values=True, errors="strict")
