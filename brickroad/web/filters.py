"""Jinja filters: money, buffers, dates in the user's timezone, numbers as people write them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment

from brickroad.services import days

RUNIT_NAMES = {"y": "year", "m": "month", "w": "week", "d": "day", "h": "hour"}


def money(x: float | None) -> str:
    if x is None:
        return "$0"
    return f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def num(x: Any) -> str:
    if x is None or x == "":
        return "—"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    return str(int(f)) if f.is_integer() else f"{f:.6g}"


def safe_days(safebuf: int | None) -> str:
    if safebuf is None:
        return "no road"
    if safebuf <= 0:
        return "due today"
    return "1 safe day" if safebuf == 1 else f"{safebuf} safe days"


def local_time(ts: int | None, tz: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    if ts is None:
        return "—"
    if ts >= days.MAX_TIMESTAMP:
        return "never"
    return days.local_naive(int(ts), tz).strftime(fmt)


def local_date(ts: int | None, tz: str) -> str:
    return local_time(ts, tz, "%a %d %b %Y")


def iso_date(ts: int | None, tz: str) -> str:
    """For <input type=date>."""
    return "" if ts is None or ts >= days.MAX_TIMESTAMP else days.local_naive(int(ts), tz).strftime("%Y-%m-%d")


def daystamp(stamp: str, this_year: str = "") -> str:
    """"Mon 23 Nov", with the year only when it isn't `this_year` (keeps phone tables narrow)."""
    try:
        day = days.from_daystamp(stamp)
    except (ValueError, TypeError):
        return str(stamp)
    return day.strftime("%a %d %b" if stamp[:4] == this_year else "%d %b %Y")


def rate_text(rate: float | None, runits: str) -> str:
    if rate is None:
        return "—"
    return f"{num(rate)} per {RUNIT_NAMES.get(runits, runits)}"


def clock_time(seconds: int) -> str:
    """Seconds after midnight (or negative: before it) as HH:MM for <input type=time>."""
    s = int(seconds) % 86400
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


def year() -> int:
    return datetime.now().year


def install(env: Environment) -> None:
    env.filters.update(
        money=money, num=num, safe_days=safe_days, local_time=local_time, local_date=local_date,
        iso_date=iso_date, daystamp=daystamp, clock_time=clock_time,
    )
    env.globals.update(rate_text=rate_text, RUNIT_NAMES=RUNIT_NAMES)
