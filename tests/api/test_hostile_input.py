"""Hostile parameters on the write endpoints: never a 500, always JSON errors, and a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brickroad.services import quotas
from tests.api.goalkit import create_goal

WEIRD_TEXT = st.sampled_from([
    "", "null", "nan", "NaN", "-nan", "Infinity", "-Infinity", "1e309", "-1e309", "1e-400", "0x10", "1_000",
    "  7 ", "7abc", "20261301", "20260230", "99999999", "-1", "0", "true", "[]", "{}", "\u0000", "\u202e",
    "2026-11-23", "2026-11-23T10:00:00Z", "9" * 400, "x" * 5000, "☃", "'; DROP TABLE goals; --",
])
SCALAR = st.one_of(
    WEIRD_TEXT,
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
JSON_VALUE = st.one_of(
    SCALAR, st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.none(), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _roomy(ctx, alice) -> None:
    """Hundreds of calls per test: out of the daily quota's way (test_quotas covers it)."""
    quotas.for_context(ctx).set_limits(alice.user, 10**9, 10**12)


def _params(keys: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


def _send(http: httpx.Client, method: str, url: str, token: str, params: dict[str, Any], as_json: bool) -> httpx.Response:
    if as_json:
        return http.request(method, url, params={"auth_token": token}, json=params)
    form = {k: v if isinstance(v, str) else str(v) for k, v in params.items()}
    return http.request(method, url, data={"auth_token": token, **form})


def _check(r: httpx.Response) -> bool:
    """True for a success; a refusal must be a 4xx with JSON errors."""
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert "errors" in r.json(), r.text
        return False
    return True


def _snapshot(http: httpx.Client, token: str, slug: str) -> tuple[Any, ...]:
    goal = http.get(f"/api/v1/users/me/goals/{slug}.json", params={"auth_token": token}).json()
    points = http.get(f"/api/v1/users/me/goals/{slug}/datapoints.json",
                      params={"auth_token": token, "per": 1000}).json()
    keep = ("title", "roadall", "yaw", "deadline", "leadtime", "alertstart", "tags", "callback_url", "pledge", "rate")
    return tuple(goal.get(k) for k in keep), sorted((p["id"], p["value"], p["comment"]) for p in points)


def _refusal_changes_nothing(http: httpx.Client, token: str, slug: str, send: Callable[[], httpx.Response]) -> None:
    """Whatever `send` answers is a success or a 4xx with errors, and a refusal leaves the goal as it was."""
    before = _snapshot(http, token, slug)
    if not _check(send()):
        assert _snapshot(http, token, slug) == before


POINT_KEYS = ["value", "timestamp", "daystamp", "comment", "requestid", "sendmail", "urtext"]


@FUZZ
@given(params=_params(POINT_KEYS, SCALAR), as_json=st.booleans())
def test_datapoint_create(http, alice, params, as_json):
    slug = _goal(http, alice.token, "fuzzpoint")
    _refusal_changes_nothing(http, alice.token, slug, lambda: _send(
        http, "POST", f"/api/v1/users/me/goals/{slug}/datapoints.json", alice.token, params, as_json))


@FUZZ
@given(items=st.lists(_params(POINT_KEYS, JSON_VALUE), min_size=1, max_size=4), as_text=st.booleans())
def test_create_all(http, alice, items, as_text):
    import json

    slug = _goal(http, alice.token, "fuzzall")
    doc = json.dumps(items) if as_text else items
    _refusal_changes_nothing(http, alice.token, slug, lambda: http.post(  # all or nothing
        f"/api/v1/users/me/goals/{slug}/datapoints/create_all.json",
        params={"auth_token": alice.token}, json={"datapoints": doc}))


GOAL_KEYS = ["slug", "title", "goal_type", "gunits", "goaldate", "goalval", "rate", "runits", "initval", "yaw",
             "dir", "kyoom", "odom", "aggday", "steppy", "integery", "panic", "secret", "datapublic", "tags",
             "deadline", "leadtime", "alertstart", "roadall", "pledge_cap", "dryrun"]


@FUZZ
@given(params=_params(GOAL_KEYS, JSON_VALUE), as_json=st.booleans())
def test_goal_create(http, alice, params, as_json):
    listing = http.get("/api/v1/users/me/goals.json", params={"auth_token": alice.token}).json()
    r = _send(http, "POST", "/api/v1/users/me/goals.json", alice.token, params, as_json)
    dry = params.get("dryrun") not in (None, "", "null") and str(params["dryrun"]).lower() not in ("false", "0")
    if not _check(r) or dry:  # refused, or only tried: no goal was made
        after = http.get("/api/v1/users/me/goals.json", params={"auth_token": alice.token}).json()
        assert len(after) == len(listing)


@FUZZ
@given(params=_params(GOAL_KEYS + ["callback_url", "burner", "fineprint"], JSON_VALUE), as_json=st.booleans())
def test_goal_update(http, alice, params, as_json):
    slug = _goal(http, alice.token, "fuzzupdate")
    _refusal_changes_nothing(http, alice.token, slug, lambda: _send(
        http, "PUT", f"/api/v1/users/me/goals/{slug}.json", alice.token, params, as_json))


@FUZZ
@given(action=st.sampled_from(["dial_road", "ratchet"]),
       params=_params(["rate", "goaldate", "goalval", "newsafety"], JSON_VALUE), as_json=st.booleans())
def test_road_actions(http, alice, action, params, as_json):
    slug = _goal(http, alice.token, "fuzzroad")
    _refusal_changes_nothing(http, alice.token, slug, lambda: _send(
        http, "POST", f"/api/v1/users/me/goals/{slug}/{action}.json", alice.token, params, as_json))


def _goal(http: httpx.Client, token: str, slug: str) -> str:
    """The goal under test, made on first use (examples share the test's fixtures)."""
    if http.get(f"/api/v1/users/me/goals/{slug}.json", params={"auth_token": token}).status_code == 404:
        create_goal(http, token, slug)
    return slug


def test_a_nul_character_is_refused_naming_its_field(http, alice):
    """Found by the fuzzing above: PostgreSQL text can't hold NUL, and the insert used to fail with a 500."""
    slug = _goal(http, alice.token, "nul")
    r = http.post(f"/api/v1/users/me/goals/{slug}/datapoints.json",
                  data={"auth_token": alice.token, "value": 1, "comment": "a\x00b"})
    assert r.status_code == 422 and "comment" in r.json()["errors"]
    r = http.post(f"/api/v1/users/me/goals/{slug}/datapoints/create_all.json", params={"auth_token": alice.token},
                  json={"datapoints": [{"value": 1, "comment": "ok"}, {"value": 2, "comment": "x\x00"}]})
    assert r.status_code == 422 and "datapoints" in r.json()["errors"]
    assert len(_snapshot(http, alice.token, slug)[1]) == 1  # only the goal's initial point


@FUZZ
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
       segments=st.lists(st.sampled_from(["users", "me", "goals", "nul", "datapoints", "a%00b", "%00", "x.json",
                                          "1", "archived", "refresh_graph", "create_all"]), max_size=6),
       query=st.sampled_from(["", "sort=%00", "count=1%00", "username=%00", "slug=a%00"]))
