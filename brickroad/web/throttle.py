"""Login rate limiting: failed attempts per (client address, username) and per address.

In memory and per process: enough to turn online password guessing from
thousands of tries a minute into a handful, without a table. Keyed on the
address as well as the name, so nobody can lock a user out from elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW = 15 * 60
PER_ACCOUNT = 5  # failures per (address, username) per window
PER_ADDRESS = 30  # failures per address per window, across usernames


class LoginThrottle:
    def __init__(self, window: float = WINDOW, per_account: int = PER_ACCOUNT, per_address: int = PER_ADDRESS) -> None:
        self.window, self.per_account, self.per_address = window, per_account, per_address
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def retry_after(self, address: str, username: str) -> int:
        """Seconds until another attempt is allowed; 0 if allowed now."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key, limit in (((address, username.lower()), self.per_account), ((address, ""), self.per_address)):
                q = self._recent(key, now)
                if len(q) >= limit:
                    waits.append(int(q[0] + self.window - now) + 1)
            return max(waits, default=0)

    def failed(self, address: str, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent((address, username.lower()), now).append(now)
            self._recent((address, ""), now).append(now)
            if len(self._failures) > 100_000:  # bound memory under a spray of names
                self._failures.clear()

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop((address, username.lower()), None)
