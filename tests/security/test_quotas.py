"""Quotas (M6): the daily allowance follows the user; changing timezone doesn't open a fresh one."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from brickroad.clock import ManualClock
from brickroad.services import accounts, quotas
from brickroad.services.context import Context
from tests.conftest import Account, LiveServer
from tests.web.webkit import PASSWORD, Browser

ME = "/api/v1/users/me.json"
# At the tests' START (2026-11-23 12:00 UTC) it is 04:00 on the 23rd in Los Angeles and
# 02:00 on the 24th in Kiritimati (UTC+14): a change between them moves to another calendar day.
WEST, EAST = "America/Los_Angeles", "Pacific/Kiritimati"


def _remaining(r: httpx.Response) -> int:
    return int(r.headers["X-RateLimit-Remaining"])


def _limited(ctx: Context, make_user: Callable[..., Account], requests: int) -> Account:
    account = make_user(timezone=WEST, password=PASSWORD)
    quotas.for_context(ctx).set_limits(account.user, requests, 10**9)
    return account


def test_changing_timezone_through_the_api_keeps_todays_count(
        http: httpx.Client, ctx: Context, make_user: Callable[..., Account], clock: ManualClock) -> None:
    account = _limited(ctx, make_user, requests=5)
    for _ in range(3):
        http.get(ME, params={"auth_token": account.token})
    r = http.put(ME, data={"auth_token": account.token, "timezone": EAST})
    assert r.status_code == 200 and _remaining(r) == 1
    r = http.get(ME, params={"auth_token": account.token})
    assert r.status_code == 200 and _remaining(r) == 0
    assert http.get(ME, params={"auth_token": account.token}).status_code == 429


def test_changing_timezone_on_the_web_keeps_todays_count(
        http: httpx.Client, ctx: Context, make_user: Callable[..., Account], server: LiveServer,
        clock: ManualClock) -> None:
    account = _limited(ctx, make_user, requests=3)
    for _ in range(3):
        http.get(ME, params={"auth_token": account.token})
    assert http.get(ME, params={"auth_token": account.token}).status_code == 429
    b = Browser(server.url)
    try:
        b.login(account.username)
        r = b.post("/settings/preferences", {"timezone": EAST}, csrf_from="/settings")
        assert r.status_code == 303
    finally:
        b.close()
    assert http.get(ME, params={"auth_token": account.token}).status_code == 429


@pytest.mark.parametrize("zones", [[EAST, WEST], [EAST, WEST, EAST, WEST, EAST]])
def test_switching_back_and_forth_neither_resets_nor_double_counts(
        ctx: Context, make_user: Callable[..., Account], clock: ManualClock, zones: list[str]) -> None:
    account = _limited(ctx, make_user, requests=100)
    meter = quotas.for_context(ctx)
    for _ in range(7):
        meter.admit(account.user, 10)
    user = account.user
    for zone in zones:
        user = accounts.update_settings(ctx, user, timezone=zone)
        assert meter.today(user).requests == 7


def test_the_allowance_still_resets_at_local_midnight(
        http: httpx.Client, ctx: Context, make_user: Callable[..., Account], clock: ManualClock) -> None:
    account = _limited(ctx, make_user, requests=2)
    http.put(ME, data={"auth_token": account.token, "timezone": EAST})
    assert http.get(ME, params={"auth_token": account.token}).status_code == 200
    assert http.get(ME, params={"auth_token": account.token}).status_code == 429
    clock.advance(22 * 3600)  # past midnight in Kiritimati
    assert http.get(ME, params={"auth_token": account.token}).status_code == 200


def test_one_request_cannot_carry_the_day_past_the_byte_limit(
        http: httpx.Client, ctx: Context, make_user: Callable[..., Account], clock: ManualClock) -> None:
    account = make_user(timezone=WEST)
    quotas.for_context(ctx).set_limits(account.user, 1000, 20_000)
    big = {"auth_token": account.token, "default_leadtime": "1", "pad": "p" * 50_000}
    r = http.put(ME, data=big)
    assert r.status_code == 429 and "errors" in r.json()
    assert quotas.for_context(ctx).today(account.user).bytes == 0  # refused before it was counted
    small = http.put(ME, data={"auth_token": account.token, "default_leadtime": "1"})
    assert small.status_code == 200


def test_each_call_in_a_v2_batch_counts(http: httpx.Client, ctx: Context, make_user: Callable[..., Account],
                                        clock: ManualClock) -> None:
    account = make_user(timezone=WEST)
    quotas.for_context(ctx).set_limits(account.user, 10, 10**9)
    batch = {"service": "batch", "requests": [{"service": "goal.list"}] * 4}
    r = http.post("/api/v2", json=batch, auth=(account.token, ""))
    assert r.status_code == 200 and _remaining(r) == 10 - 4
    r = http.post("/api/v2", json={"service": "batch", "requests": [{"service": "goal.list"}] * 7},
                  auth=(account.token, ""))
    assert r.status_code == 429 and r.json()["status"] == "error"  # 7 more don't fit in what is left
    assert quotas.for_context(ctx).today(account.user).requests == 5  # the refused batch counted once