def test_hostile_paths(http, alice, method, segments, query):
    _goal(http, alice.token, "nul")
    r = http.request(method, "/api/v1/" + "/".join(segments) + f"?auth_token={alice.token}&{query}")
    _check(r)
    if "%00" in "/".join(segments) or "%00" in query:
        assert r.status_code >= 400


def test_web_pages_refuse_nul_in_paths_and_parameters(server):
    for path in ["/a%00b", "/a%00b/c", "/login?next=%00", "/apps/authorize?client_id=x%00&response_type=token"]:
        r = httpx.get(server.url + path)
        assert 400 <= r.status_code < 500, (path, r.status_code)


@FUZZ
@given(params=_params(["timezone", "default_leadtime", "default_alertstart", "default_deadline", "email",
                       "username", "urgency_load"], JSON_VALUE), as_json=st.booleans())
def test_user_update(http, alice, params, as_json):
    me = "/api/v1/users/me.json"
    keep = ("timezone", "default_leadtime", "default_alertstart", "default_deadline")
    before = {k: http.get(me, params={"auth_token": alice.token}).json().get(k) for k in keep}
    r = _send(http, "PUT", me, alice.token, params, as_json)
    if not _check(r):
        assert {k: http.get(me, params={"auth_token": alice.token}).json().get(k) for k in keep} == before


