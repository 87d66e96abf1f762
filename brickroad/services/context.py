"""What every service call needs: the database, the clock and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from brickroad.clock import Clock, SystemClock
from brickroad.config import Settings
from brickroad.store.db import Database


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock
    # Per-process quota counters (services.quotas.Quotas), created on first use.
    quotas: Any = field(default=None, repr=False)

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> "Context":
        return cls(db=Database(settings.database_url), settings=settings, clock=clock or SystemClock())
