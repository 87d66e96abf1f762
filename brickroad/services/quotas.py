"""Per-user daily API quotas (Beebole's convention): requests and bytes per local day.

Counting happens in memory and is flushed to the database about once a second
(`DatabaseCounters`), so a GET pays a dict update instead of a write
transaction. Within one process admission is exact; what a hard crash can lose
is at most the last flush interval of counts. Several processes each add their
own unflushed counts to the last totals they read, so together they can
overshoot by at most one flush interval of traffic per extra process. With
BRICKROAD_REDIS_URL the counters live in Redis instead and are exact across
processes (`RedisCounters`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from brickroad.errors import BrickroadError, Invalid
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store import usage as usage_rows

FLUSH_SECONDS = 1.0
OVERRIDE_TTL = 30.0  # admin changes to a user's quota apply within this many seconds


@dataclass(frozen=True)
class Usage:
    day: str
    requests: int
    bytes: int
    limit_requests: int
    limit_bytes: int
    reset_at: int

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit_requests),
            "X-RateLimit-Remaining": str(max(0, self.limit_requests - self.requests)),
            "X-RateLimit-Reset": str(self.reset_at),
            "X-RateLimit-Bytes-Limit": str(self.limit_bytes),
            "X-RateLimit-Bytes-Remaining": str(max(0, self.limit_bytes - self.bytes)),
        }

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The same as ASGI header pairs (lowercase names), to append to a response's own (every
        counted response: built directly rather than from headers())."""
        return [
            (b"x-ratelimit-limit", b"%d" % self.limit_requests),
            (b"x-ratelimit-remaining", b"%d" % max(0, self.limit_requests - self.requests)),
            (b"x-ratelimit-reset", b"%d" % self.reset_at),
            (b"x-ratelimit-bytes-limit", b"%d" % self.limit_bytes),
            (b"x-ratelimit-bytes-remaining", b"%d" % max(0, self.limit_bytes - self.bytes)),
        ]


class QuotaExceeded(BrickroadError):
    status = 429

    def __init__(self, usage: Usage, now: int) -> None:
        what = "requests" if usage.requests >= usage.limit_requests else "bytes"
        limit = usage.limit_requests if what == "requests" else usage.limit_bytes
        super().__init__(f"Daily API limit of {limit} {what} reached; it resets at midnight in your timezone")
        self.usage = usage
        self.headers = {**usage.headers(), "Retry-After": str(max(1, usage.reset_at - now))}


@lru_cache(maxsize=1024)  # pure: every counted call asks, mostly with the same second
def local_day(timezone: str, now: int) -> tuple[str, int]:
    """The user's calendar day and the instant of their next local midnight."""
    tz = ZoneInfo(timezone)
    local = datetime.fromtimestamp(now, tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tz)
    return local.strftime("%Y%m%d"), int(midnight.timestamp())


def refused(requests: int, used: int, nbytes: int, limits: tuple[int, int], calls: int = 1) -> bool:
    """Are `calls` more requests carrying nbytes over the allowance? The body counts before it is
    admitted, so one request can't carry the day past the byte limit (only its answer, unknown yet, can)."""
    return requests + calls > limits[0] or used >= limits[1] or used + nbytes > limits[1]


class Counters(Protocol):
    def try_add(self, user_pk: int, day: str, nbytes: int, limits: tuple[int, int],
                calls: int = 1) -> tuple[bool, int, int]:
        """Count `calls` requests of nbytes in all unless that passes a limit; return (admitted, requests, bytes)."""
        ...

    def add_bytes(self, user_pk: int, day: str, nbytes: int) -> tuple[int, int]: ...

    def totals(self, user_pk: int, day: str) -> tuple[int, int]: ...

    def add(self, user_pk: int, day: str, requests: int, nbytes: int) -> None:
        """Count requests and bytes without an admission check."""
        ...

    def flush(self) -> None: ...


