"""The fast lane (api/fastlane.py) answers the hot routes exactly as the full middleware stack would."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brickroad.api.app import create_app
from brickroad.services import goals as goal_service
from brickroad.services.context import Context

from tests.api.goalkit import add_point, create_goal
from tests.conftest import LiveServer


@pytest.fixture(scope="module")
def full_stack(ctx: Context) -> Iterator[httpx.Client]:
    """A second server on the same data with the fast lane off: every request through the stack."""
    app = create_app(ctx)
    app.fast_routes = ()
    live = LiveServer(ctx, app)
    live.start()
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client
    live.stop()


def _same(fast: httpx.Client, full: httpx.Client, method: str, path: str, **kw: object) -> httpx.Response:
    a, b = fast.request(method, path, **kw), full.request(method, path, **kw)  # type: ignore[arg-type]
    assert (a.status_code, a.content) == (b.status_code, b.content), (method, path)
    return a


def test_hot_routes_answer_as_the_full_stack(http, full_stack, alice, make_user):
    create_goal(http, alice.token, "lane")
    bob = make_user(prefix="bob")
    auth = {"auth_token": alice.token}
    for method, path, status in [
        ("GET", "/api/v1/users/me/goals/lane.json", 200),
        ("GET", "/api/v1/users/me/goals/lane", 200),  # .json optional
        ("GET", "/api//v1//users/me/goals/lane.json", 200),  # doubled slashes
        ("GET", "/api/v1/users/me/goals/archived.json", 200),  # the archived list, not a goal "archived"
        ("GET", "/api/v1/users/me/goals/nope.json", 404),
        ("GET", f"/api/v1/users/{bob.user.username}/goals/lane.json", 403),
        ("GET", "/api/v1/users/me.json", 200),
        ("GET", "/api/v1/users/me/goals/lane/datapoints.json", 200),  # not hot: the stack's route
        ("POST", "/api/v1/users/me/goals/lane.json", 404),  # a hot path, another method: the catch-all
        ("POST", "/api/v1/users/me/goals/nope/datapoints.json", 404),
        ("POST", "/api/v1/users/me/goals/lane/datapoints.json", 422),  # no value
    ]:
        assert _same(http, full_stack, method, path, params=auth).status_code == status, (method, path)
    r = _same(http, full_stack, "GET", "/api/v1/users/me/goals/lane.json")  # no token
    assert r.status_code == 401 and "errors" in r.json()
    head = http.head("/api/v1/users/me/goals/lane.json", params=auth)  # HEAD: the stack answers
    assert head.status_code == 200 and head.content == b""


_SEGMENT = st.sampled_from(["users", "me", "goals", "lane", "archived", "datapoints", "nope", "api", "v1",
                            "lane.json", "me.json", "datapoints.json", "", "%20x", "x%2Fy"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST"]), tail=st.lists(_SEGMENT, max_size=6), with_token=st.booleans())
def test_any_path_answers_as_the_full_stack(http, full_stack, alice, method, tail, with_token):
    """Whatever the path, the fast lane answers exactly as the stack (POSTs here carry no value: nothing is
    written, so both servers see the same data)."""
    if not _has_goal(http, alice.token, "lane"):  # examples share the test's fixtures
        create_goal(http, alice.token, "lane")
    path = "/api/v1/" + "/".join(tail)
    _same(http, full_stack, method, path, params={"auth_token": alice.token} if with_token else {})


def _has_goal(http: httpx.Client, token: str, slug: str) -> bool:
    return http.get(f"/api/v1/users/me/goals/{slug}.json", params={"auth_token": token}).status_code == 200


def test_bodies_the_cap_would_touch_go_through_the_stack(http, alice):
    create_goal(http, alice.token, "capped")
    url = "/api/v1/users/me/goals/capped/datapoints.json"
    form = {"content-type": "application/x-www-form-urlencoded"}
    big = f"auth_token={alice.token}&value=1&comment=".encode() + b"x" * (2 * 1024 * 1024)
    r = http.post(url, content=big, headers=form)
    assert r.status_code == 413 and "too large" in r.json()["errors"]["message"]

    def streamed(body: bytes, times: int = 1) -> Iterator[bytes]:
        for _ in range(times):
            yield body

    r = http.post(url, content=streamed(b"x" * 65536, 40), headers=form, params={"auth_token": alice.token})
    assert r.status_code == 413
    r = http.post(url, content=streamed(f"auth_token={alice.token}&value=7&comment=chunked".encode()), headers=form)
    assert r.status_code == 200 and r.json()["comment"] == "chunked"
    points = http.get("/api/v1/users/me/goals/capped/datapoints.json", params={"auth_token": alice.token}).json()
    assert sorted(p["comment"] for p in points) == ["", "chunked"]  # the initial point and one more


def test_a_crash_in_a_hot_route_is_a_json_500(http, alice, monkeypatch):
    create_goal(http, alice.token, "crashy")
    add_point(http, alice.token, "crashy", value=1)

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(goal_service, "get_view", boom)
    r = http.get("/api/v1/users/me/goals/crashy.json", params={"auth_token": alice.token})
    assert r.status_code == 500
    assert r.json() == {"errors": {"message": "Internal server error; the change was not saved"}}
