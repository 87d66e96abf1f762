"""create_all: JSON arrays or JSON strings, all or nothing, requestids, one recompute."""

from __future__ import annotations

import json

from tests.api.goalkit import DAY, NY_END_1123, add_point, create_goal, get_goal

URL = "/api/v1/users/me/goals/{}/datapoints/create_all.json"


def test_json_body_array(http, alice, clock):
    create_goal(http, alice.token, "ca")
    pts = [{"timestamp": clock.now() - DAY, "value": 2, "comment": "blah blah", "requestid": "a1"},
           {"daystamp": "20261121", "value": 3}]
    r = http.post(URL.format("ca"), json={"auth_token": alice.token, "datapoints": pts})
    assert r.status_code == 200, r.text
    out = r.json()
    assert [(p["value"], p["daystamp"], p["status"]) for p in out] == [(2.0, "20261122", "created"), (3.0, "20261121", "created")]
    assert out[1]["timestamp"] == NY_END_1123 - 2 * DAY
    g = get_goal(http, alice.token, "ca")
    assert (g["curval"], g["numpts"]) == (5, 3)


def test_json_string_in_form_and_in_query(http, alice, clock):
    create_goal(http, alice.token, "cs")
    pts = json.dumps([{"value": 1, "comment": "x"}, {"value": 2}])
    r = http.post(URL.format("cs"), data={"auth_token": alice.token, "datapoints": pts})
    assert r.status_code == 200 and [p["value"] for p in r.json()] == [1.0, 2.0]
    r = http.post(URL.format("cs"), params={"auth_token": alice.token, "datapoints": json.dumps([{"value": 4}])})
    assert r.status_code == 200 and r.json()[0]["value"] == 4.0
    assert get_goal(http, alice.token, "cs")["curval"] == 7


def test_one_bad_point_writes_none(http, alice):
    create_goal(http, alice.token, "aon")
    pts = [{"value": 1}, {"value": "NaN"}, {"comment": "no value"}, {"value": 2, "daystamp": "20260230"}]
    r = http.post(URL.format("aon"), json={"auth_token": alice.token, "datapoints": pts})
    assert r.status_code == 422
    body = r.json()
    assert body["successes"] == []
    assert [e["index"] for e in body["errors"]] == [1, 2, 3]
    assert "value" in body["errors"][0]["errors"] and "daystamp" in body["errors"][2]["errors"]
    assert get_goal(http, alice.token, "aon")["numpts"] == 1


def test_unreadable_datapoints_param(http, alice):
    create_goal(http, alice.token, "unr")
    for bad in ("[{", "{}", "[]", "5"):
        r = http.post(URL.format("unr"), data={"auth_token": alice.token, "datapoints": bad})
        assert r.status_code == 422, bad
    r = http.post(URL.format("unr"), data={"auth_token": alice.token})
    assert r.status_code == 422 and "datapoints" in r.json()["errors"]
    r = http.post(URL.format("nosuchgoal"), json={"auth_token": alice.token, "datapoints": [{"value": 1}]})
    assert r.status_code == 404


def test_requestids_upsert_within_and_across_batches(http, alice, clock):
    create_goal(http, alice.token, "rb")
    first = add_point(http, alice.token, "rb", value=1, requestid="r1")
    clock.advance(5)
    pts = [{"value": 1, "requestid": "r1"}, {"value": 9, "requestid": "r2"}, {"value": 10, "requestid": "r2"},
           {"value": 3}]
    r = http.post(URL.format("rb"), json={"auth_token": alice.token, "datapoints": pts})
    assert r.status_code == 200, r.text
    out = r.json()
    assert [p["status"] for p in out] == ["duplicate", "created", "updated", "created"]
    assert out[0]["id"] == first["id"] and out[1]["id"] == out[2]["id"]
    assert get_goal(http, alice.token, "rb")["curval"] == 1 + 10 + 3


def test_a_batch_of_stored_requestids_answers_duplicates_and_updates_in_order(http, alice, clock):
    create_goal(http, alice.token, "rerun")
    first = [{"value": v, "comment": f"c{v}", "requestid": f"r{v}"} for v in (1, 2, 3)]
    created = http.post(URL.format("rerun"), json={"auth_token": alice.token, "datapoints": first}).json()
    clock.advance(5)
    again = [*first,
             {"value": 20, "requestid": "r2"},  # changes r2 ...
             {"value": 2, "comment": "c2", "requestid": "r2"},  # ... and back: must compare with 20, not the stored 2
             {"value": 3, "comment": "c3", "requestid": "r3"}]  # a repeat of an unchanged point
    r = http.post(URL.format("rerun"), json={"auth_token": alice.token, "datapoints": again})
    assert r.status_code == 200, r.text
    out = r.json()
    assert [p["status"] for p in out] == ["duplicate", "duplicate", "duplicate", "updated", "updated", "duplicate"]
    assert [p["id"] for p in out] == [p["id"] for p in created] + [created[1]["id"], created[1]["id"], created[2]["id"]]
    assert out[0]["comment"] == "c1" and out[4]["value"] == 2.0
    g = get_goal(http, alice.token, "rerun")
    assert (g["curval"], g["numpts"]) == (6, 4)


def test_compact_answers_ids_and_statuses_only(http, alice, clock):
    create_goal(http, alice.token, "cmp")
    pts = [{"value": 1, "requestid": "k1"}, {"value": 2, "requestid": "k2"}]
    r = http.post(URL.format("cmp"), params={"compact": "true"}, json={"auth_token": alice.token, "datapoints": pts})
    assert r.status_code == 200, r.text
    first = r.json()
    assert [sorted(p) for p in first] == [["id", "status"]] * 2 and [p["status"] for p in first] == ["created"] * 2
    # in the body too (form or JSON), answering in the order sent
    pts = [{"value": 5, "requestid": "k2"}, {"value": 1, "requestid": "k1"}, {"value": 3}]
    r = http.post(URL.format("cmp"), data={"auth_token": alice.token, "datapoints": json.dumps(pts), "compact": "1"})
    out = r.json()
    assert [p["status"] for p in out] == ["updated", "duplicate", "created"]
    assert [p["id"] for p in out[:2]] == [first[1]["id"], first[0]["id"]]
    listed = {p["id"]: p for p in http.get(f"/api/v1/users/me/goals/cmp/datapoints.json?auth_token={alice.token}").json()}
    assert listed[first[1]["id"]]["value"] == 5.0 and out[2]["id"] in listed
    full = http.post(URL.format("cmp"), json={"auth_token": alice.token, "datapoints": pts, "compact": False}).json()
    assert full[0]["requestid"] == "k2" and "fulltext" in full[0]  # the default (and false) is Beeminder's answer


def test_a_bad_compact_value_saves_nothing(http, alice):
    create_goal(http, alice.token, "cmpbad")
    r = http.post(URL.format("cmpbad"), json={"auth_token": alice.token, "datapoints": [{"value": 1}], "compact": "maybe"})
    assert r.status_code == 422 and "compact" in r.json()["errors"]
    assert get_goal(http, alice.token, "cmpbad")["numpts"] == 1


def test_large_batch(http, alice, clock):
    create_goal(http, alice.token, "big")
    pts = [{"value": 1, "timestamp": clock.now() - i * 60} for i in range(500)]
    r = http.post(URL.format("big"), json={"auth_token": alice.token, "datapoints": pts})
    assert r.status_code == 200 and len(r.json()) == 500
    assert len({p["id"] for p in r.json()}) == 500
    assert get_goal(http, alice.token, "big")["curval"] == 500
