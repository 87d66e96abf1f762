"""Time constants and daystamp conversions as Beebrain does them.

All instants are unix seconds in UTC. Beebrain treats a "YYYYMMDD" daystamp as
UTC midnight and keeps numeric timestamps exactly as given (not floored), so a
number and a daystamp for the same day may differ; that difference is
behaviour, not a bug we fix here.
"""

from __future__ import annotations

import math
import re

import numpy as np

SID = 86400  # seconds in a day
DIY = 365.25  # days in a year, the physicists' year Beebrain uses
AKH = 7 * SID  # akrasia horizon
BDUSK = 4102444799  # 2099-12-31 23:59:59, Beebrain's "end of days"

# Rate-unit lengths in seconds; "m" is a twelfth of a 365.25-day year.
SECS: dict[str, float] = {
    "y": DIY * SID,
    "m": DIY * SID / 12,
    "w": 7 * SID,
    "d": SID,
    "h": 3600,
}
UNIT_NAMES: dict[str, str] = {"y": "year", "m": "month", "w": "week", "d": "day", "h": "hour"}

_DAYSTAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def days_from_civil_many(y: "np.ndarray", m: "np.ndarray", d: "np.ndarray") -> "np.ndarray":
    """Vectorised days_from_civil for integer arrays."""
    y = y - (m <= 2)
    era = np.where(y >= 0, y, y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    """Inverse of days_from_civil."""
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


_parse_cache: dict[str, int] = {}


def dayparse(s: object) -> float | int | None:
    """Daystamp "YYYYMMDD" -> UTC midnight; numbers (or numeric strings) pass through.

    Returns None for None and NaN for anything unparseable, like Beebrain's
    dayparse, so that validation downstream reports it.
    """
    if s is None:
        return None
    if isinstance(s, bool):
        return math.nan
    if isinstance(s, (int, float)):
        return s
    if isinstance(s, str):
        hit = _parse_cache.get(s)
        if hit is not None:
            return hit
        m = _DAYSTAMP.match(s)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if not (1 <= mo <= 12 and 1 <= d <= 31):
                return math.nan
            t = days_from_civil(y, mo, d) * SID
            if len(_parse_cache) < 100_000:
                _parse_cache[s] = t
            return t
        try:
            x = float(s.strip()) if s.strip() else 0.0
        except ValueError:
            return math.nan
        return int(x) if x.is_integer() else x
    return math.nan


def daysnap(t: float) -> int:
    """Midnight UTC at or before t."""
    return math.floor(t / SID) * SID


_day_cache: dict[int, str] = {}


def dayify(t: float | None) -> str | None:
    """Unix time -> "YYYYMMDD" of its UTC day (None stays None)."""
    if t is None:
        return None
    if t != t or t in (math.inf, -math.inf) or t < 0:
        return "ERROR"
    z = int(t // SID)
    s = _day_cache.get(z)
    if s is None:
        y, m, d = civil_from_days(z)
        s = f"{y:04d}{m:02d}{d:02d}"
        if len(_day_cache) < 200_000:
            _day_cache[z] = s
    return s


def format_date(t: float) -> str:
    """Unix time -> "YYYY.MM.DD", the style Beebrain uses inside messages."""
    y, m, d = civil_from_days(math.floor(t / SID))
    return f"{y:04d}.{m:02d}.{d:02d}"
