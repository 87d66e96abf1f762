"""Human-friendly dates for the client commands.

`today`, `yesterday`, `tomorrow`, `-3` (days ago), `2026-11-23`, `20261123`
and unix seconds. Relative words use this machine's clock and timezone; the
server still decides which Beeminder day a timestamp falls on (user timezone,
goal deadline).
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}


class DateError(ValueError):
    pass


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def to_daystamp(text: str, today: date | None = None) -> str:
    """A `YYYYMMDD` daystamp from any accepted form."""
    if len(text) == 8 and text.isdigit() and _parse_date(text) is not None:
        return text  # already a daystamp: the common case in big imports
    raw = text.strip().lower()
    today = today or date.today()
    if raw in WORDS:
        return (today + timedelta(days=WORDS[raw])).strftime("%Y%m%d")
    if re.fullmatch(r"-\d{1,4}", raw):
        return (today - timedelta(days=int(raw[1:]))).strftime("%Y%m%d")
    if re.fullmatch(r"\d{9,}", raw):  # unix seconds (8 digits would be a daystamp)
        return datetime.fromtimestamp(int(raw)).strftime("%Y%m%d")
    day = _parse_date(raw)
    if day is None:
        raise DateError(f"not a date: {text!r} (use YYYY-MM-DD, YYYYMMDD, today, yesterday or unix seconds)")
    return day.strftime("%Y%m%d")


def to_timestamp(text: str, now: float | None = None) -> int:
    """Unix seconds from seconds, `now`/`today`/`yesterday`, ISO date-times or dates (local noon)."""
    if text.isdigit() and len(text) >= 9:
        return int(text)  # unix seconds: the common case in big imports
    raw = text.strip().lower()
    now = time.time() if now is None else now
    if raw == "now":
        return int(now)
    if raw in WORDS:
        return int(now) + WORDS[raw] * 86400
    if re.fullmatch(r"-?\d+(\.\d+)?", raw) and len(raw.split(".")[0].lstrip("-")) >= 9:
        return int(float(raw))
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None and ("t" in raw or " " in raw or ":" in raw):
        return int(moment.timestamp())
    day = _parse_date(raw)
    if day is None:
        raise DateError(f"not a time: {text!r} (use unix seconds, now, yesterday or 2026-11-23T09:30)")
    return int(datetime(day.year, day.month, day.day, 12).timestamp())


def parse_value(text: str) -> float:
    """A datapoint value: a number, or `H:MM[:SS]` (Beeminder's time format) as hours."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is not None:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"not a finite number: {text!r}")
        return value
    raw = text.strip()
    if re.fullmatch(r"-?\d+:\d{1,2}(:\d{1,2})?", raw):
        sign = -1.0 if raw.startswith("-") else 1.0
        parts = [int(p) for p in raw.lstrip("-").split(":")]
        hours = parts[0] + parts[1] / 60 + (parts[2] / 3600 if len(parts) > 2 else 0)
        return sign * hours
    raise ValueError(f"not a number: {text!r}")
