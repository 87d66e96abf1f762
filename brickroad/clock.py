"""Time as a dependency: services ask a Clock, tests move a ManualClock."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> int:
        """Current instant as UTC unix seconds."""
        ...


class SystemClock:
    def now(self) -> int:
        return int(time.time())


class ManualClock:
    def __init__(self, start: int) -> None:
        self._now = start

    def now(self) -> int:
        return self._now

    def set(self, t: int) -> None:
        self._now = t

    def advance(self, seconds: int) -> None:
        self._now += seconds
