"""The two giant pale watermarks: the safety buffer and the pledge."""

from __future__ import annotations

import math
from typing import Optional

from brickroad.road.dates import BDUSK, SID, civil_from_days, days_from_civil

SKULL = "\u2620"
INFINITY = "\u221e"
SMILEY = "\u263a"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def deadline_text(deadline: float) -> str:
    """Seconds after midnight -> "3am", "11:30pm" (negative deadlines are the evening before)."""
    secs = int(deadline) % SID
    h, m = secs // 3600, (secs % 3600) // 60
    suffix = "am" if h < 12 else "pm"
    h12 = h % 12 or 12
    return f"{h12}{suffix}" if m == 0 else f"{h12}:{m:02d}{suffix}"


def weekday(t: float) -> str:
    y, m, d = civil_from_days(math.floor(t / SID))
    return _WEEKDAYS[(days_from_civil(y, m, d) + 3) % 7]  # 1970-01-01 was a Thursday


def buffer_text(safebuf: int, loser: bool, tcur: float, tfin: float, tluz: float,
                deadline: float, met_goal: bool, override: Optional[str] = None) -> str:
    """What Beeminder writes as the buffer watermark ("14d", "Fri", "3am!", a glyph...)."""
    if override:
        return override
    if loser:
        return SKULL
    if tcur > tfin:
        return "fin"
    if math.floor(tcur / SID) == math.floor(tfin / SID):
        return SMILEY if met_goal else "eke"
    if tluz >= BDUSK or tluz > tfin:
        return INFINITY
    if safebuf <= 0:
        return deadline_text(deadline) + "!"
    if safebuf < 7:
        return weekday(tcur + safebuf * SID)
    if safebuf > 999:
        return ">999d"
    return f"{safebuf}d"


def quadrants(yaw: int, direction: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(column, row) of the buffer and the pledge marks, 0 = left/top, 1 = right/bottom.

    The buffer sits on the good side of the road (top for do-more, bottom for
    do-less and weight loss), at the end the road starts from, so that both
    marks stay clear of the data.
    """
    y = yaw if yaw else 1
    d = direction if direction else 1
    row = 0 if y > 0 else 1
    col = 0 if y * d > 0 else 1
    return (col, row), (1 - col, 1 - row)
