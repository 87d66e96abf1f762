"""Daily per-user API quotas: headers, exhaustion, reset at local midnight, exactness, Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from brickroad.services import quotas
from brickroad.services.context import Context
from brickroad.store import usage as usage_rows
from brickroad.web.throttle import counter_for
from tests.conftest import LiveServer

ME = "/api/v1/users/me.json"


def set_limits(ctx: Context, account, requests: int | None = None, nbytes: int | None = None) -> None:
    quotas.for_context(ctx).set_limits(account.user, requests, nbytes)


def test_every_counted_response_carries_both_counters(http: httpx.Client, alice) -> None:
    first = http.get(ME, params={"auth_token": alice.token})
    second = http.get(ME, params={"auth_token": alice.token})
    assert first.headers["X-RateLimit-Limit"] == "4000"
    assert int(first.headers["X-RateLimit-Remaining"]) - int(second.headers["X-RateLimit-Remaining"]) == 1
    assert first.headers["X-RateLimit-Bytes-Limit"] == str(2048 * 1024)
    used = 2048 * 1024 - int(second.headers["X-RateLimit-Bytes-Remaining"])
    assert used == len(first.content) + len(second.content)  # GETs: response bytes only
    # errors after authentication are counted and carry the headers too
    r = http.put(ME, params={"auth_token": alice.token}, data={"default_leadtime": "x"})
    assert r.status_code == 422 and r.headers["X-RateLimit-Remaining"] == str(4000 - 3)


def test_raw_headers_say_what_headers_say() -> None:
    """Successes append raw pairs, refusals (429) use headers(): the two must never drift apart."""
    usage = quotas.Usage("20261127", 4001, 100, 4000, 2 * 1024 * 1024, 1795500000)
    assert usage.raw_headers() == [(k.lower().encode(), v.encode()) for k, v in usage.headers().items()]


def test_request_bodies_count_towards_bytes(http: httpx.Client, alice) -> None:
    body = {"auth_token": alice.token, "default_leadtime": "1", "pad": "p" * 500}
    r = http.put(ME, data=body)
    sent = len(httpx.Request("PUT", "http://x", data=body).read())
    assert 2048 * 1024 - int(r.headers["X-RateLimit-Bytes-Remaining"]) == sent + len(r.content)


def test_request_limit_gives_429_with_retry_after(http: httpx.Client, ctx: Context, clock, make_user) -> None:
    user = make_user(timezone="UTC")
    set_limits(ctx, user, requests=3)
    statuses = [http.get(ME, params={"auth_token": user.token}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    r = http.get(ME, params={"auth_token": user.token})
    assert "Daily API limit of 3 requests" in r.json()["errors"]["message"]
    assert r.headers["X-RateLimit-Remaining"] == "0"
    midnight = int(datetime(2026, 11, 24, tzinfo=ZoneInfo("UTC")).timestamp())
    assert r.headers["X-RateLimit-Reset"] == str(midnight)
    assert int(r.headers["Retry-After"]) == midnight - clock.now()


def test_byte_limit_gives_429(http: httpx.Client, ctx: Context, make_user) -> None:
    user = make_user()
    size = len(http.get(ME, params={"auth_token": user.token}).content)
    set_limits(ctx, user, nbytes=2 * size + 1)
    # admitted while fewer bytes than the limit are used: after 1 and 2 answers, not after 3
    codes = [http.get(ME, params={"auth_token": user.token}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_quota_resets_at_the_users_local_midnight(http: httpx.Client, ctx: Context, clock, make_user) -> None:
    user = make_user(timezone="Asia/Tokyo")
    set_limits(ctx, user, requests=1)
    tokyo = ZoneInfo("Asia/Tokyo")
    clock.set(int(datetime(2026, 11, 24, 23, 0, tzinfo=tokyo).timestamp()))
    assert http.get(ME, params={"auth_token": user.token}).status_code == 200
    r = http.get(ME, params={"auth_token": user.token})
    assert r.status_code == 429 and r.headers["Retry-After"] == "3600"
    clock.advance(3599)
    assert http.get(ME, params={"auth_token": user.token}).status_code == 429
    clock.advance(1)  # midnight in Tokyo, 15:00 UTC
    assert http.get(ME, params={"auth_token": user.token}).status_code == 200


def test_counts_survive_a_restart(ctx: Context, http: httpx.Client, clock, make_user) -> None:
    user = make_user()
    for _ in range(4):
        http.get(ME, params={"auth_token": user.token})
    meter = quotas.for_context(ctx)
    meter.counters.flush()
    day, _ = quotas.local_day(user.user.timezone, clock.now())
    with ctx.db.read() as conn:
        assert usage_rows.get_usage(conn, user.user.pk, day)[0] == 4
    restarted = quotas.Quotas(ctx)  # a new process starts from the stored totals
    assert restarted.today(user.user).requests == 4


async def _burst(url: str, token: str, n: int) -> list[int]:
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=50)) as client:
        responses = await asyncio.gather(*(client.get(ME, params={"auth_token": token}) for _ in range(n)))
    return [r.status_code for r in responses]


def test_exact_under_200_concurrent_requests(server: LiveServer, ctx: Context, clock, make_user) -> None:
    user = make_user()
    set_limits(ctx, user, requests=150)
    codes = asyncio.run(_burst(server.url, user.token, 200))
    assert codes.count(200) == 150 and codes.count(429) == 50
    meter = quotas.for_context(ctx)
    meter.counters.flush()
    assert meter.today(user.user).requests == 150


@pytest.fixture
def redis_server(ctx: Context) -> Iterator[tuple[LiveServer, Context]]:
    settings = dataclasses.replace(
        ctx.settings, redis_url="redis://127.0.0.1:6379/0", redis_prefix=f"brickroad-test-{uuid.uuid4().hex}:"
    )
    redis_ctx = Context(db=ctx.db, settings=settings, clock=ctx.clock)
    live = LiveServer(redis_ctx)
    live.start()
    yield live, redis_ctx
    live.stop()
    counters = quotas.for_context(redis_ctx).counters
    for key in counters.redis.scan_iter(settings.redis_prefix + "*"):
        counters.redis.delete(key)


def test_redis_backend_is_exact_and_shared(redis_server, clock, make_user) -> None:
    live, redis_ctx = redis_server
    meter = quotas.for_context(redis_ctx)
    assert isinstance(meter.counters, quotas.RedisCounters)
    # One client (and connection pool) per process, shared with the web throttles.
    assert meter.counters.redis is redis_ctx.redis() is counter_for(redis_ctx, "login", 60).redis
    user = make_user()
    meter.set_limits(user.user, 120, None)
    codes = asyncio.run(_burst(live.url, user.token, 200))
    assert codes.count(200) == 120 and codes.count(429) == 80
    # a second process sharing the Redis sees the same totals at once
    other = quotas.Quotas(redis_ctx)
    assert other.today(user.user).requests == 120
    assert other.today(user.user).bytes > 0
