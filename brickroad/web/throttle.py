"""Rate limits for the forms guessers and spammers hit: failed logins, and sign-ups.

Counted in memory per process (enough to turn online password guessing
from thousands of tries a minute into a handful, and account spraying into
a trickle), or in Redis when BRICKROAD_REDIS_URL is set, so the limits hold
across every process serving. Logins are keyed on the address as well as
the name, so nobody can lock a user out from one address; a per-name cap
across all addresses stops a guesser spread over many (it can delay the
password login of the name it targets, never the personal-token login).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import deque
from collections.abc import Hashable
from typing import Any, Protocol

from brickroad.services.context import Context

WINDOW = 15 * 60
PER_ACCOUNT = 5  # failures per (address, username) per window
PER_ADDRESS = 30  # failures per address per window, across usernames
PER_NAME = 50  # failures per username per window, across addresses
SIGNUP_WINDOW = 60 * 60
MAX_KEYS = 100_000  # past this many keys, forget them all (bounds memory under a spray)


class Window:
    """Events per key within the last `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._events: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        q = self._events.setdefault(key, deque())
        while q and q[0] <= now - self.seconds:
            q.popleft()
        return q

    def wait(self, limits: dict[Hashable, int]) -> int:
        """Seconds until every key is under its limit again; 0 if all are now."""
        now = time.monotonic()
        with self._lock:
            waits = [int(q[0] + self.seconds - now) + 1
                     for key, limit in limits.items() if len(q := self._recent(key, now)) >= limit]
        return max(waits, default=0)

    def record(self, *keys: Hashable) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._events) > MAX_KEYS:
                self._events.clear()

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._events.pop(key, None)


class Counter(Protocol):
    def wait(self, limits: dict[Hashable, int]) -> int: ...
    def record(self, *keys: Hashable) -> None: ...
    def forget(self, key: Hashable) -> None: ...


class RedisWindow:
    """The same counts in Redis sorted sets (one per key, scored by wall-clock time), shared by all processes."""

    def __init__(self, client: Any, prefix: str, seconds: float) -> None:
        self.redis, self.prefix, self.seconds = client, prefix, seconds

    def _key(self, key: Hashable) -> str:
        return self.prefix + hashlib.sha256(repr(key).encode()).hexdigest()[:32]

    def wait(self, limits: dict[Hashable, int]) -> int:
        now = time.time()
        pipe = self.redis.pipeline()
        for key in limits:
            pipe.zremrangebyscore(self._key(key), "-inf", now - self.seconds)
            pipe.zcard(self._key(key))
            pipe.zrange(self._key(key), 0, 0, withscores=True)
        answers = pipe.execute()
        waits = []
        for i, limit in enumerate(limits.values()):
            count, oldest = answers[3 * i + 1], answers[3 * i + 2]
            if count >= limit and oldest:
                waits.append(int(oldest[0][1] + self.seconds - now) + 1)
        return max(waits, default=0)

    def record(self, *keys: Hashable) -> None:
        now = time.time()
        pipe = self.redis.pipeline()
        for key in keys:
            pipe.zadd(self._key(key), {uuid.uuid4().hex: now})
            pipe.expire(self._key(key), int(self.seconds) + 1)
        pipe.execute()

    def forget(self, key: Hashable) -> None:
        self.redis.delete(self._key(key))


class LoginThrottle:
    def __init__(self, window: float = WINDOW, per_account: int = PER_ACCOUNT, per_address: int = PER_ADDRESS,
                 counter: Counter | None = None, per_name: int = PER_NAME) -> None:
        self.per_account, self.per_address, self.per_name = per_account, per_address, per_name
        self._window: Counter = counter or Window(window)

    def retry_after(self, address: str, username: str) -> int:
        """Seconds until another attempt is allowed; 0 if allowed now."""
        return self._window.wait({(address, username.lower()): self.per_account, address: self.per_address,
                                  ("name", username.lower()): self.per_name})

    def failed(self, address: str, username: str) -> None:
        self._window.record((address, username.lower()), address, ("name", username.lower()))

    def succeeded(self, address: str, username: str) -> None:
        self._window.forget((address, username.lower()))


class SignupThrottle:
    """At most `per_hour` new accounts from one address in any hour."""

    def __init__(self, per_hour: int, window: float = SIGNUP_WINDOW, counter: Counter | None = None) -> None:
        self.per_hour = per_hour
        self._window: Counter = counter or Window(window)

    def retry_after(self, address: str) -> int:
        return self._window.wait({address: self.per_hour})

    def signed_up(self, address: str) -> None:
        self._window.record(address)


def counter_for(ctx: Context, name: str, seconds: float) -> Counter:
    """Redis-backed when the deployment has Redis (every process sees every count), else in memory."""
    if not ctx.settings.redis_url:
        return Window(seconds)
    return RedisWindow(ctx.redis(), f"{ctx.settings.redis_prefix}throttle:{name}:", seconds)
