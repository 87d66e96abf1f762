"""GET /users/{u}: goals as slugs, associations, diff_since (+ deleted_goals), skinny, emaciated, datapoints_count."""

from __future__ import annotations

from brickroad.services import goals as goal_service
from tests.api.goalkit import DAY, add_point, create_goal

SKINNY = ("slug title description goalval rate goaldate svg_url graph_url thumb_url goal_type autodata losedate "
          "urgencykey deadline leadtime alertstart id queued updated_at burner yaw lane delta runits limsum frozen "
          "lost won contract delta_text safebump gunits todayta timey hhmmformat last_datapoint").split()


def me(http, token, **params):  # type: ignore[no-untyped-def]
    r = http.get("/api/v1/users/me.json", params={"auth_token": token, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_plain_user_lists_slugs_by_urgency_and_urgency_load(http, alice, clock):
    create_goal(http, alice.token, "calm")
    add_point(http, alice.token, "calm", value=20)  # safebuf 21
    create_goal(http, alice.token, "tight")  # safebuf 1
    u = me(http, alice.token)
    assert u["goals"] == ["tight", "calm"]
    assert "deleted_goals" not in u
    assert u["urgency_load"] == 6  # (7 - 1) + 0
    assert u["updated_at"] == clock.now()


def test_associations_embed_goals_with_datapoints(http, alice, clock):
    create_goal(http, alice.token, "a1")
    for v in (1, 2, 3):
        clock.advance(60)
        add_point(http, alice.token, "a1", value=v)
    u = me(http, alice.token, associations="true")
    [g] = u["goals"]
    assert g["slug"] == "a1" and [p["value"] for p in g["datapoints"]] == [0.0, 1.0, 2.0, 3.0]
    u = me(http, alice.token, associations="true", datapoints_count=2, emaciated="true")
    [g] = u["goals"]
    assert [p["value"] for p in g["datapoints"]] == [2.0, 3.0]
    assert "road" not in g and "fullroad" not in g


def test_diff_since_reports_changes_and_deletions(http, ctx, alice, clock):
    create_goal(http, alice.token, "old")
    create_goal(http, alice.token, "keep")
    create_goal(http, alice.token, "gone")
    clock.advance(DAY)
    me(http, alice.token)  # a new day: reading brings every goal's numbers to it, which updates them
    clock.advance(60)
    since = clock.now()
    p = add_point(http, alice.token, "old", value=4, comment="new")
    goal_service.delete(ctx, alice.user, "gone")
    u = me(http, alice.token, diff_since=since)
    assert [g["slug"] for g in u["goals"]] == ["old"]
    assert [d["id"] for d in u["goals"][0]["datapoints"]] == [p["id"]]
    assert [d["slug"] for d in u["deleted_goals"]] == ["gone"] and len(u["deleted_goals"][0]["id"]) == 24
    later = me(http, alice.token, diff_since=clock.now() + 1)
    assert later["goals"] == [] and later["deleted_goals"] == []
    # a deleted goal's slug can be used again
    create_goal(http, alice.token, "gone")


def test_skinny_only_with_diff_since(http, alice, clock):
    create_goal(http, alice.token, "sk")
    p = add_point(http, alice.token, "sk", value=1, daystamp="20261122")
    u = me(http, alice.token, diff_since=0, skinny="true")
    [g] = u["goals"]
    assert list(g) == SKINNY
    assert g["last_datapoint"]["is_initial"] is True  # the newest by timestamp is today's initial point
    assert me(http, alice.token, skinny="true")["goals"] == ["sk"]
    assert p["daystamp"] == "20261122"


def test_goals_filter(http, alice):
    create_goal(http, alice.token, "front")
    create_goal(http, alice.token, "back")
    r = http.put("/api/v1/users/me/goals/back.json", data={"auth_token": alice.token, "burner": "backburner"})
    assert r.status_code == 200
    assert me(http, alice.token, goals_filter="backburner")["goals"] == ["back"]
    assert set(me(http, alice.token, goals_filter="all")["goals"]) == {"front", "back"}
    r = http.get("/api/v1/users/me/goals.json", params={"auth_token": alice.token, "filter": "frontburner"})
    assert [g["slug"] for g in r.json()] == ["front"]
