"""URLs, auth placement, retries on 429/503 and `call()` request building."""

from __future__ import annotations

import email.utils
import json
import time

import httpx
import pytest

from brickroad.client import Client, ConnectionFailed, RateLimited, ServerError, normalize_base_url
from brickroad.client.endpoints import Pager
from brickroad.client.models import Datapoint


@pytest.mark.parametrize(
    "given, expected",
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v1/"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/v1/"),
        ("https://www.beeminder.com/api", "https://www.beeminder.com/api/v1/"),
        ("https://www.beeminder.com/api/v1", "https://www.beeminder.com/api/v1/"),
        ("https://www.beeminder.com/api/v1/", "https://www.beeminder.com/api/v1/"),
        ("bee.example.org/sub/path", "http://bee.example.org/sub/path/api/v1/"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    assert normalize_base_url(given) == expected


def recorder(responses: list[httpx.Response]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses.pop(0) if responses else httpx.Response(200, json={"username": "alice"})

    return httpx.MockTransport(handler), seen


def test_retries_429_and_503_honouring_retry_after() -> None:
    transport, seen = recorder([
        httpx.Response(429, headers={"Retry-After": "0.05"}, json={"errors": {"message": "slow down"}}),
        httpx.Response(503, headers={"Retry-After": "0"}, text="maintenance"),
    ])
    started = time.monotonic()
    with Client("http://x.test", token="t", transport=transport) as bee:
        assert bee.me().username == "alice"
    assert len(seen) == 3 and time.monotonic() - started >= 0.05


def test_retry_after_as_http_date() -> None:
    soon = email.utils.formatdate(time.time() + 1, usegmt=True)
    transport, seen = recorder([httpx.Response(503, headers={"Retry-After": soon})])
    with Client("http://x.test", token="t", transport=transport) as bee:
        assert bee.me().username == "alice"
    assert len(seen) == 2


def test_gives_up_after_max_retries_with_the_servers_message() -> None:
    transport, seen = recorder([httpx.Response(429, headers={"Retry-After": "0"}, json={"errors": {"message": "quota"}})] * 5)
    with Client("http://x.test", token="t", transport=transport, max_retries=2) as bee, pytest.raises(RateLimited) as exc:
        bee.me()
    assert len(seen) == 3 and str(exc.value) == "429: quota"


def test_does_not_sleep_longer_than_max_retry_wait() -> None:
    transport, seen = recorder([httpx.Response(503, headers={"Retry-After": "3600"}, text="down for an hour")])
    with Client("http://x.test", token="t", transport=transport, max_retry_wait=5) as bee, pytest.raises(ServerError) as exc:
        bee.me()
    assert len(seen) == 1 and "down for an hour" in str(exc.value)


def test_other_statuses_are_not_retried() -> None:
    transport, seen = recorder([httpx.Response(500, json={"errors": {"message": "boom"}})])
    with Client("http://x.test", token="t", transport=transport) as bee, pytest.raises(ServerError):
        bee.me()
    assert len(seen) == 1


def test_access_token_goes_in_the_bearer_header() -> None:
    transport, seen = recorder([])
    with Client("http://x.test", access_token="oauth", transport=transport) as bee:
        bee.me()
    assert seen[0].headers["authorization"] == "Bearer oauth" and "access_token" not in seen[0].url.params


def test_call_resolves_paths_like_the_integration() -> None:
    transport, seen = recorder([httpx.Response(200, json=[])] * 5)
    with Client("http://x.test", token="t", transport=transport) as bee:
        bee.call("GET", "/v1/me.json")
        bee.call("get", "users/me/goals.json", query="emaciated=true&x=1")
        bee.call("POST", "/v1/users/me/goals/a/datapoints.json", headers={"X-Trace": "1"}, body={"value": 1})
        bee.call("PUT", "/api/v1/users/me.json", headers={"Content-Type": "application/x-www-form-urlencoded"},
                 body={"timezone": "Europe/Berlin"})
        bee.call("DELETE", "http://x.test/api/v1/users/me/goals/a/datapoints/1.json", body="raw text")
    urls = [str(r.url).split("?")[0] for r in seen]
    assert urls == [
        "http://x.test/api/v1/me.json",
        "http://x.test/api/v1/users/me/goals.json",
        "http://x.test/api/v1/users/me/goals/a/datapoints.json",
        "http://x.test/api/v1/users/me.json",
        "http://x.test/api/v1/users/me/goals/a/datapoints/1.json",
    ]
    assert all(r.url.params["auth_token"] == "t" for r in seen)
    assert seen[1].url.params["emaciated"] == "true" and seen[1].url.params["x"] == "1"
    assert seen[2].headers["x-trace"] == "1" and json.loads(seen[2].content) == {"value": 1}
    assert seen[3].content == b"timezone=Europe%2FBerlin"
    assert seen[4].content == b"raw text" and seen[4].method == "DELETE"


def test_call_refuses_to_send_the_token_elsewhere() -> None:
    transport, seen = recorder([])
    with Client("http://x.test", token="t", transport=transport) as bee, pytest.raises(ValueError, match="refusing"):
        bee.call("GET", "https://evil.test/steal")
    assert seen == []


def test_unreachable_server_is_one_clear_error() -> None:
    with Client("http://127.0.0.1:9", token="t", timeout=2) as bee, pytest.raises(ConnectionFailed) as exc:
        bee.me()
    assert str(exc.value).startswith("cannot reach http://127.0.0.1:9/api/v1/:")


def test_pager_survives_capped_per_and_ignored_page() -> None:
    def pts(*ids: int) -> list[Datapoint]:
        return [Datapoint(id=str(i)) for i in ids]

    capped = Pager(per=5)  # server silently caps per at 3
    assert len(capped.take(pts(1, 2, 3))) == 3 and not capped.done
    assert len(capped.take(pts(4, 5, 6))) == 3 and not capped.done
    capped.take(pts(7))
    assert capped.done
    ignored = Pager(per=2)  # server ignores page: same page again
    ignored.take(pts(1, 2))
    assert ignored.take(pts(1, 2)) == [] and ignored.done


def test_a_page_that_is_not_the_api_is_an_unexpected_response() -> None:
    from brickroad.client import UnexpectedResponse

    transport, _seen = recorder([httpx.Response(200, text="<html><body>Welcome to nginx</body></html>")])
    with Client("http://x.test", token="t", transport=transport) as bee, pytest.raises(UnexpectedResponse) as exc:
        bee.goal("pushups")
    assert "http://x.test/api/v1/users/me/goals/pushups.json" in str(exc.value) and "nginx" in str(exc.value)
    assert "auth_token" not in str(exc.value)
