"""Input limits: deep JSON (M1), slowloris (M2), huge headers (M3), integers past 64 bits (L1), multipart (L2).

The socket tests run uvicorn built from `server_options`, exactly as `brickroad serve`
builds it, with short limits so each attack is refused within a second.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import httpx
import orjson
import pytest

from brickroad.config import ServeLimits
from brickroad.services.context import Context
from tests.api.goalkit import create_goal
from tests.conftest import Account, LiveServer
from tests.security.kit import CliServer

LIMITS = ServeLimits(header_timeout=0.5, body_timeout=0.5, keep_alive=5, max_header_bytes=8 * 1024, max_connections=4)


@pytest.fixture(scope="module")
def guarded(ctx: Context) -> Iterator[LiveServer]:
    """The server as `brickroad serve` configures it, with LIMITS."""
    live = CliServer(ctx, LIMITS)
    live.start()
    yield live
    live.stop()


def _connect(server: LiveServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def _read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes (or 5 s pass, which fails the caller's assertions)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (TimeoutError, ConnectionResetError):
        pass
    return b"".join(chunks)


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# ------------------------------------------------------------------ M1: deep JSON


@pytest.mark.parametrize("depth", [330, 5000, 100_000])
def test_deeply_nested_json_is_a_400_before_authentication(http: httpx.Client, depth: int,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    body = b'{"value": 1, "comment": ' + _nested(depth) + b"}"
    caplog.set_level(logging.WARNING)
    for path in ("/api/v1/users/me/goals/x/datapoints.json", "/api/v2", "/api/v1/users/me.json"):
        r = http.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, (path, r.status_code, r.text[:200])
        assert "errors" in r.json()
    # Client input is never worth a traceback in the log.
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR or rec.exc_info]


def test_deep_json_changes_nothing_for_an_authenticated_caller(http: httpx.Client, alice: Account) -> None:
    create_goal(http, alice.token, "deep")
    points = "/api/v1/users/me/goals/deep/datapoints.json"
    before = http.get(points, params={"auth_token": alice.token}).json()
    body = b'{"value": 1, "comment": "x", "requestid": ' + _nested(400) + b"}"
    r = http.post(points, params={"auth_token": alice.token},
                  content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "errors" in r.json()
    assert http.get(points, params={"auth_token": alice.token}).json() == before


def test_moderately_nested_json_is_still_read(http: httpx.Client, alice: Account) -> None:
    create_goal(http, alice.token, "nest")
    doc = {"service": "datapoint.create", "goal": "nest", "value": 2, "date": "2026-11-23 10:00:00",
           "unused": orjson.loads(_nested(20))}
    r = http.post("/api/v2", json=doc, auth=(alice.token, ""))
    assert r.status_code == 200, r.text


# ------------------------------------------------------------------ M2: slowloris


def test_a_connection_that_sends_nothing_is_closed(guarded: LiveServer) -> None:
    with _connect(guarded) as sock:
        started = time.monotonic()
        answer = _read_all(sock)
    assert time.monotonic() - started < 3
    assert answer.startswith(b"HTTP/1.1 408")


def test_headers_that_never_finish_get_408_and_close(guarded: LiveServer) -> None:
    with _connect(guarded) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        # A trickle of header bytes doesn't extend the deadline.
        for _ in range(3):
            time.sleep(0.2)
            try:
                sock.sendall(b"X-a: b\r\n")
            except OSError:
                break
        answer = _read_all(sock)
    assert time.monotonic() - started < 3
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"errors" in answer


@pytest.mark.parametrize("path", ["/api/v1/users/me/goals/slowbody/datapoints.json", "/api/v1/users/me.json", "/login"])
def test_a_body_that_never_finishes_gets_408_and_close(guarded: LiveServer, http: httpx.Client, alice: Account,
                                                       path: str, caplog: pytest.LogCaptureFixture) -> None:
    http.post("/api/v1/users/me/goals.json", data={"auth_token": alice.token, "slug": "slowbody", "title": "S",
                                                  "goal_type": "hustler", "gunits": "r", "rate": 1, "runits": "d",
                                                  "goalval": 100})
    caplog.set_level(logging.WARNING)
    with _connect(guarded) as sock:
        sock.sendall(
            b"POST " + path.encode() + b"?auth_token=" + alice.token.encode()
            + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100\r\n\r\nvalue=1"
        )
        started = time.monotonic()
        answer = _read_all(sock)
    assert time.monotonic() - started < 3
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    time.sleep(0.3)  # the app learns of the disconnect after the close: give it time to (not) log
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR or rec.exc_info]


def test_connections_past_the_cap_are_closed_at_once_and_service_resumes(guarded: LiveServer) -> None:
    held = [_connect(guarded) for _ in range(LIMITS.max_connections)]
    try:
        time.sleep(0.1)  # let the server register them
        with _connect(guarded) as extra:
            started = time.monotonic()
            assert _read_all(extra) == b""  # closed without a word, long before the header deadline
            assert time.monotonic() - started < LIMITS.header_timeout
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.1)
    assert httpx.get(guarded.url + "/healthz", timeout=5).status_code == 200


def test_keep_alive_requests_within_the_limits_are_served(guarded: LiveServer) -> None:
    with httpx.Client(base_url=guarded.url, timeout=5) as client:
        for _ in range(3):
            assert client.get("/healthz").status_code == 200


# ------------------------------------------------------------------ M3: header size


def test_oversized_headers_get_431_without_being_read_whole(guarded: LiveServer) -> None:
    with _connect(guarded) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        try:
            while sent < 10 * 1024 * 1024:  # the server must stop reading long before 10 MiB
                sock.sendall(b"a" * 65536)
                sent += 65536
        except OSError:
            pass
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]
    assert sent < 10 * 1024 * 1024


def test_an_oversized_request_line_gets_431(guarded: LiveServer) -> None:
    with _connect(guarded) as sock:
        sock.sendall(b"GET /healthz?" + b"a" * (LIMITS.max_header_bytes + 10) + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]


def test_headers_just_under_the_cap_are_served(guarded: LiveServer) -> None:
    r = httpx.get(guarded.url + "/healthz", headers={"X-Pad": "a" * (LIMITS.max_header_bytes - 500)}, timeout=5)
    assert r.status_code == 200


# ------------------------------------------------------------------ L1: integers past 64 bits

HUGE = str(2**63)


def test_ids_past_64_bits_name_nothing(http: httpx.Client, alice: Account) -> None:
    auth = {"auth_token": alice.token}
    for method, path in (("DELETE", f"/api/v1/users/me/webhooks/{HUGE}.json"),
                         ("POST", f"/api/v1/users/me/webhooks/deliveries/{HUGE}/retry.json"),
                         ("DELETE", f"/api/v1/users/me/webhooks/{10**30}.json")):
        r = http.request(method, path, params=auth)
        assert r.status_code == 404 and "errors" in r.json(), (path, r.status_code, r.text[:200])


def test_a_datapoint_page_past_64_bits_is_422(http: httpx.Client, alice: Account) -> None:
    create_goal(http, alice.token, "pages")
    for page in (HUGE, str(2**62), "400000000000000000"):
        r = http.get("/api/v1/users/me/goals/pages/datapoints.json", params={"auth_token": alice.token, "page": page})
        assert r.status_code == 422 and "page" in r.json()["errors"], (page, r.status_code, r.text[:200])


def test_a_public_goal_page_past_any_data_is_404_without_login(http: httpx.Client, alice: Account,
                                                               server: LiveServer) -> None:
    create_goal(http, alice.token, "open", datapublic="true")
    for page in ("4e17", "400000000000000000", HUGE):
        r = httpx.get(f"{server.url}/{alice.username}/open", params={"page": page}, timeout=10)
        assert r.status_code in (200, 404), (page, r.status_code)  # never a crash
    assert httpx.get(f"{server.url}/{alice.username}/open", params={"page": "400000000000000000"},
                     timeout=10).status_code == 404


def test_an_oauth_app_id_past_64_bits_is_404(server: LiveServer) -> None:
    from tests.web.webkit import Browser

    b = Browser(server.url).signup()
    try:
        r = b.post(f"/settings/apps/revoke/{HUGE}", {}, csrf_from="/settings/apps")
        assert r.status_code == 404
    finally:
        b.close()


# ------------------------------------------------------------------ L2: multipart in the fast lane


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_multipart_without_a_boundary_is_400_on_the_fast_lane(http: httpx.Client, alice: Account,
                                                              content_type: str) -> None:
    create_goal(http, alice.token, "mp")
    r = http.post("/api/v1/users/me/goals/mp/datapoints.json", params={"auth_token": alice.token},
                  content=b"value=1", headers={"content-type": content_type})
    assert r.status_code == 400 and "errors" in r.json(), r.text


def test_multipart_with_too_many_parts_is_400_on_the_fast_lane(http: httpx.Client, alice: Account) -> None:
    create_goal(http, alice.token, "parts")
    boundary = "xyz"
    part = f"--{boundary}\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n"
    body = (part * 1100 + f"--{boundary}--\r\n").encode()
    r = http.post("/api/v1/users/me/goals/parts/datapoints.json", params={"auth_token": alice.token},
                  content=body, headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 400 and "errors" in r.json(), r.text


# ------------------------------------------------------------------ Info: SVG served as a document


def test_svg_graphs_carry_a_policy_that_runs_no_script(http: httpx.Client, alice: Account) -> None:
    create_goal(http, alice.token, "svgpolicy", title="<script>alert(1)</script>")
    r = http.get(f"/graphs/{alice.username}+svgpolicy.svg")
    assert r.status_code == 200
    policy = r.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy
    assert r.headers["x-content-type-options"] == "nosniff"