class DatabaseCounters:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._base: dict[tuple[int, str], list[int]] = {}
        self._pending: dict[tuple[int, str], list[int]] = {}
        # Counts a flush has taken out of _pending but whose new totals haven't landed in _base
        # yet: still counted meanwhile, or calls made during a flush would be admitted past the limit.
        self._inflight: dict[tuple[int, str], list[int]] = {}
        self._flushing = threading.Lock()  # one flush at a time: each owns _inflight while it runs
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _current(self, key: tuple[int, str]) -> tuple[list[int], list[int]]:
        """(stored totals plus counts being flushed, pending counts) for a user-day."""
        base = self._base.get(key)
        if base is None:
            with self.ctx.db.read() as conn:
                base = list(usage_rows.get_usage(conn, *key))
            self._base[key] = base
        inflight = self._inflight.get(key)
        if inflight is not None:
            base = [base[0] + inflight[0], base[1] + inflight[1]]
        return base, self._pending.setdefault(key, [0, 0])

    def try_add(self, user_pk: int, day: str, nbytes: int, limits: tuple[int, int],
                calls: int = 1) -> tuple[bool, int, int]:
        self._start()
        with self._lock:
            base, pend = self._current((user_pk, day))
            requests, used = base[0] + pend[0], base[1] + pend[1]
            if refused(requests, used, nbytes, limits, calls):
                return False, requests, used
            pend[0] += calls
            pend[1] += nbytes
            return True, requests + calls, used + nbytes

    def add_bytes(self, user_pk: int, day: str, nbytes: int) -> tuple[int, int]:
        with self._lock:
            base, pend = self._current((user_pk, day))
            pend[1] += nbytes
            return base[0] + pend[0], base[1] + pend[1]

    def totals(self, user_pk: int, day: str) -> tuple[int, int]:
        with self._lock:
            base, pend = self._current((user_pk, day))
            return base[0] + pend[0], base[1] + pend[1]

    def add(self, user_pk: int, day: str, requests: int, nbytes: int) -> None:
        self._start()
        with self._lock:
            _base, pend = self._current((user_pk, day))
            pend[0] += requests
            pend[1] += nbytes

    def flush(self) -> None:
        with self._flushing:
            self._flush()

    def _flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
            pending = {k: v for k, v in pending.items() if v != [0, 0]}
            self._inflight = pending
        if not pending:
            return
        try:
            with self.ctx.db.write() as conn:
                for (user_pk, day), (req, nbytes) in pending.items():
                    usage_rows.add_usage(conn, user_pk, day, req, nbytes)
                fresh = {key: usage_rows.get_usage(conn, *key) for key in pending}
        except Exception:
            with self._lock:  # keep the counts for the next attempt
                for key, (req, nbytes) in pending.items():
                    slot = self._pending.setdefault(key, [0, 0])
                    slot[0] += req
                    slot[1] += nbytes
                self._inflight = {}
            raise
        with self._lock:
            # Totals now include other processes' flushed counts too.
            for key, totals in fresh.items():
                self._base[key] = list(totals)
            self._inflight = {}
            for key in [k for k in self._base if k not in fresh and k not in self._pending]:
                del self._base[key]  # forget idle user-days so memory stays bounded

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="quota-flush", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except Exception:  # the database may be briefly unavailable; retry next tick
                pass

    def close(self) -> None:
        self._stop.set()
        self.flush()


