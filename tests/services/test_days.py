"""Unit tests of the day arithmetic (services/days.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brickroad.errors import Invalid
from brickroad.services import days

NY = "America/New_York"


def ts(y, m, d, hh, mm=0, ss=0, tz=NY):  # type: ignore[no-untyped-def]
    return int(datetime(y, m, d, hh, mm, ss, tzinfo=ZoneInfo(tz)).timestamp())


@pytest.mark.parametrize(
    "when,deadline,expected",
    [
        (ts(2026, 11, 24, 1, 30), 7200, "20261123"),
        (ts(2026, 11, 24, 2, 0), 7200, "20261124"),
        (ts(2026, 11, 23, 23, 30), -3600, "20261124"),
        (ts(2026, 11, 23, 23, 59, 59), 0, "20261123"),
        (ts(2026, 11, 23, 7, 0), -61200, "20261124"),  # 7am deadline of the day before
        (ts(2026, 11, 23, 6, 59), -61200, "20261123"),
    ],
)
def test_daystamp_of(when, deadline, expected):
    assert days.daystamp_of(when, NY, deadline) == expected


def wall_clock_day(when: int, tz: str, deadline: int) -> date:
    """The definition day_of implements in integer arithmetic: the naive local time minus the deadline."""
    return (datetime.fromtimestamp(when, ZoneInfo(tz)).replace(tzinfo=None) - timedelta(seconds=deadline)).date()


ZONES = ["America/New_York", "Europe/Paris", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu",
         "Pacific/Apia", "Pacific/Kiritimati", "UTC"]


@given(
    when=st.integers(min_value=0, max_value=days.BDUSK),
    tz=st.sampled_from(ZONES),
    deadline=st.integers(min_value=-61200, max_value=21600),
)
def test_day_of_matches_the_wall_clock_definition(when, tz, deadline):
    assert days.day_of(when, tz, deadline) == wall_clock_day(when, tz, deadline)
    assert days.daystamp_of(when, tz, deadline) == wall_clock_day(when, tz, deadline).strftime("%Y%m%d")


@pytest.mark.parametrize("deadline", [0, 1800, 5400, 7200, -3600])
def test_day_of_across_dst_changes_minute_by_minute(deadline):
    # The repeated hour of a fall-back night, with deadlines inside it, and the skipped hour of spring.
    for start in (ts(2027, 11, 7, 0, 0), ts(2027, 3, 14, 0, 0)):
        for when in range(start, start + 4 * 3600, 60):
            assert days.day_of(when, NY, deadline) == wall_clock_day(when, NY, deadline)


def test_day_end_keeps_wall_clock_across_dst():
    assert days.day_end(date(2027, 3, 13), NY, 0) == ts(2027, 3, 13, 23, 59, 59)
    assert days.day_end(date(2027, 3, 14), NY, 0) - days.day_end(date(2027, 3, 13), NY, 0) == 23 * 3600
    assert days.day_end(date(2027, 11, 7), NY, 0) - days.day_end(date(2027, 11, 6), NY, 0) == 25 * 3600
    # A 02:00 deadline on the night 02:00 doesn't exist: the day ends at the jump.
    assert days.day_end(date(2027, 3, 13), NY, 7200) == ts(2027, 3, 14, 3, 0) - 1
    assert days.day_of(ts(2027, 3, 14, 3, 0), NY, 7200) == date(2027, 3, 14)
    assert days.day_of(ts(2027, 3, 14, 1, 59, 59), NY, 7200) == date(2027, 3, 13)


@pytest.mark.parametrize("text", ["20261301", "2026-02-30", "abc", "2026113", "19691231", "21000101"])
def test_parse_daystamp_rejects(text):
    with pytest.raises(Invalid):
        days.parse_daystamp(text)


def test_parse_daystamp_forms():
    assert days.parse_daystamp("20261123") == days.parse_daystamp("2026-11-23") == date(2026, 11, 23)
