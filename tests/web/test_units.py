"""Small pure pieces of the web layer: redirect targets, the login throttle, form value parsing."""

from __future__ import annotations

import time

import pytest

from brickroad.errors import Invalid
from brickroad.web.core import safe_target
from brickroad.web.goal_pages import deadline_from_clock, parse_clock
from brickroad.web.throttle import LoginThrottle

HOST = "brick.example:8080"


@pytest.mark.parametrize("url, expected", [
    ("/settings/apps", "/settings/apps"),
    ("/a/b?c=d#e", "/a/b?c=d#e"),
    ("http://brick.example:8080/x", "http://brick.example:8080/x"),
    ("https://BRICK.example:8080/x", "https://BRICK.example:8080/x"),
    ("http://brick.example/x", "/"),  # another port is another origin
    ("https://evil.example/x", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("\\/evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("data:text/html,hi", "/"),
    ("relative/path", "/"),
    ("/ok\r\nSet-Cookie: x=y", "/"),
    ("", "/"),
    (None, "/"),
])
def test_safe_target(url: str | None, expected: str) -> None:
    assert safe_target(url, HOST) == expected


def test_throttle_counts_per_account_and_forgets_after_the_window() -> None:
    t = LoginThrottle(window=0.3, per_account=2, per_address=100)
    t.failed("1.2.3.4", "Alice")
    assert t.retry_after("1.2.3.4", "alice") == 0
    t.failed("1.2.3.4", "alice")
    assert t.retry_after("1.2.3.4", "ALICE") > 0  # names are case-insensitive, like usernames
    assert t.retry_after("5.6.7.8", "alice") == 0  # someone elsewhere can't lock alice out
    time.sleep(0.35)
    assert t.retry_after("1.2.3.4", "alice") == 0


def test_throttle_per_address_across_names_and_success_resets_the_account() -> None:
    t = LoginThrottle(window=60, per_account=3, per_address=4)
    for name in ("a", "b", "c", "d"):
        t.failed("9.9.9.9", name)
    assert t.retry_after("9.9.9.9", "zed") > 0
    t2 = LoginThrottle(window=60, per_account=2, per_address=100)
    t2.failed("1.1.1.1", "bob")
    t2.succeeded("1.1.1.1", "bob")
    t2.failed("1.1.1.1", "bob")
    assert t2.retry_after("1.1.1.1", "bob") == 0


@pytest.mark.parametrize("text, seconds", [("00:00", 0), ("06:00", 21600), ("03:30", 12600), ("23:00", -3600), ("07:00", -61200)])
def test_deadline_times_become_beeminder_offsets(text: str, seconds: int) -> None:
    assert deadline_from_clock(text) == seconds


@pytest.mark.parametrize("text", ["", "25:00", "noon", "12"])
def test_bad_times_are_invalid(text: str) -> None:
    with pytest.raises(Invalid):
        parse_clock(text, "alertstart")


def test_redis_windows_count_expire_and_forget() -> None:
    import uuid

    import redis

    from brickroad.web.throttle import RedisWindow, SignupThrottle

    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    prefix = f"brickroad-test-{uuid.uuid4().hex}:"
    try:
        t = LoginThrottle(per_account=2, per_address=3, counter=RedisWindow(client, prefix + "login:", 60))
        t.failed("1.2.3.4", "Alice")
        t.failed("1.2.3.4", "alice")
        assert 55 < t.retry_after("1.2.3.4", "ALICE") <= 61
        assert t.retry_after("5.6.7.8", "alice") == 0
        t.succeeded("1.2.3.4", "alice")
        assert t.retry_after("1.2.3.4", "alice") == 0
        t.failed("1.2.3.4", "bob")  # the third failure from this address, whatever the name
        assert t.retry_after("1.2.3.4", "carol") > 0
        s = SignupThrottle(1, counter=RedisWindow(client, prefix + "signup:", 0.3))
        s.signed_up("9.9.9.9")
        assert s.retry_after("9.9.9.9") > 0
        time.sleep(0.35)
        assert s.retry_after("9.9.9.9") == 0
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
        client.close()
