"""Datapoints: create, requestid idempotency, list sorting/paging, update, delete, bad input."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.api.goalkit import DAY, NOT_FOUND, NY_END_1123, add_point, create_goal, get_goal

DP_KEYS = ["id", "timestamp", "daystamp", "value", "comment", "updated_at", "requestid", "origin", "creator",
           "is_dummy", "is_initial", "urtext", "fulltext", "canonical", "formatted_value", "created_at"]


def url(slug: str, rest: str = "") -> str:
    return f"/api/v1/users/me/goals/{slug}/datapoints{rest}.json"


def test_create_returns_point_and_recomputes_goal(http, alice, clock):
    create_goal(http, alice.token, "pts")
    p = add_point(http, alice.token, "pts", value=3, comment="sweat a lot today")
    assert list(p) == [*DP_KEYS, "status"]
    assert (p["timestamp"], p["daystamp"], p["value"], p["comment"], p["status"]) == (
        clock.now(), "20261123", 3.0, "sweat a lot today", "created")
    assert (p["origin"], p["creator"], p["requestid"], p["canonical"]) == ("api", alice.username, None, '23 3 "sweat a lot today"')
    assert p["created_at"] == "2026-11-23T12:00:00.000Z"
    g = get_goal(http, alice.token, "pts")
    # 3 on a 1/day line from 0: days 23..26 are safe (3 >= 3 on the 26th), the 27th is not.
    assert (g["curval"], g["safebuf"], g["losedate"], g["numpts"]) == (3, 4, NY_END_1123 + 4 * DAY, 2)
    assert g["last_datapoint"]["id"] == p["id"] or g["last_datapoint"]["is_initial"]
    assert g["todayta"] is True and g["lasttouch"] == "2026-11-23T12:00:00.000Z"


def test_daystamp_alone_means_end_of_that_day_and_timestamp_wins(http, alice, clock):
    create_goal(http, alice.token, "days")
    p = add_point(http, alice.token, "days", value=1, daystamp="20261122")
    assert (p["timestamp"], p["daystamp"]) == (NY_END_1123 - DAY, "20261122")
    both = add_point(http, alice.token, "days", value=1, daystamp="20261101", timestamp=clock.now() - 3600)
    assert (both["timestamp"], both["daystamp"]) == (clock.now() - 3600, "20261123")


def test_missing_value_is_beeminders_body(http, alice):
    create_goal(http, alice.token, "nov")
    r = http.post(url("nov"), data={"auth_token": alice.token, "comment": "no value"})
    assert r.status_code == 422
    assert r.json() == {"errors": {"value": ["can't be blank"]}}


@pytest.mark.parametrize(
    "params,field",
    [
        ({"value": "abc"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": "inf"}, "value"),
        ({"value": "-Infinity"}, "value"),
        ({"value": 1, "timestamp": -86400}, "timestamp"),
        ({"value": 1, "timestamp": 32503680000}, "timestamp"),  # year 3000
        ({"value": 1, "timestamp": "soon"}, "timestamp"),
        ({"value": 1, "daystamp": "20261345"}, "daystamp"),
        ({"value": 1, "daystamp": "yesterday"}, "daystamp"),
        ({"value": 1, "daystamp": "18991231"}, "daystamp"),
        ({"value": 1, "comment": "x" * 1001}, "comment"),
        ({"value": 1, "requestid": "r" * 256}, "requestid"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(http, alice, params, field):
    create_goal(http, alice.token, "bad")
    r = http.post(url("bad"), data={"auth_token": alice.token, **params})
    assert r.status_code == 422, r.text
    assert field in r.json()["errors"]
    assert get_goal(http, alice.token, "bad")["numpts"] == 1


def test_json_body_value_types(http, alice):
    create_goal(http, alice.token, "jb")
    r = http.post(url("jb"), json={"auth_token": alice.token, "value": True})
    assert r.status_code == 422
    r = http.post(url("jb"), json={"auth_token": alice.token, "value": 2.5, "comment": "json"})
    assert r.status_code == 200 and r.json()["value"] == 2.5


def test_requestid_creates_then_dedups_then_updates(http, alice, clock):
    create_goal(http, alice.token, "rq")
    first = add_point(http, alice.token, "rq", value=1, requestid="abc-1")
    assert first["status"] == "created" and first["requestid"] == "abc-1"
    clock.advance(60)
    again = add_point(http, alice.token, "rq", value=1, requestid="abc-1")
    assert (again["id"], again["status"], again["updated_at"]) == (first["id"], "duplicate", first["updated_at"])
    clock.advance(60)
    changed = add_point(http, alice.token, "rq", value=2, requestid="abc-1")
    assert (changed["id"], changed["status"], changed["value"]) == (first["id"], "updated", 2.0)
    assert changed["timestamp"] == first["timestamp"] and changed["updated_at"] == clock.now()
    assert get_goal(http, alice.token, "rq")["curval"] == 2
    # The same requestid on another goal is another point.
    create_goal(http, alice.token, "rq2")
    other = add_point(http, alice.token, "rq2", value=5, requestid="abc-1")
    assert other["status"] == "created" and other["id"] != first["id"]


def test_concurrent_retries_with_one_requestid_make_one_point(http, server, alice):
    create_goal(http, alice.token, "race")
    results: list[int] = []

    def post() -> None:
        with httpx.Client(base_url=server.url, timeout=20) as c:
            r = c.post(url("race"), data={"auth_token": alice.token, "value": 7, "requestid": "same"})
            results.append(r.status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8
    pts = http.get(url("race"), params={"auth_token": alice.token}).json()
    assert [p["value"] for p in pts if p["requestid"] == "same"] == [7.0]


def test_list_sorts_descending_and_pages(http, alice, clock):
    create_goal(http, alice.token, "ls")
    ids = []
    for v, day in ((5, "20261120"), (1, "20261122"), (3, "20261121")):
        clock.advance(10)
        ids.append(add_point(http, alice.token, "ls", value=v, daystamp=day, comment=f"c{v}")["id"])
    get = lambda **kw: http.get(url("ls"), params={"auth_token": alice.token, **kw}).json()  # noqa: E731
    assert [p["value"] for p in get()] == [3.0, 1.0, 5.0, 0.0]  # default: newest id first
    assert [p["daystamp"] for p in get(sort="daystamp")] == ["20261123", "20261122", "20261121", "20261120"]
    assert [p["value"] for p in get(sort="value")] == [5.0, 3.0, 1.0, 0.0]
    assert [p["value"] for p in get(sort="timestamp", count=2)] == [0.0, 1.0]
    assert [p["value"] for p in get(sort="value", page=2, per=3)] == [0.0]
    assert [p["id"] for p in get(sort="updated_at", count=1)] == [ids[-1]]
    r = http.get(url("ls"), params={"auth_token": alice.token, "sort": "bogus"})
    assert r.status_code == 422 and "sort" in r.json()["errors"]
    r = http.get(url("ls"), params={"auth_token": alice.token, "page": 0})
    assert r.status_code == 422


def test_update_and_delete(http, alice, clock):
    create_goal(http, alice.token, "ud")
    p = add_point(http, alice.token, "ud", value=2)
    clock.advance(120)
    r = http.put(url("ud", f"/{p['id']}"), data={"auth_token": alice.token, "comment": "a real comment"})
    assert r.status_code == 200
    u = r.json()
    assert (u["value"], u["comment"], u["timestamp"], u["updated_at"]) == (2.0, "a real comment", p["timestamp"], clock.now())
    assert "status" not in u
    r = http.patch(url("ud", f"/{p['id']}"), json={"auth_token": alice.token, "value": 4})
    assert r.json()["value"] == 4.0 and get_goal(http, alice.token, "ud")["curval"] == 4
    # DELETE with the token in a form body, as some clients send it
    r = http.request("DELETE", url("ud", f"/{p['id']}"), data={"auth_token": alice.token})
    assert r.status_code == 200 and r.json()["id"] == p["id"] and r.json()["value"] == 4.0
    assert get_goal(http, alice.token, "ud")["curval"] == 0
    r = http.request("DELETE", url("ud", f"/{p['id']}"), params={"auth_token": alice.token})
    assert r.status_code == 404 and r.json()["error"] == NOT_FOUND["error"]


def test_point_of_another_goal_or_user_is_404(http, alice, make_user):
    create_goal(http, alice.token, "mine")
    create_goal(http, alice.token, "other")
    p = add_point(http, alice.token, "other", value=1)
    r = http.put(url("mine", f"/{p['id']}"), data={"auth_token": alice.token, "value": 9})
    assert r.status_code == 404
    bob = make_user()
    create_goal(http, bob.token, "mine")
    r = http.request("DELETE", url("mine", f"/{p['id']}"), params={"auth_token": bob.token})
    assert r.status_code == 404
    r = http.put(url("mine", "/zzzz"), data={"auth_token": alice.token, "value": 9})
    assert r.status_code == 404


def test_update_by_requestid_in_the_id_slot(http, alice):
    create_goal(http, alice.token, "byrid")
    add_point(http, alice.token, "byrid", value=1, requestid="ext-42")
    r = http.put(url("byrid", "/ext-42"), data={"auth_token": alice.token, "value": 6})
    assert r.status_code == 200 and r.json()["value"] == 6.0


def test_urtext_entry(http, alice):
    create_goal(http, alice.token, "ur")
    p = add_point(http, alice.token, "ur", urtext='22 4 "from the app"')
    assert (p["daystamp"], p["value"], p["comment"], p["urtext"]) == ("20261122", 4.0, "from the app", '22 4 "from the app"')
