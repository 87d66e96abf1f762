"""Goal resource: create (types, defaults, validation, dryrun), get, list, update, roadall."""

from __future__ import annotations

import pytest

from tests.api.goalkit import (
    DAY, NOT_FOUND, NY_END_1123, NY_MIDNIGHT_1123, NY_NOON_1123, create_goal, get_goal,
)

# REFERENCE §5, the real service's key order.
GOAL_KEYS = (
    "slug title description goalval rate goaldate svg_url graph_url thumb_url goal_type autodata "
    "healthkitmetric autodata_config losedate urgencykey deadline leadtime alertstart use_defaults id "
    "ephem queued panic updated_at burner yaw lane delta runits limsum frozen lost won contract "
    "delta_text safebuf safebump safesum autoratchet coasting limsumdate limsumdays baremin "
    "baremintotal roadstatuscolor colorkey colorhex lasttouch integery fineprint todayta hhmmformat "
    "timey gunits gunits_singular weekends_off yaxis maxflux tmin tmax initday initval curday curval "
    "currate lastday dir kyoom odom noisy aggday plotall steppy rosy movingav aura numpts road "
    "roadall fullroad secret pledge pledge_cap mathishard headsum datapublic graphsum rah "
    "last_datapoint callback_url tags recent_data dueby"
).split()


def test_create_hustler_returns_every_field_in_order(http, alice, clock):
    g = create_goal(http, alice.token, "pushups", rate=1, goalval=100, runits="d")
    assert list(g) == GOAL_KEYS
    assert (g["goal_type"], g["yaw"], g["dir"], g["kyoom"], g["aggday"], g["steppy"]) == ("hustler", 1, 1, True, "sum", True)
    assert (g["goalval"], g["rate"], g["goaldate"]) == (100.0, 1.0, None)
    # roadall starts at local midnight of today; the initial point at the first second of today.
    assert g["roadall"] == [[NY_MIDNIGHT_1123, 0.0, None], [None, 100.0, 1.0]]
    assert g["road"] == []
    first = g["last_datapoint"]
    assert (first["timestamp"], first["daystamp"], first["value"], first["origin"], first["is_initial"], first["creator"]) == (
        NY_MIDNIGHT_1123, "20261123", 0.0, "nihilo", True, "")
    assert g["recent_data"] == [first]
    assert g["numpts"] == 1 and g["initval"] == 0 and g["initday"] == NY_NOON_1123
    # At 0 on day one of a 1/day road: today is fine, tomorrow's line (1) is above 0.
    assert g["safebuf"] == 1 and g["lane"] == -1 and g["colorkey"] == "orange"
    assert g["losedate"] == NY_END_1123 + DAY
    assert g["urgencykey"] == f"FROx;PPRx;DL{NY_END_1123 + DAY};P1000000000;pushups"
    assert g["contract"] == {"amount": 0.0, "stepdown_at": None, "pending_amount": None, "pending_at": None}
    assert g["fullroad"] == [[NY_NOON_1123, 0, 0], [NY_NOON_1123 + 100 * DAY, 100, 1]]
    assert g["mathishard"] == [NY_NOON_1123 + 100 * DAY, 100, 1]
    base = f"http://127.0.0.1:8080/graphs/{alice.username}+pushups"
    for key, suffix in (("graph_url", ".png"), ("thumb_url", "-thumb.png"), ("svg_url", ".svg")):
        assert g[key].startswith(f"{base}{suffix}?v="), key  # versioned, so caches never go stale
    assert g["limsum"] == "+1 in 1 day"
    assert g["gunits_singular"] == "rep" and g["yaxis"] == "cumulative total reps"


@pytest.mark.parametrize(
    "gtype,yaw,dir_,kyoom,odom,aggday,steppy,rosy",
    [
        ("hustler", 1, 1, True, False, "sum", True, False),
        ("biker", 1, 1, False, True, "last", True, False),
        ("fatloser", -1, -1, False, False, "min", False, True),
        ("gainer", 1, 1, False, False, "max", False, True),
        ("inboxer", -1, -1, False, False, "min", True, False),
        ("drinker", -1, 1, True, False, "sum", True, False),
    ],
)
def test_goal_type_defaults(http, make_user, clock, gtype, yaw, dir_, kyoom, odom, aggday, steppy, rosy):
    acct = make_user()
    params = {"goal_type": gtype, "rate": -1 if dir_ < 0 else 1, "goalval": None, "goaldate": clock.now() + 60 * DAY,
              "initval": 100 if dir_ < 0 else 0}
    g = create_goal(http, acct.token, "g1", **params)
    assert (g["yaw"], g["dir"], g["kyoom"], g["odom"], g["aggday"], g["steppy"], g["rosy"], g["movingav"], g["aura"]) == (
        yaw, dir_, kyoom, odom, aggday, steppy, rosy, rosy, rosy)
    assert g["goaldate"] == clock.now() + 60 * DAY  # echoed exactly as sent


