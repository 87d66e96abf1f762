"""Dates, values and CSV rows as the client commands read them (no server needed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from brickroad.cli import client_csv
from brickroad.cli.client_dates import DateError, parse_value, to_daystamp, to_timestamp

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today", "20261123"), ("yesterday", "20261122"), ("Tomorrow", "20261124"), ("-7", "20261116"),
        ("2026-11-02", "20261102"), ("20261102", "20261102"), ("2026/11/02", "20261102"),
    ],
)
def test_daystamps(text: str, expected: str) -> None:
    assert to_daystamp(text, today=TODAY) == expected


def test_daystamp_from_unix_seconds_is_the_local_date() -> None:
    moment = int(datetime(2026, 11, 20, 12, 0).timestamp())
    assert to_daystamp(str(moment), today=TODAY) == "20261120"


@pytest.mark.parametrize("text", ["someday", "2026-02-30", "20261341", "", "12/11/2026"])
def test_bad_daystamps(text: str) -> None:
    with pytest.raises(DateError):
        to_daystamp(text, today=TODAY)


def test_timestamps() -> None:
    now = 1795435200.7
    assert to_timestamp("1795435200") == 1795435200
    assert to_timestamp("now", now=now) == 1795435200
    assert to_timestamp("yesterday", now=now) == 1795435200 - 86400
    assert to_timestamp("2026-11-23T09:30:00Z") == 1795426200
    assert to_timestamp("2026-11-23T10:30:00+01:00") == 1795426200
    assert to_timestamp("2026-11-23 09:30") == int(datetime(2026, 11, 23, 9, 30).timestamp())
    assert to_timestamp("2026-11-23") == int(datetime(2026, 11, 23, 12, 0).timestamp())
    with pytest.raises(DateError):
        to_timestamp("soon")


def test_values() -> None:
    assert parse_value("2") == 2.0 and parse_value("-1.5") == -1.5 and parse_value(" 3e2 ") == 300.0
    assert parse_value("1:30") == 1.5 and parse_value("0:45:36") == pytest.approx(0.76)
    assert parse_value("-0:30") == -0.5
    for bad in ("abc", "nan", "inf", "1:2:3:4", ""):
        with pytest.raises(ValueError):
            parse_value(bad)


def test_csv_line_numbers_count_physical_lines() -> None:
    text = 'value,comment,daystamp\n1,"two\nline comment",2026-11-20\n\nx,bad,2026-11-20\n3,,2026-11-21\n'
    parsed = client_csv.parse(text, "f.csv")
    assert parsed.lines == [2, 6] and [p.value for p in parsed.points] == [1, 3]
    assert parsed.points[0].comment == "two\nline comment"
    assert parsed.problems == ["line 5: not a number: 'x'"]


def test_derived_requestids_depend_on_file_line_and_row() -> None:
    a = client_csv.parse("value\n1\n1\n", "a.csv").points
    again = client_csv.parse("value\n1\n1\n", "a.csv").points
    other = client_csv.parse("value\n1\n1\n", "b.csv").points
    edited = client_csv.parse("value\n1\n2\n", "a.csv").points
    assert [p.requestid for p in a] == [p.requestid for p in again]
    assert a[0].requestid != a[1].requestid  # identical rows on different lines are different points
    assert {p.requestid for p in a}.isdisjoint(p.requestid for p in other)
    assert a[0].requestid == edited[0].requestid and a[1].requestid != edited[1].requestid


def test_given_requestids_and_aliases_win() -> None:
    parsed = client_csv.parse("Date,Value,Note,RequestID,ignored\n2026-11-20,2,hi,mine,zzz\n2026-11-21,3,,,\n", "f.csv")
    first, second = parsed.points
    assert (first.daystamp, first.value, first.comment, first.requestid) == ("20261120", 2, "hi", "mine")
    assert second.requestid and second.requestid.startswith("csv-") and second.comment == ""


def test_headerless_rows_are_date_value_comment() -> None:
    parsed = client_csv.parse("2026-11-20,4\n20261121,5,with comment\n", "f.csv")
    assert [(p.daystamp, p.value, p.comment) for p in parsed.points] == [("20261120", 4, ""), ("20261121", 5, "with comment")]
