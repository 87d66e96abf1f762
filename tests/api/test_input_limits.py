"""Nothing the API accepts can break a goal (issue 16.6): days the engine can't place and numbers it
can't sum are a 422 naming the field, on every write path, and change nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.api.goalkit import DAY, add_point, create_goal, get_goal

V1 = "/api/v1/users/me"


def _state(http: httpx.Client, token: str, slug: str) -> tuple[Any, ...]:
    g = get_goal(http, token, slug, datapoints="true")
    return g["numpts"], g["curval"], g["safebuf"], g["losedate"], [(p["value"], p["timestamp"]) for p in g["datapoints"]]


def _refused(r: httpx.Response, field: str) -> None:
    assert r.status_code == 422, r.text
    assert field in r.json()["errors"], r.text


def _local(tz: str, *args: int) -> int:
    return int(datetime(*args, tzinfo=ZoneInfo(tz)).timestamp())  # type: ignore[misc]


@pytest.mark.parametrize("ts", [0, 1000, 1234.5, 86399, -5, 1e15, "1e308"])
def test_timestamps_before_the_engines_first_day_are_refused(http, alice, ts):
    create_goal(http, alice.token, "early")
    before = _state(http, alice.token, "early")
    r = http.post(f"{V1}/goals/early/datapoints.json", data={"auth_token": alice.token, "value": 1, "timestamp": ts})
    _refused(r, "timestamp")
    assert _state(http, alice.token, "early") == before


def test_the_accepted_range_is_1970_01_02_to_2099_12_31_in_the_users_zone(http, make_user):
    ny, tokyo = make_user(), make_user(timezone="Asia/Tokyo")
    for who in (ny, tokyo):
        create_goal(http, who.token, "edge")
    tz = "America/New_York"
    first = _local(tz, 1970, 1, 2, 0, 0, 0)
    assert add_point(http, ny.token, "edge", value=1, timestamp=first)["daystamp"] == "19700102"
    _refused(http.post(f"{V1}/goals/edge/datapoints.json",
                       data={"auth_token": ny.token, "value": 1, "timestamp": first - 1}), "timestamp")
    # 2099-12-31 23:59:59 UTC is still 2099 in New York but already 2100 in Tokyo.
    last = _local("UTC", 2099, 12, 31, 23, 59, 59)
    assert add_point(http, ny.token, "edge", value=1, timestamp=last)["daystamp"] == "20991231"
    # Past Beeminder's end of time nothing is accepted, even where the local day is still 2099.
    _refused(http.post(f"{V1}/goals/edge/datapoints.json",
                       data={"auth_token": ny.token, "value": 1, "timestamp": last + 1}), "timestamp")
    _refused(http.post(f"{V1}/goals/edge/datapoints.json",
                       data={"auth_token": tokyo.token, "value": 1, "timestamp": last}), "timestamp")
    for stamp, ok in (("19700101", False), ("19700102", True), ("20991231", True), ("21000101", False)):
        r = http.post(f"{V1}/goals/edge/datapoints.json", data={"auth_token": ny.token, "value": 1, "daystamp": stamp})
        assert r.status_code == (200 if ok else 422), (stamp, r.text)
        if not ok:
            _refused(r, "daystamp")
    g = get_goal(http, ny.token, "edge")
    assert g["safebuf"] is not None and g["losedate"] is not None and "road_error" not in g


def test_fractional_timestamps_are_floored(http, alice, clock):
    create_goal(http, alice.token, "frac")
    p = add_point(http, alice.token, "frac", value=1, timestamp=clock.now() - 0.9)
    assert p["timestamp"] == clock.now() - 1


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e16", "1000000000000001", "inf", "NaN", "-Infinity"])
def test_values_must_be_finite_and_at_most_1e15(http, alice, value):
    create_goal(http, alice.token, "big")
    before = _state(http, alice.token, "big")
    r = http.post(f"{V1}/goals/big/datapoints.json", data={"auth_token": alice.token, "value": value})
    _refused(r, "value")
    assert _state(http, alice.token, "big") == before


def test_the_largest_values_are_accepted(http, alice):
    create_goal(http, alice.token, "huge")
    for v in ("1e15", "-1e15"):
        add_point(http, alice.token, "huge", value=v)
    assert get_goal(http, alice.token, "huge")["curval"] == 0


def test_create_all_names_each_bad_item_and_saves_none(http, alice, clock):
    create_goal(http, alice.token, "batch")
    before = _state(http, alice.token, "batch")
    items = [{"value": 1}, {"value": 1e308}, {"value": 2, "timestamp": 5}, {"value": 3, "daystamp": "19700101"},
             {"value": 4, "timestamp": clock.now()}]
    r = http.post(f"{V1}/goals/batch/datapoints/create_all.json",
                  json={"auth_token": alice.token, "datapoints": items})
    assert r.status_code == 422, r.text
    problems = {e["index"]: set(e["errors"]) for e in r.json()["errors"]}
    assert problems == {1: {"value"}, 2: {"timestamp"}, 3: {"daystamp"}}
    assert _state(http, alice.token, "batch") == before


def test_update_refuses_what_create_refuses(http, alice):
    create_goal(http, alice.token, "upd")
    p = add_point(http, alice.token, "upd", value=5)
    before = _state(http, alice.token, "upd")
    url = f"{V1}/goals/upd/datapoints/{p['id']}.json"
    _refused(http.put(url, data={"auth_token": alice.token, "value": "1e308"}), "value")
    _refused(http.put(url, data={"auth_token": alice.token, "timestamp": 0}), "timestamp")
    _refused(http.put(url, data={"auth_token": alice.token, "daystamp": "19700101"}), "daystamp")
    assert _state(http, alice.token, "upd") == before


def test_v2_refuses_them_naming_date_and_value(http, alice):
    create_goal(http, alice.token, "v2")
    before = _state(http, alice.token, "v2")
    auth = (alice.token, "")

    def call(doc: dict[str, Any]) -> httpx.Response:
        return http.post("/api/v2", json=doc, auth=auth)

    _refused(call({"service": "datapoint.create", "goal": "v2", "value": 1, "date": "1969-12-31 23:00:00"}), "date")
    _refused(call({"service": "datapoint.create", "goal": "v2", "value": 1, "date": "1970-01-01"}), "date")
    _refused(call({"service": "datapoint.create", "goal": "v2", "value": 1e308}), "value")
    r = call({"service": "datapoint.create_all", "goal": "v2",
              "datapoints": [{"value": 1}, {"value": 1, "date": "1970-01-01 12:00:00"}, {"value": -1e300}]})
    assert r.status_code == 422, r.text
    assert {e["index"]: set(e["errors"]) for e in r.json()["errors"]} == {1: {"date"}, 2: {"value"}}
    made = call({"service": "datapoint.create", "goal": "v2", "value": 1, "xid": "x1"}).json()
    assert made["status"] == "ok"
    before = _state(http, alice.token, "v2")
    _refused(call({"service": "datapoint.update", "goal": "v2", "datapoint": {"xid": "x1"},
                   "date": "1970-01-01 00:00:00"}), "date")
    _refused(call({"service": "datapoint.update", "goal": "v2", "datapoint": {"xid": "x1"}, "value": "inf"}), "value")
    assert _state(http, alice.token, "v2") == before


@pytest.mark.parametrize("field,value", [("goalval", "1e308"), ("rate", "1e16"), ("initval", "-1e300"),
                                         ("goaldate", 0), ("goaldate", 1234.5)])
def test_goal_parameters_are_held_to_the_same_limits(http, alice, field, value):
    params = {"auth_token": alice.token, "slug": "params", "title": "P", "goal_type": "hustler", "gunits": "x",
              "rate": 1, "goalval": 100}
    if field == "goaldate":
        params.pop("rate")
    params[field] = value
    _refused(http.post(f"{V1}/goals.json", data=params), field)
    assert http.get(f"{V1}/goals/params.json", params={"auth_token": alice.token}).status_code == 404


def test_road_changes_are_held_to_the_same_limits(http, alice, clock):
    g = create_goal(http, alice.token, "road")
    url = f"{V1}/goals/road.json"
    before = _state(http, alice.token, "road")
    start = g["roadall"][0]
    for rows in ([start, [clock.now() + 30 * DAY, 1e308, None], [None, 100, 1]],
                 [start, [clock.now() + 30 * DAY, None, 1e16], [None, 100, 1]],
                 [[0, 0, None], [None, 100, 1]],
                 [["19700101", 0, None], [None, 100, 1]]):
        r = http.put(url, json={"auth_token": alice.token, "roadall": rows})
        assert r.status_code == 422 and "errors" in r.json(), r.text
    for params, field in (({"goalval": "1e308", "rate": 1}, "goalval"), ({"rate": "-1e16", "goalval": 100}, "rate")):
        _refused(http.post(f"{V1}/goals/road/dial_road.json", data={"auth_token": alice.token, **params}), field)
    assert _state(http, alice.token, "road") == before


def test_do_less_goal_stays_red_under_the_largest_values(http, alice, clock):
    """The issue's case: two values of 1e308 overflowed a red do-less goal into 395 safe days."""
    create_goal(http, alice.token, "booze", goal_type="drinker", rate=1, goalval=None, goaldate=clock.now() + 60 * DAY)
    add_point(http, alice.token, "booze", value=5)  # over today's allowance: red
    g = get_goal(http, alice.token, "booze")
    assert g["safebuf"] == 0 and g["colorkey"] == "red"
    for _ in range(2):
        _refused(http.post(f"{V1}/goals/booze/datapoints.json", data={"auth_token": alice.token, "value": "1e308"}), "value")
        add_point(http, alice.token, "booze", value="1e15")
    g = get_goal(http, alice.token, "booze")
    assert g["safebuf"] == 0 and g["colorkey"] == "red" and g["curval"] == 5 + 2e15
    assert g["losedate"] is not None and "road_error" not in g