def test_custom_goal_takes_its_params(http, alice, clock):
    g = create_goal(http, alice.token, "custom1", goal_type="custom", yaw=-1, dir=1, kyoom="true", aggday="max",
                    steppy="true", integery="true", odom="false")
    assert (g["yaw"], g["dir"], g["kyoom"], g["aggday"], g["steppy"], g["integery"]) == (-1, 1, True, "max", True, True)


def test_create_with_nothing_gives_beeminders_errors(http, alice):
    r = http.post("/api/v1/users/me/goals.json", data={"auth_token": alice.token, "slug": "x"})
    assert r.status_code == 422
    assert r.json() == {"errors": {
        "gtype": ["can't be blank", "you must select a goal type"],
        "base": ["You must set two of (Goal, Goal Date, and Rate)", "Goal units are required"],
    }}


@pytest.mark.parametrize(
    "params,field",
    [
        ({"slug": "bad slug!"}, "slug"),
        ({"slug": "archived"}, "slug"),
        ({"goal_type": "unicorn"}, "gtype"),
        ({"goaldate": 1900000000}, "base"),  # three of three
        ({"rate": "NaN"}, "rate"),
        ({"rate": "Infinity"}, "rate"),
        ({"goalval": "lots"}, "goalval"),
        ({"goaldate": -5, "goalval": None}, "goaldate"),
        ({"goaldate": 99999999999, "goalval": None}, "goaldate"),
        ({"runits": "q"}, "runits"),
        ({"tags": "[\"ok\", \"not ok!\"]"}, "tags"),
    ],
)
def test_create_rejects_bad_input_naming_the_field(http, alice, params, field):
    body = {"auth_token": alice.token, "slug": "ok", "goal_type": "hustler", "gunits": "x", "rate": 1, "goalval": 10}
    body.update(params)
    r = http.post("/api/v1/users/me/goals.json", data={k: v for k, v in body.items() if v is not None})
    assert r.status_code == 422, r.text
    assert field in r.json()["errors"]
    assert http.get("/api/v1/users/me/goals/ok.json", params={"auth_token": alice.token}).status_code == 404


def test_slug_taken_is_422(http, alice):
    create_goal(http, alice.token, "dup")
    r = http.post("/api/v1/users/me/goals.json", data={"auth_token": alice.token, "slug": "dup", "goal_type": "hustler",
                                                      "gunits": "x", "rate": 1, "goalval": 5})
    assert r.status_code == 422
    assert r.json() == {"errors": {"slug": ["has already been taken"]}}


def test_dryrun_returns_goal_without_saving(http, alice):
    r = http.post("/api/v1/users/me/goals.json", data={"auth_token": alice.token, "slug": "dry", "goal_type": "hustler",
                                                      "gunits": "x", "rate": 2, "goalval": 10, "dryrun": "true"})
    assert r.status_code == 200
    assert r.json()["slug"] == "dry" and r.json()["safebuf"] == 1
    assert http.get("/api/v1/users/me/goals/dry.json", params={"auth_token": alice.token}).status_code == 404


def test_unknown_goal_and_other_users(http, alice, make_user):
    r = http.get("/api/v1/users/me/goals/nope.json", params={"auth_token": alice.token})
    assert r.status_code == 404 and r.json()["error"] == NOT_FOUND["error"]
    bob = make_user()
    create_goal(http, bob.token, "secretgoal")
    r = http.get(f"/api/v1/users/{bob.username}/goals/secretgoal.json", params={"auth_token": alice.token})
    assert r.status_code == 403
    r = http.get("/api/v1/users/nosuchuser/goals.json", params={"auth_token": alice.token})
    assert r.status_code == 404


def test_get_with_datapoints_and_emaciated(http, alice, clock):
    create_goal(http, alice.token, "reading")
    http.post("/api/v1/users/me/goals/reading/datapoints.json", data={"auth_token": alice.token, "value": 2})
    g = get_goal(http, alice.token, "reading", datapoints="true")
    # Oldest timestamp first: the initial point is stamped at the day's first second, before this morning's 2.
    assert [p["value"] for p in g["datapoints"]] == [0.0, 2.0]
    assert list(g)[-1] == "datapoints"
    lean = get_goal(http, alice.token, "reading", emaciated="true")
    assert not {"road", "roadall", "fullroad"} & set(lean) and "datapoints" not in lean
    # no .json suffix and PATCH both work as on Beeminder
    assert http.get("/api/v1/users/me/goals/reading", params={"auth_token": alice.token}).status_code == 200