@FUZZ
@given(path=st.sampled_from(["/api/v1/charges.json", "/api/v1/users/me/webhooks.json"]),
       params=_params(["amount", "note", "dryrun", "url", "events", "secret"], JSON_VALUE), as_json=st.booleans())
def test_charges_and_webhooks(http, alice, path, params, as_json):
    _check(_send(http, "POST", path, alice.token, params, as_json))


@FUZZ
@given(service=st.sampled_from(["user.get", "goal.list", "goal.get", "datapoint.list", "datapoint.create",
                                "datapoint.create_all", "datapoint.update", "datapoint.delete", "charge.create",
                                "batch", "nope", ""]),
       doc=st.dictionaries(st.sampled_from(["goal", "id", "xid", "value", "date", "comment", "count", "sort",
                                            "datapoints", "requests", "amount", "dryrun", "archived", "compact"]),
                           JSON_VALUE, max_size=5))
def test_v2_documents(http, alice, service, doc):
    slug = _goal(http, alice.token, "fuzzv2")
    before = _snapshot(http, alice.token, slug)
    r = http.post("/api/v2", auth=(alice.token, ""), json={"service": service, **doc})
    assert r.status_code < 500, r.text
    body = r.json()
    assert body["status"] in ("ok", "error") and ("message" in body if body["status"] == "error" else True)
    if body["status"] == "error":
        assert _snapshot(http, alice.token, slug) == before


@FUZZ
@given(path=st.sampled_from(["/api/v1/users/me.json", "/api/v1/users/me/goals.json", "/api/v1/users/me/goals/fuzzread.json",
                             "/api/v1/users/me/goals/fuzzread/datapoints.json"]),
       params=_params(["diff_since", "datapoints_count", "goals_filter", "associations", "skinny", "emaciated",
                       "filter", "datapoints", "count", "sort", "page", "per"], SCALAR))
def test_reads_with_hostile_parameters(http, alice, path, params):
    _goal(http, alice.token, "fuzzread")
    _check(http.get(path, params={"auth_token": alice.token, **params}))


@FUZZ
@given(method=st.sampled_from(["PUT", "DELETE"]),
       point=st.one_of(SCALAR, st.sampled_from(["0", "-1", "1" * 30, "ffffffffffffffffffffffff"])),
       params=_params(POINT_KEYS, SCALAR))
def test_datapoint_update_and_delete(http, alice, method, point, params):
    slug = _goal(http, alice.token, "fuzzpointid")
    _refusal_changes_nothing(http, alice.token, slug, lambda: http.request(
        method, f"/api/v1/users/me/goals/{slug}/datapoints/{quote(point, safe='')}.json",
        params={"auth_token": alice.token}, data=params if method == "PUT" else None))


@FUZZ
@given(action=st.sampled_from(["shortcircuit", "stepdown", "cancel_stepdown", "uncleme", "refresh_graph"]),
       params=_params(["amount", "note", "dryrun", "pledge"], SCALAR))
def test_goal_actions(http, alice, action, params):
    slug = _goal(http, alice.token, "fuzzaction")
    _check(http.post(f"/api/v1/users/me/goals/{slug}/{action}.json", data={"auth_token": alice.token, **params}))


def test_numbers_past_what_the_database_holds_are_refused_not_crashed(http, alice):
    """Found by the fuzzing above: a 400-digit diff_since overflowed SQLite's INTEGER, and a datapoint id
    past 2**31 overflowed PostgreSQL's (both were 500s)."""
    r = http.get("/api/v1/users/me.json", params={"auth_token": alice.token, "diff_since": "9" * 400})
    assert r.status_code == 422 and "diff_since" in r.json()["errors"]
    slug = _goal(http, alice.token, "bigid")
    for method in ("PUT", "DELETE"):
        r = http.request(method, f"/api/v1/users/me/goals/{slug}/datapoints/99999999.json",
                         params={"auth_token": alice.token, "value": 1})
        assert r.status_code == 404 and "errors" in r.json()
