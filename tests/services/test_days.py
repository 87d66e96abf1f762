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


def reference_day(when: int, tz: str, deadline: int) -> date:
    """The DST rule by brute force: the wall-clock day, except that once the wall clock has passed a
    deadline, turning the clocks back doesn't return to the day that ended (a day never ends twice)."""
    day = wall_clock_day(when, tz, deadline)
    zone = ZoneInfo(tz)
    if datetime.fromtimestamp(when, zone).utcoffset() < datetime.fromtimestamp(when - 7200, zone).utcoffset():
        # The wall clock peaks the second before it is turned back, and zones change on whole minutes.
        minutes = range((when - 7200) // 60 * 60, when + 1, 60)
        day = max(wall_clock_day(t, tz, deadline) for m in minutes for t in (m - 1, m) if t <= when)
    return day


ZONES = ["America/New_York", "Europe/Paris", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu",
         "Pacific/Apia", "Pacific/Kiritimati", "UTC"]


@given(
    when=st.integers(min_value=0, max_value=days.BDUSK),
    tz=st.sampled_from(ZONES),
    deadline=st.integers(min_value=-61200, max_value=21600),
)
def test_day_of_matches_the_dst_rule(when, tz, deadline):
    assert days.day_of(when, tz, deadline) == reference_day(when, tz, deadline)
    assert days.daystamp_of(when, tz, deadline) == reference_day(when, tz, deadline).strftime("%Y%m%d")


@pytest.mark.parametrize("tz,spring,autumn", [
    (NY, (2027, 3, 14), (2027, 11, 7)),
    ("Europe/Berlin", (2026, 3, 29), (2026, 10, 25)),
])
@pytest.mark.parametrize("deadline", [0, 1800, 5400, 7200, 9000, 10800, -3600])
def test_day_of_across_dst_changes_minute_by_minute(tz, spring, autumn, deadline):
    # The repeated hour of a fall-back night and the skipped hour of spring, with deadlines inside them.
    for y, m, d in (autumn, spring):
        start = ts(y, m, d, 0, 0, tz=tz)
        for when in range(start, start + 5 * 3600, 60):
            assert days.day_of(when, tz, deadline) == reference_day(when, tz, deadline)


@pytest.mark.parametrize("tz,nights", [
    (NY, [(2027, 3, 13), (2027, 11, 6)]),
    ("Europe/Berlin", [(2026, 3, 28), (2026, 10, 24)]),
])
@pytest.mark.parametrize("deadline", [0, 1800, 5400, 7200, 9000, 10800, -3600])
def test_losedate_is_the_last_second_of_its_day(tz, nights, deadline):
    """day_end and day_of agree across DST: the losedate counts for the day, the next second doesn't,
    and the day never comes back (no instant later than its end maps to it)."""
    for y, m, d in nights:
        for day in (date(y, m, d), date(y, m, d) + timedelta(days=1)):
            end = days.day_end(day, tz, deadline)
            assert days.day_of(end, tz, deadline) == day
            assert days.day_of(end + 1, tz, deadline) == day + timedelta(days=1)
            assert all(days.day_of(t, tz, deadline) > day for t in range(end + 1, end + 3 * 3600, 30))


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
