"""Rate limits for the forms guessers and spammers hit: failed logins, and sign-ups.

In memory and per process: enough to turn online password guessing from
thousands of tries a minute into a handful, and account spraying into a
trickle, without a table. Logins are keyed on the address as well as the
name, so nobody can lock a user out from elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Hashable

WINDOW = 15 * 60
PER_ACCOUNT = 5  # failures per (address, username) per window
PER_ADDRESS = 30  # failures per address per window, across usernames
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


class LoginThrottle:
    def __init__(self, window: float = WINDOW, per_account: int = PER_ACCOUNT, per_address: int = PER_ADDRESS) -> None:
        self.per_account, self.per_address = per_account, per_address
        self._window = Window(window)

    def retry_after(self, address: str, username: str) -> int:
        """Seconds until another attempt is allowed; 0 if allowed now."""
        return self._window.wait({(address, username.lower()): self.per_account, address: self.per_address})

    def failed(self, address: str, username: str) -> None:
        self._window.record((address, username.lower()), address)

    def succeeded(self, address: str, username: str) -> None:
        self._window.forget((address, username.lower()))


class SignupThrottle:
    """At most `per_hour` new accounts from one address in any hour."""

    def __init__(self, per_hour: int, window: float = SIGNUP_WINDOW) -> None:
        self.per_hour = per_hour
        self._window = Window(window)

    def retry_after(self, address: str) -> int:
        return self._window.wait({address: self.per_hour})

    def signed_up(self, address: str) -> None:
        self._window.record(address)