class RedisCounters:
    """Exact across processes: one Lua call admits and counts atomically."""

    _ADMIT = """
    local r = tonumber(redis.call('HGET', KEYS[1], 'r') or '0')
    local b = tonumber(redis.call('HGET', KEYS[1], 'b') or '0')
    if r + tonumber(ARGV[4]) > tonumber(ARGV[2]) or b >= tonumber(ARGV[3])
            or b + tonumber(ARGV[1]) > tonumber(ARGV[3]) then
        return {0, r, b}
    end
    r = redis.call('HINCRBY', KEYS[1], 'r', ARGV[4])
    b = redis.call('HINCRBY', KEYS[1], 'b', ARGV[1])
    redis.call('EXPIRE', KEYS[1], 172800)
    return {1, r, b}
    """

    def __init__(self, client: Any, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix
        self._admit = self.redis.register_script(self._ADMIT)

    def _key(self, user_pk: int, day: str) -> str:
        return f"{self.prefix}usage:{user_pk}:{day}"

    def try_add(self, user_pk: int, day: str, nbytes: int, limits: tuple[int, int],
                calls: int = 1) -> tuple[bool, int, int]:
        ok, req, used = self._admit(keys=[self._key(user_pk, day)], args=[nbytes, limits[0], limits[1], calls])
        return bool(ok), int(req), int(used)

    def add_bytes(self, user_pk: int, day: str, nbytes: int) -> tuple[int, int]:
        pipe = self.redis.pipeline()
        pipe.hincrby(self._key(user_pk, day), "b", nbytes)
        pipe.hget(self._key(user_pk, day), "r")
        used, req = pipe.execute()
        return int(req or 0), int(used)

    def totals(self, user_pk: int, day: str) -> tuple[int, int]:
        req, used = self.redis.hmget(self._key(user_pk, day), "r", "b")
        return int(req or 0), int(used or 0)

    def add(self, user_pk: int, day: str, requests: int, nbytes: int) -> None:
        key = self._key(user_pk, day)
        pipe = self.redis.pipeline()
        pipe.hincrby(key, "r", requests)
        pipe.hincrby(key, "b", nbytes)
        pipe.expire(key, 172800)
        pipe.execute()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.redis.close()


class Quotas:
    """The quota use cases; one instance per process, held by the Context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.counters: Any = (RedisCounters(ctx.redis(), ctx.settings.redis_prefix) if ctx.settings.redis_url
                              else DatabaseCounters(ctx))
        self._overrides: dict[int, tuple[float, tuple[int | None, int | None]]] = {}

    def limits(self, user: User) -> tuple[int, int]:
        cached = self._overrides.get(user.pk)
        if cached is None or time.monotonic() - cached[0] > OVERRIDE_TTL:
            with self.ctx.db.read() as conn:
                cached = (time.monotonic(), usage_rows.get_override(conn, user.pk))
            self._overrides[user.pk] = cached
        req, nbytes = cached[1]
        s = self.ctx.settings
        return (req if req is not None else s.quota_requests, nbytes if nbytes is not None else s.quota_bytes)

    def admit(self, user: User, request_bytes: int, calls: int = 1) -> Usage:
        """Count a request (or `calls` of them: a v2 batch's inner calls), or raise QuotaExceeded
        if the day's allowance can't take them."""
        now = self.ctx.clock.now()
        day, reset_at = local_day(user.timezone, now)
        limits = self.limits(user)
        ok, req, used = self.counters.try_add(user.pk, day, request_bytes, limits, calls)
        usage = Usage(day, req, used, limits[0], limits[1], reset_at)
        if not ok:
            raise QuotaExceeded(usage, now)
        return usage

    def add_response(self, user: User, usage: Usage, nbytes: int) -> Usage:
        req, used = self.counters.add_bytes(user.pk, usage.day, nbytes)
        return Usage(usage.day, req, used, usage.limit_requests, usage.limit_bytes, usage.reset_at)

    def today(self, user: User) -> Usage:
        """Today's usage, for the Apps & API page and the admin CLI."""
        day, reset_at = local_day(user.timezone, self.ctx.clock.now())
        req, used = self.counters.totals(user.pk, day)
        limits = self.limits(user)
        return Usage(day, req, used, limits[0], limits[1], reset_at)

    def follow_timezone(self, user: User, old_timezone: str, new_timezone: str) -> None:
        """A timezone change carries today's usage into the new zone's day, so it can't open a fresh
        allowance: that day's counts become at least the current ones (a max, not a sum, so
        switching back and forth never counts anything twice)."""
        now = self.ctx.clock.now()
        old_day, new_day = local_day(old_timezone, now)[0], local_day(new_timezone, now)[0]
        if old_day == new_day:
            return
        used = self.counters.totals(user.pk, old_day)
        there = self.counters.totals(user.pk, new_day)
        self.counters.add(user.pk, new_day, max(0, used[0] - there[0]), max(0, used[1] - there[1]))

    def set_limits(self, user: User, requests: int | None, nbytes: int | None) -> None:
        for name, value in (("requests", requests), ("bytes", nbytes)):
            if value is not None and value < 0:
                raise Invalid(name, "must be zero or more")
        with self.ctx.db.write() as conn:
            usage_rows.set_override(conn, user.pk, requests, nbytes)
        self._overrides.pop(user.pk, None)

    def close(self) -> None:
        self.counters.close()


def for_context(ctx: Context) -> Quotas:
    if ctx.quotas is None:
        ctx.quotas = Quotas(ctx)
    return ctx.quotas  # type: ignore[no-any-return]
