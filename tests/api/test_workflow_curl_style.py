"""A realistic session driven with plain httpx exactly the way the seeds' curl examples send things:
params in the query string of a POST with an empty body, in form bodies (-d), and in JSON bodies."""

from __future__ import annotations

import json

import httpx

from tests.api.goalkit import DAY, NY_END_1123


def test_weight_and_exercise_session(server, alice, clock):
    base = f"{server.url}/api/v1"
    tok = alice.token
    with httpx.Client(timeout=10) as c:
        # curl -X POST .../users/alice/goals.json -d auth_token=… -d slug=exercise … -d goalval=null
        r = c.post(f"{base}/users/{alice.username}/goals.json", content=(
            f"auth_token={tok}&slug=exercise&title=Work+Out+More&goal_type=hustler&gunits=workouts"
            f"&goaldate={clock.now() + 30 * DAY}&rate=5&goalval=null"),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 200, r.text
        assert (r.json()["title"], r.json()["rate"], r.json()["goalval"], r.json()["runits"]) == ("Work Out More", 5.0, None, "w")

        # A POST with everything in the query string and an empty body (curl -X POST 'url?…').
        r = c.post(f"{base}/users/me/goals/exercise/datapoints.json?auth_token={tok}&value=2&comment=sweat+a+lot+today")
        assert r.status_code == 200 and r.json()["comment"] == "sweat a lot today"
        first = r.json()

        # A JSON body (BeeSwift style) with a requestid, sent twice.
        for _ in range(2):
            r = c.post(f"{base}/users/me/goals/exercise/datapoints.json",
                       json={"access_token": None, "auth_token": tok, "value": 1, "requestid": "watch-1"})
            assert r.status_code == 200
        assert r.json()["status"] == "duplicate"

        # create_all as the seed sends it: -d datapoints=[{…}] (form-encoded JSON, + as space)
        pts = '[{"timestamp":%d,"value":1,"comment":"blah+blah","requestid":"b1"},{"timestamp":%d,"value":1}]' % (
            clock.now() - DAY, clock.now() - 2 * DAY)
        r = c.post(f"{base}/users/me/goals/exercise/datapoints/create_all.json", content=f"auth_token={tok}&datapoints={pts}",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 200, r.text
        assert [p["comment"] for p in r.json()] == ["blah blah", ""]

        # curl -X PUT …/datapoints/ID.json -d auth_token=… -d comment=a+real+comment
        r = c.put(f"{base}/users/me/goals/exercise/datapoints/{first['id']}.json", data={"auth_token": tok, "comment": "a real comment"})
        assert r.json()["comment"] == "a real comment" and r.json()["value"] == 2.0

        # curl https://…/goals/exercise.json?auth_token=…&datapoints=true
        g = c.get(f"{base}/users/{alice.username}/goals/exercise.json?auth_token={tok}&datapoints=true").json()
        assert g["curval"] == 5 and len(g["datapoints"]) == 5
        # Road is 5/week (5/7 a day) from 0 on 11/23; we have 5: safe while 5 >= 5k/7, k <= 7.
        assert g["safebuf"] == 8 and g["losedate"] == NY_END_1123 + 8 * DAY

        # curl -X PUT …/goals/exercise.json -d title=Work+Out+Even+More -d secret=true
        r = c.put(f"{base}/users/me/goals/exercise.json", data={"auth_token": tok, "title": "Work Out Even More", "secret": "true"})
        assert (r.json()["title"], r.json()["secret"]) == ("Work Out Even More", True)

        # refresh_graph with GET, answer is a bare true
        assert c.get(f"{base}/users/me/goals/exercise/refresh_graph.json?auth_token={tok}").text == "true"

        # Bearer header + DELETE without .json (iOS style)
        r = c.delete(f"{base}/users/me/goals/exercise/datapoints/{first['id']}", headers={"Authorization": f"Bearer {tok}"})
        assert r.status_code == 200 and r.json()["id"] == first["id"]

        # curl -X POST 'https://…/charges.json' -d auth_token=… -d amount=10 -d note=…
        r = c.post(f"{base}/charges.json", content=f"auth_token={tok}&amount=10&note=I%27m+not+worthy%3B+charge+myself+%2410",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.json()["note"] == "I'm not worthy; charge myself $10"

        # The user, then a diff since before the session: one goal with its points.
        u = c.get(f"{base}/users/me.json?auth_token={tok}").json()
        assert u["goals"] == ["exercise"]
        d = c.get(f"{base}/users/me.json", params={"auth_token": tok, "diff_since": clock.now() - 10}).json()
        assert [g["slug"] for g in d["goals"]] == ["exercise"] and d["deleted_goals"] == []
        assert json.loads(json.dumps(d))["goals"][0]["datapoints"]

        # Errors keep Beeminder's shapes.
        r = c.get(f"{base}/users/me/goals/nope.json?auth_token={tok}")
        assert r.status_code == 404 and r.json()["error"] == "The requested resource was not found."
        r = c.post(f"{base}/users/me/goals/exercise/datapoints.json?auth_token={tok}")
        assert r.status_code == 422 and r.json() == {"errors": {"value": ["can't be blank"]}}


def test_multipart_forms_as_curl_F_sends_them(http, alice):
    """`curl -F value=3 -F comment=...` posts multipart/form-data: read like any form, bytes counted."""
    http.post("/api/v1/users/me/goals.json", data={"auth_token": alice.token, "slug": "multi", "goal_type": "hustler",
                                                   "gunits": "x", "rate": 1, "goalval": 10})
    r = http.post("/api/v1/users/me/goals/multi/datapoints.json",
                  files={"auth_token": (None, alice.token), "value": (None, "3"), "comment": (None, "by -F")})
    assert r.request.headers["content-type"].startswith("multipart/form-data")
    assert r.status_code == 200 and (r.json()["value"], r.json()["comment"]) == (3, "by -F")
    before = int(r.headers["X-RateLimit-Bytes-Remaining"])
    r = http.put(f"/api/v1/users/me/goals/multi/datapoints/{r.json()['id']}.json",
                 files={"auth_token": (None, alice.token), "comment": (None, "edited")})
    assert r.status_code == 200 and r.json()["comment"] == "edited"
    sent = len(r.request.read())
    assert before - int(r.headers["X-RateLimit-Bytes-Remaining"]) == sent + len(r.content)
