"""POST /api/v2: the JSON-document RPC — every service, xids, batches, dates, errors."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.api.goalkit import create_goal

NY = ZoneInfo("America/New_York")


def rpc(http: httpx.Client, token: str, doc: dict, auth: str = "basic") -> httpx.Response:
    if auth == "basic":
        return http.post("/api/v2", json=doc, auth=(token, ""))
    return http.post("/api/v2", json={**doc, "auth_token": token})


def ok(r: httpx.Response) -> dict:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok", body
    return body


def points_of(http: httpx.Client, token: str, slug: str) -> list[dict]:
    r = http.get(f"/api/v1/users/me/goals/{slug}/datapoints.json", params={"auth_token": token})
    return [p for p in r.json() if not p["is_initial"]]


def test_user_get_and_goal_list_with_basic_auth(http, alice, clock) -> None:
    create_goal(http, alice.token, "reading")
    user = ok(rpc(http, alice.token, {"service": "user.get"}))["user"]
    assert user["username"] == alice.username and user["goals"] == ["reading"]
    assert user["created"] == "2026-11-23 07:00:00"  # START in New York, Beebole's date format
    goals = ok(rpc(http, alice.token, {"service": "goal.list"}, auth="param"))["goals"]
    assert [g["slug"] for g in goals] == ["reading"]
    assert len(goals[0]["id"]) == 24 and "xid" not in goals[0]


def test_goal_get_by_slug_id_and_xid(http, alice) -> None:
    g = create_goal(http, alice.token, "writing", xid="ext-goal-1")
    for ref in ({"slug": "writing"}, {"id": g["id"]}, "writing"):
        got = ok(rpc(http, alice.token, {"service": "goal.get", "goal": ref}))["goal"]
        assert got["slug"] == "writing" and got["id"] == g["id"]
    by_xid = ok(rpc(http, alice.token, {"service": "goal.get", "goal": {"xid": "ext-goal-1"}}))["goal"]
    assert by_xid["xid"] == "ext-goal-1" and "id" not in by_xid
    top_level = ok(rpc(http, alice.token, {"service": "goal.get", "xid": "ext-goal-1"}))["goal"]
    assert top_level["slug"] == "writing"


def test_datapoint_create_with_local_date_string(http, alice) -> None:
    create_goal(http, alice.token, "steps")
    body = ok(rpc(http, alice.token, {"service": "datapoint.create", "goal": {"slug": "steps"}, "value": 3,
                                      "date": "2026-11-23 18:30:00", "comment": "evening walk"}))
    point = body["datapoint"]
    assert point["date"] == "2026-11-23 18:30:00" and point["day"] == "2026-11-23"
    assert point["value"] == 3 and point["comment"] == "evening walk"
    [stored] = points_of(http, alice.token, "steps")
    assert stored["timestamp"] == int(datetime(2026, 11, 23, 18, 30, tzinfo=NY).timestamp())
    assert stored["id"] == point["id"]


def test_datapoint_date_only_means_that_day(http, alice) -> None:
    create_goal(http, alice.token, "days")
    point = ok(rpc(http, alice.token, {"service": "datapoint.create", "goal": "days", "value": 1, "date": "2026-11-22"}))["datapoint"]
    assert point["day"] == "2026-11-22" and point["date"] == "2026-11-22 23:59:59"


def test_xid_round_trip_create_list_update_delete(http, alice) -> None:
    create_goal(http, alice.token, "xids", xid="G-1")
    made = ok(rpc(http, alice.token, {"service": "datapoint.create", "goal": {"xid": "G-1"}, "value": 5, "xid": "P-1"}))["datapoint"]
    assert made["xid"] == "P-1" and "id" not in made
    listed = ok(rpc(http, alice.token, {"service": "datapoint.list", "goal": {"xid": "G-1"}}))["datapoints"]
    assert [p.get("xid") for p in listed if p["value"] == 5] == ["P-1"]
    updated = ok(rpc(http, alice.token, {"service": "datapoint.update", "goal": {"xid": "G-1"},
                                         "datapoint": {"xid": "P-1"}, "value": 7}))["datapoint"]
    assert updated == {**updated, "xid": "P-1", "value": 7}
    deleted = ok(rpc(http, alice.token, {"service": "datapoint.delete", "goal": {"xid": "G-1"}, "xid": "P-1"}))["datapoint"]
    assert deleted["xid"] == "P-1"
    assert points_of(http, alice.token, "xids") == []


def test_xid_collisions_are_errors_and_write_nothing(http, alice) -> None:
    create_goal(http, alice.token, "coll", xid="G-2")
    r = http.post("/api/v1/users/me/goals.json", data={"auth_token": alice.token, "slug": "coll2", "goal_type": "hustler",
                                                       "gunits": "x", "rate": 1, "goalval": 10, "xid": "G-2"})
    assert r.status_code == 422 and "xid" in r.json()["errors"]
    ok(rpc(http, alice.token, {"service": "datapoint.create", "goal": "coll", "value": 1, "xid": "same"}))
    r = rpc(http, alice.token, {"service": "datapoint.create", "goal": "coll", "value": 2, "xid": "same"})
    assert r.status_code == 422 and r.json()["status"] == "error" and "xid" in r.json()["message"]
    r = rpc(http, alice.token, {"service": "datapoint.create_all", "goal": "coll",
                                "datapoints": [{"value": 3, "xid": "a"}, {"value": 4, "xid": "a"}]})
    assert r.status_code == 422 and r.json()["status"] == "error"
    assert [p["value"] for p in points_of(http, alice.token, "coll")] == [1.0]


def test_create_all_with_dates(http, alice) -> None:
    create_goal(http, alice.token, "bulk")
    body = ok(rpc(http, alice.token, {"service": "datapoint.create_all", "goal": "bulk", "datapoints": [
        {"value": 1, "date": "2026-11-21"}, {"value": 2, "date": "2026-11-22 10:00:00", "comment": "b"}]}))
    assert [(p["day"], p["value"]) for p in body["datapoints"]] == [("2026-11-21", 1), ("2026-11-22", 2)]
    assert len(points_of(http, alice.token, "bulk")) == 2


def test_create_all_compact_answers_ids_and_states(http, alice) -> None:
    create_goal(http, alice.token, "bulkc")
    doc = {"service": "datapoint.create_all", "goal": "bulkc", "compact": True, "datapoints": [
        {"value": 1, "requestid": "r1"}, {"value": 2, "xid": "x2"}]}
    first = ok(rpc(http, alice.token, doc))["datapoints"]
    # Named as the request named them: by xid where one was given (a v2 rule), else by id.
    assert first[1] == {"xid": "x2", "state": "created"}
    assert set(first[0]) == {"id", "state"} and first[0]["state"] == "created"
    again = ok(rpc(http, alice.token, {**doc, "datapoints": doc["datapoints"][:1]}))["datapoints"]
    assert again == [{"id": first[0]["id"], "state": "duplicate"}]  # the same requestid: no second point
    r = rpc(http, alice.token, {**doc, "compact": "maybe"})
    assert r.status_code == 422 and "compact" in r.json()["errors"]
    assert len(points_of(http, alice.token, "bulkc")) == 2


def test_batch_runs_in_one_transaction(http, alice) -> None:
    create_goal(http, alice.token, "batch")
    good = {"service": "datapoint.create", "goal": "batch", "value": 1}
    body = ok(rpc(http, alice.token, {"service": "batch", "requests": [good, {**good, "value": 2}, {"service": "user.get"}]}))
    assert [r["status"] for r in body["responses"]] == ["ok"] * 3
    assert body["responses"][1]["datapoint"]["value"] == 2
    r = rpc(http, alice.token, {"service": "batch", "requests": [{**good, "value": 10}, {**good, "value": "ten"}]})
    assert r.status_code == 422
    err = r.json()
    assert err["status"] == "error" and err["index"] == 1 and "request 1 (datapoint.create)" in err["message"]
    assert sorted(p["value"] for p in points_of(http, alice.token, "batch")) == [1.0, 2.0]  # the 10 was rolled back


def test_charge_create_dryrun_and_real(http, alice) -> None:
    dry = ok(rpc(http, alice.token, {"service": "charge.create", "amount": 5, "note": "test", "dryrun": True}))["charge"]
    assert dry["id"] is None and dry["amount"] == 5
    real = ok(rpc(http, alice.token, {"service": "charge.create", "amount": 2.5}))["charge"]
    assert len(real["id"]) == 24 and real["username"] == alice.username


@pytest.mark.parametrize("doc,status,needle", [
    ({"service": "nope.nothing"}, 422, "unknown service"),
    ({}, 422, "service"),
    ({"service": "datapoint.create", "value": 1}, 422, "goal"),
    ({"service": "datapoint.create", "goal": "g", "value": "abc"}, 422, "value"),
    ({"service": "datapoint.create", "goal": "g", "value": 1, "date": "23/11/2026"}, 422, "date"),
    ({"service": "datapoint.create", "goal": "g", "value": 1, "date": "2026-02-30 10:00:00"}, 422, "date"),
    ({"service": "goal.get", "goal": {"xid": "no-such"}}, 404, "not found"),
    ({"service": "datapoint.list", "goal": {"title": "x"}}, 422, "goal"),
    ({"service": "batch", "requests": "x"}, 422, "requests"),
    ({"service": "batch", "requests": [{"service": "batch", "requests": []}]}, 422, "nested"),
])
def test_bad_documents_get_status_error(http, alice, doc, status, needle) -> None:
    create_goal(http, alice.token, "g")
    r = rpc(http, alice.token, doc)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == "error" and needle in body["message"].lower() and "errors" in body


def test_non_json_bodies_and_bad_auth(http, alice) -> None:
    r = http.post("/api/v2", data={"service": "user.get"}, auth=(alice.token, ""))
    assert r.status_code == 400 and r.json()["status"] == "error"
    r = http.post("/api/v2", content=b'{"service": ', headers={"content-type": "application/json"}, auth=(alice.token, ""))
    assert r.status_code == 400 and "Malformed JSON" in r.json()["message"]
    r = http.post("/api/v2", json={"service": "user.get"}, auth=("wrong", ""))
    assert r.status_code == 401 and r.json()["status"] == "error"
    r = http.get("/api/v2")  # only POST is served: a JSON error, never a page
    assert r.status_code in (404, 405) and "errors" in r.json()


def test_other_users_records_are_not_found(http, alice, make_user) -> None:
    bob = make_user(prefix="bob")
    g = create_goal(http, bob.token, "secret", xid="B-1")
    bob_point = ok(rpc(http, bob.token, {"service": "datapoint.create", "goal": "secret", "value": 1}))["datapoint"]
    create_goal(http, alice.token, "mine")
    for doc in ({"service": "goal.get", "goal": {"id": g["id"]}},
                {"service": "goal.get", "goal": {"xid": "B-1"}},
                {"service": "datapoint.delete", "goal": "mine", "id": bob_point["id"]}):
        r = rpc(http, alice.token, doc)
        assert r.status_code == 404 and r.json()["status"] == "error", doc
    assert len(points_of(http, bob.token, "secret")) == 1
