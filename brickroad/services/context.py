"""What every service call needs: the database, the clock and the settings."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from brickroad.clock import Clock, SystemClock
from brickroad.config import Settings
from brickroad.store.db import Database


_REDIS_LOCK = threading.Lock()


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Clock
    # Per-process quota counters (services.quotas.Quotas), created on first use.
    quotas: Any = field(default=None, repr=False)
    _redis: Any = field(default=None, repr=False)

    def redis(self) -> Any:
        """The process's one Redis client (BRICKROAD_REDIS_URL): quotas and web throttles share it
        and its connection pool."""
        with _REDIS_LOCK:
            if self._redis is None:
                import redis

                self._redis = redis.Redis.from_url(self.settings.redis_url)
            return self._redis

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> "Context":
        return cls(db=Database(settings.database_url), settings=settings, clock=clock or SystemClock())