def test_datapoints_count_limits_embedded_points(http, alice, clock):
    create_goal(http, alice.token, "count")
    for v in (1, 2, 3):
        clock.advance(60)
        http.post("/api/v1/users/me/goals/count/datapoints.json", data={"auth_token": alice.token, "value": v})
    g = get_goal(http, alice.token, "count", datapoints_count=2)
    assert [p["value"] for p in g["datapoints"]] == [2.0, 3.0]


def test_list_is_sorted_by_urgency(http, alice, clock):
    create_goal(http, alice.token, "relaxed")
    http.post("/api/v1/users/me/goals/relaxed/datapoints.json", data={"auth_token": alice.token, "value": 10})
    create_goal(http, alice.token, "urgent")
    r = http.get("/api/v1/users/me/goals.json", params={"auth_token": alice.token, "emaciated": "true"})
    assert r.status_code == 200
    goals = r.json()
    assert [g["slug"] for g in goals] == ["urgent", "relaxed"]
    assert [g["urgencykey"] for g in goals] == sorted(g["urgencykey"] for g in goals)
    assert "road" not in goals[0]
    archived = http.get("/api/v1/users/me/goals/archived.json", params={"auth_token": alice.token})
    assert archived.status_code == 200 and archived.json() == []


def test_update_fields_and_immutables(http, alice, clock):
    create_goal(http, alice.token, "upd")
    clock.advance(30)
    r = http.put("/api/v1/users/me/goals/upd.json", data={"auth_token": alice.token, "title": "Updated", "secret": "true",
                                                         "tags": '["fitness","am"]', "deadline": 7200})
    assert r.status_code == 200, r.text
    g = r.json()
    assert (g["title"], g["secret"], g["tags"], g["deadline"], g["updated_at"]) == ("Updated", True, ["fitness", "am"], 7200, clock.now())
    r = http.patch("/api/v1/users/me/goals/upd.json", json={"auth_token": alice.token, "goal_type": "biker"})
    assert r.status_code == 422 and "goal_type" in r.json()["errors"]
    r = http.put("/api/v1/users/me/goals/upd.json", data={"auth_token": alice.token, "deadline": 30000})
    assert r.status_code == 422 and "deadline" in r.json()["errors"]


def test_roadall_accepts_three_date_forms(http, alice, clock):
    create_goal(http, alice.token, "road", rate=1, goalval=100)
    # Harder from day 10: 2/day to 2026-12-23, then to 2027-01-22 at 2/day.
    roadall = [[NY_MIDNIGHT_1123, 0, None], ["20261203", None, 1], ["2026-12-23", None, 2], [1800000000, None, 2]]
    r = http.put("/api/v1/users/me/goals/road.json", json={"auth_token": alice.token, "roadall": roadall})
    assert r.status_code == 200, r.text
    g = r.json()
    noon_1203 = NY_NOON_1123 + 10 * DAY
    noon_1223 = NY_NOON_1123 + 30 * DAY
    assert g["road"] == [[noon_1203, None, 1.0], [noon_1223, None, 2.0]]
    assert g["roadall"][-1] == [1800000000, None, 2.0]
    assert (g["goaldate"], g["goalval"], g["rate"]) == (1800000000, None, 2.0)
    assert g["fullroad"][1] == [noon_1203, 10, 1]
    assert g["fullroad"][2] == [noon_1223, 50, 2]


@pytest.mark.parametrize("roadall", ['[[1,2]]', '"nope"', '[[1795410000, 0, null], [null, null, 1]]', "[[\"2026-13-45\", 0, null], [null, 5, 1]]"])
def test_roadall_parse_errors(http, alice, roadall):
    create_goal(http, alice.token, "bad")
    r = http.put("/api/v1/users/me/goals/bad.json", data={"auth_token": alice.token, "roadall": roadall})
    assert r.status_code == 422
    assert r.json() == {"errors": {"message": "Error parsing params (roadall)"}}


def test_roadall_cannot_make_the_next_week_easier(http, alice, clock):
    create_goal(http, alice.token, "lazy", rate=1, goalval=100)
    easier = [[NY_MIDNIGHT_1123, 0, None], [None, 100, 0.5]]
    r = http.put("/api/v1/users/me/goals/lazy.json", json={"auth_token": alice.token, "roadall": easier})
    assert r.status_code == 422 and "roadall" in r.json()["errors"]
    assert get_goal(http, alice.token, "lazy")["rate"] == 1.0
