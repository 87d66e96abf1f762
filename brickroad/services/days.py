"""Beeminder days: a goal's day ends at its deadline in the owner's timezone, not at midnight.

The deadline is a wall-clock offset (seconds from local midnight, -61200..21600),
so the arithmetic is done on naive local times: a DST change moves the UTC
instant of the deadline but never the local hour at which the day turns over.

The one DST rule: a day starts at the first instant whose wall clock reads
the deadline time or later. A deadline inside a skipped hour (02:30 on a
spring-forward night) therefore turns the day over at the jump itself
(03:00 new time); inside a repeated hour it turns over at the first
occurrence, and the second pass through that hour belongs to the new day.
`day_of` (which day a datapoint lands on) and `day_end` (the losedate) both
follow it, so the losedate is always the last second whose data counts for
that day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from brickroad.errors import Invalid

SID = 86400
BDUSK = 4102444799  # 2099-12-31 23:59:59 UTC, Beeminder's "no end date"
MAX_TIMESTAMP = BDUSK


@lru_cache(maxsize=256)
def zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def local_naive(ts: int, tz: str) -> datetime:
    return datetime.fromtimestamp(ts, zone(tz)).replace(tzinfo=None)


def from_local(dt: datetime, tz: str) -> int:
    """Unix seconds of a naive local wall-clock time (the earlier one if ambiguous)."""
    return int(dt.replace(tzinfo=zone(tz), fold=0).timestamp())


def day_of(ts: int, tz: str, deadline: int) -> date:
    """The Beeminder day an instant belongs to: shift the wall clock back by the deadline."""
    return date.fromordinal(_day_ordinal(ts, tz, deadline))


@lru_cache(maxsize=4096)  # pure; a batch of creates asks for the same second many times
def daystamp_of(ts: int, tz: str, deadline: int) -> str:
    return _ordinal_stamp(_day_ordinal(ts, tz, deadline))


def _day_ordinal(ts: int, tz: str, deadline: int) -> int:
    """day_of as a proleptic ordinal, in integer arithmetic on the wall clock's fields.

    Same answer as subtracting the deadline from the naive local time, at a
    quarter of the cost: every datapoint of a create_all goes through here.
    The wall clock only runs backwards in a repeated hour (fold=1); there an
    instant already past the next day's first boundary belongs to that day.
    """
    local = datetime.fromtimestamp(ts, zone(tz))
    wall_seconds = local.hour * 3600 + local.minute * 60 + local.second
    ordinal = local.toordinal() + (wall_seconds - deadline) // SID
    if local.fold and ts >= day_boundary(date.fromordinal(ordinal + 1), tz, deadline):
        ordinal += 1
    return ordinal


@lru_cache(maxsize=4096)
def _ordinal_stamp(ordinal: int) -> str:
    return date.fromordinal(ordinal).strftime("%Y%m%d")


def day_boundary(day: date, tz: str, deadline: int) -> int:
    """The instant a Beeminder day starts: the first whose wall clock reads `day` 00:00 + deadline or later.

    Normally that wall time itself; in a repeated hour its first occurrence
    (fold=0); in a skipped hour the jump (the first instant past the gap).
    """
    wall = datetime.combine(day, time(0, 0)) + timedelta(seconds=deadline)
    t = from_local(wall, tz)
    if local_naive(t, tz) == wall:
        return t
    # Skipped: fold=0 read the wall time with the old offset, landing past the jump. The
    # other fold lands before it; the jump is the first second between them on the new side.
    lo = int(wall.replace(tzinfo=zone(tz), fold=1).timestamp())
    hi = t
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if local_naive(mid, tz) >= wall:
            hi = mid
        else:
            lo = mid
    return hi


def day_end(day: date, tz: str, deadline: int) -> int:
    """Last second of a Beeminder day: one second before the next day starts (see the DST rule above)."""
    return day_boundary(day + timedelta(days=1), tz, deadline) - 1


def next_day_start(ts: int, tz: str, deadline: int) -> int:
    """The instant the Beeminder day after the one `ts` falls on begins: when a goal's day rolls over."""
    return day_end(day_of(ts, tz, deadline), tz, deadline) + 1


def day_start(day: date, tz: str) -> int:
    """Local midnight of a day (how roadall's first row and stepdown_at are anchored)."""
    return from_local(datetime.combine(day, time(0, 0)), tz)


def day_noon(day: date, tz: str) -> int:
    """Local noon: how Beeminder anchors initday, curday, lastday and road rows."""
    return from_local(datetime.combine(day, time(12, 0)), tz)


def parse_daystamp(value: object, field: str = "daystamp") -> date:
    """"YYYYMMDD" (or "YYYY-MM-DD") to a date; anything else is a 422 on `field`."""
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        text = text.replace("-", "")
    if len(text) != 8 or not text.isdigit():
        raise Invalid(field, "must be a date in the form YYYYMMDD")
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise Invalid(field, "is not a real calendar date") from None
    if day.year < 1970 or day.year > 2099:
        raise Invalid(field, "must be between 1970 and 2099")
    return day


def to_daystamp(day: date) -> str:
    return day.strftime("%Y%m%d")


def from_daystamp(stamp: str) -> date:
    return date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))


def iso_utc(ts: int) -> str:
    """ISO-8601 with milliseconds, as datapoint created_at and goal lasttouch are shown."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
