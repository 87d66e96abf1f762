"""The library parses the real bodies in shared/api/examples (served by httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from brickroad.client import AsyncClient, AuthError, Client, NotFound, ValidationError

ROUTES = {
    ("GET", "/api/v1/users/me.json", ""): "user.json",
    ("GET", "/api/v1/users/me.json", "diff_since"): "user_diff_since.json",
    ("GET", "/api/v1/users/me.json", "skinny"): "user_diff_since_skinny.json",
    ("GET", "/api/v1/users/alice.json", "diff_since"): "user_diff_since_nochange.json",
    ("GET", "/api/v1/users/me/goals.json", ""): "goal_list.json",
    ("GET", "/api/v1/users/me/goals/exercise.json", ""): "goal.json",
    ("GET", "/api/v1/users/me/goals/exercise.json", "emaciated"): "goal_emaciated.json",
    ("GET", "/api/v1/users/me/goals/exercise.json", "datapoints"): "goal_with_datapoints.json",
    ("GET", "/api/v1/users/me/goals/exercise/datapoints.json", ""): "datapoint_list.json",
    ("GET", "/api/v1/users/me/goals/exercise/refresh_graph.json", ""): "refresh_graph_response.json",
    ("POST", "/api/v1/users/me/goals.json", ""): "goal_create_response.json",
    ("POST", "/api/v1/users/me/goals/exercise/datapoints.json", ""): "datapoint_create_response.json",
    ("POST", "/api/v1/users/me/goals/exercise/datapoints/create_all.json", ""): "datapoints_create_all_response.json",
    ("PUT", "/api/v1/users/me/goals/exercise/datapoints/69aed8c0f0168adc8509a9f3.json", ""): "datapoint_requestid_upsert_response.json",
    ("DELETE", "/api/v1/users/me/goals/exercise/datapoints/69b02a6ef0168adc8509aa01.json", ""): "datapoint.json",
    ("POST", "/api/v1/charges.json", ""): "charge.json",
}
ERRORS = {
    "/api/v1/users/me/goals/nonexistent.json": (404, "error_404_not_found.json"),
    "/api/v1/users/me/goals/stuck/stepdown.json": (422, "error_422_stepdown_refused.json"),
    "/api/v1/users/me/goals/exercise/ratchet.json": (422, "error_422_ratchet.json"),
    "/api/v1/users/me/goals/bad/datapoints.json": (422, "error_422_datapoint_missing_value.json"),
}


@pytest.fixture
def examples(shared_dir: Path) -> Path:
    path = shared_dir / "api" / "examples"
    assert path.is_dir(), f"recorded examples missing at {path}"
    return path


def recorded_transport(examples: Path, seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params.get("auth_token") == "wrong":
            return httpx.Response(401, content=(examples / "error_401_bad_auth_token.json").read_bytes())
        if request.url.path in ERRORS:
            status, name = ERRORS[request.url.path]
            return httpx.Response(status, content=(examples / name).read_bytes())
        flags = [k for k in ("skinny", "diff_since", "emaciated", "datapoints") if k in request.url.params]
        key = (request.method, request.url.path, flags[0] if flags else "")
        if key not in ROUTES:
            return httpx.Response(404, content=(examples / "error_404_not_found.json").read_bytes())
        return httpx.Response(200, content=(examples / ROUTES[key]).read_bytes(), headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


@pytest.fixture
def bee(examples: Path) -> Client:
    seen: list[httpx.Request] = []
    client = Client(token="abc123XYZtoken", transport=recorded_transport(examples, seen))
    client.seen = seen  # type: ignore[attr-defined]
    return client


def test_default_base_url_is_beeminder_and_token_is_a_parameter(bee: Client) -> None:
    bee.me()
    request = bee.seen[-1]  # type: ignore[attr-defined]
    assert str(request.url).startswith("https://www.beeminder.com/api/v1/users/me.json")
    assert request.url.params["auth_token"] == "abc123XYZtoken"


def test_user_and_diff_since(bee: Client, examples: Path) -> None:
    user = bee.me()
    assert user.username == "alice" and user.timezone == "America/Chicago"
    assert user.goals == ["weight", "exercise", "reading"] and user.goal_objects == []
    assert user.deleted_goals is None and user.id == "5f5d577d55c1330906001a2b"
    diff = bee.user(diff_since=1773000000, emaciated=True)
    assert diff.goals == [g.slug for g in diff.goal_objects] and diff.goal_objects
    assert diff.goal_objects[0].datapoints is not None and diff.goal_objects[0].road is None
    assert all("slug" in d for d in diff.deleted_goals or [])
    skinny = bee.user(diff_since=1773000000, skinny=True)
    assert skinny.goal_objects[0].last_datapoint is not None
    nothing = bee.user("alice", diff_since=1773158125)
    assert nothing.goals == [] and nothing.deleted_goals == []


def test_goal_fields_and_nested_objects(bee: Client, examples: Path) -> None:
    raw = json.loads((examples / "goal.json").read_text())
    goal = bee.goal("exercise")
    assert goal.slug == "exercise" and goal.rate == 3.0 and goal.runits == "w"
    assert goal.safebuf == raw["safebuf"] and goal.losedate == raw["losedate"]
    assert goal.contract.amount == 5.0 and goal.contract.stepdown_at is None
    assert goal.last_datapoint is not None and goal.last_datapoint.comment == "morning run"
    assert [p.id for p in goal.recent_data] == [p["id"] for p in raw["recent_data"]]
    assert goal.roadall == raw["roadall"] and goal.tags == ["fitness"]
    assert goal.raw == raw  # every key kept, known or not (dueby, graphsum, …)
    assert goal.datapoints is None


def test_emaciated_goal_and_goal_with_datapoints(bee: Client) -> None:
    lean = bee.goal("exercise", emaciated=True)
    assert lean.road is None and lean.fullroad is None and "road" not in lean.raw
    full = bee.goal("exercise", datapoints=True)
    assert full.datapoints and full.datapoints[0].is_initial


def test_goal_list_and_datapoint_list(bee: Client, examples: Path) -> None:
    goals = bee.goals()
    raw = json.loads((examples / "goal_list.json").read_text())
    assert [g.slug for g in goals] == [g["slug"] for g in raw]  # the server's order, untouched
    assert all(g.urgencykey and g.contract.amount is not None for g in goals)
    points = bee.datapoints("exercise")
    assert [p.id for p in points][:2] == ["69b02a6ef0168adc8509aa01", "69aed8c0f0168adc8509a9f3"]
    assert points[1].requestid == "strava-88412" and points[1].value == 1.5 and points[0].requestid is None


def test_refresh_graph_is_a_bare_boolean(bee: Client) -> None:
    assert bee.refresh_graph("exercise") is True


def test_writes_parse_status_and_charge_oid(bee: Client) -> None:
    created = bee.create_datapoint("exercise", 2, comment="morning run")
    assert created.status == "created" and created.value == 2.0
    batch = bee.create_all("exercise", [{"value": 1}, {"value": 2, "requestid": "batch-0308"}])
    assert [p.status for p in batch] == ["created", "created"] and batch[1].requestid == "batch-0308"
    upsert = bee.update_datapoint("exercise", "69aed8c0f0168adc8509a9f3", value=2)
    assert upsert.status == "updated"
    deleted = bee.delete_datapoint("exercise", "69b02a6ef0168adc8509aa01")
    assert deleted.status is None
    charge = bee.charge(10, note="Missed my reading target", user_id="alice")
    assert charge.id == "69b04455f0168adc8509ab30" and charge.amount == 10.0 and charge.username == "alice"
    fresh = bee.create_goal("reading", "Read more", "hustler", "pages", rate=1, goaldate=1804694123, goalval=None)
    assert fresh.safebuf is None and fresh.odom is None and fresh.queued


def test_statuses_only_create_all_reads_beeminders_full_answer(bee: Client) -> None:
    # beeminder.com ignores compact=true and answers full datapoints: ids and statuses come from those.
    batch = bee.create_all_statuses("exercise", [{"value": 1}, {"value": 2, "requestid": "batch-0308"}])
    full = bee.create_all("exercise", [{"value": 1}, {"value": 2, "requestid": "batch-0308"}])
    assert batch == [(p.id, p.status) for p in full] and all(p.id for p in batch)
    assert bee.seen[-2].url.params["compact"] == "true"  # type: ignore[attr-defined]


def test_documented_charge_shape_with_a_plain_id(examples: Path) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=(examples / "charge_documented_shape.json").read_bytes()))
    with Client(token="t", transport=transport) as bee:
        assert bee.charge(10, user_id="alice").id == "69b04455f0168adc8509ab30"


def test_recorded_errors_carry_error_and_errors(bee: Client) -> None:
    with pytest.raises(NotFound) as missing:
        bee.goal("nonexistent")
    assert missing.value.error == "The requested resource was not found." and missing.value.errors is None
    assert str(missing.value) == "404: The requested resource was not found."
    with pytest.raises(ValidationError) as refused:
        bee.stepdown("stuck")
    assert refused.value.errors == "Cannot schedule a stepdown for a contract with amount $5"
    with pytest.raises(ValidationError) as blank:
        bee.create_datapoint("bad", 1)
    assert blank.value.errors == {"value": ["can't be blank", "is not a number"]}
    assert blank.value.message == "value: can't be blank, is not a number"
    with pytest.raises(ValidationError, match="beemergency=True"):
        bee.ratchet("exercise", 0)


def test_recorded_bad_token(examples: Path) -> None:
    with Client(token="wrong", transport=recorded_transport(examples, [])) as bee, pytest.raises(AuthError) as bad:
        bee.me()
    assert bad.value.errors["auth_token"] == "bad_token"
    assert "mix up auth_token and access_token" in bad.value.message
    assert "https://www.beeminder.com/api/v1/" in str(bad.value)


def test_async_client_parses_the_same_bodies(examples: Path) -> None:
    async def run() -> None:
        seen: list[httpx.Request] = []
        transport = recorded_transport(examples, seen)
        sync_transport = transport  # MockTransport serves both APIs
        async with AsyncClient(access_token="oauth-tok", transport=sync_transport) as bee:
            user, goal, points = await bee.me(), await bee.goal("exercise"), await bee.datapoints("exercise")
            assert user.username == "alice" and goal.slug == "exercise" and len(points) == 3
            assert await bee.refresh_graph("exercise") is True
        assert seen[0].headers["authorization"] == "Bearer oauth-tok" and "auth_token" not in seen[0].url.params

    asyncio.run(run())
