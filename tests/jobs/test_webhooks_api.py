"""POST/GET/DELETE /api/v1/users/{u}/webhooks.json: subscriptions and the delivery log."""

from __future__ import annotations

from tests.api.goalkit import add_point, create_goal


def test_subscribe_list_and_delete(http, alice, clock):
    r = http.post("/api/v1/users/me/webhooks.json",
                  json={"auth_token": alice.token, "url": "https://hooks.example.test/in", "events": ["datapoint.created"]})
    assert r.status_code == 200, r.text
    sub = r.json()
    assert sub["events"] == ["datapoint.created"] and len(sub["secret"]) == 48
    create_goal(http, alice.token, "wh")
    add_point(http, alice.token, "wh", value=2)
    listing = http.get("/api/v1/users/me/webhooks.json", params={"auth_token": alice.token}).json()
    assert [s["id"] for s in listing["subscriptions"]] == [sub["id"]] and "secret" not in listing["subscriptions"][0]
    [d] = listing["deliveries"]
    assert (d["event"], d["state"], d["attempts"], d["subscription_id"]) == ("datapoint.created", "pending", 0, sub["id"])
    assert d["next_attempt_at"] == clock.now()
    r = http.delete(f"/api/v1/users/me/webhooks/{sub['id']}.json", params={"auth_token": alice.token})
    assert r.status_code == 200 and r.json() == {"id": sub["id"], "deleted": True}
    assert http.get("/api/v1/users/me/webhooks.json", params={"auth_token": alice.token}).json()["subscriptions"] == []
    r = http.delete(f"/api/v1/users/me/webhooks/{sub['id']}.json", params={"auth_token": alice.token})
    assert r.status_code == 404


def test_all_events_by_default_and_bad_input(http, alice):
    r = http.post("/api/v1/users/me/webhooks.json", data={"auth_token": alice.token, "url": "https://h.example.test/"})
    assert r.status_code == 200 and "goal.derailed" in r.json()["events"]
    r = http.post("/api/v1/users/me/webhooks.json", data={"auth_token": alice.token, "url": "ftp://h.example.test/"})
    assert r.status_code == 422 and "url" in r.json()["errors"]
    r = http.post("/api/v1/users/me/webhooks.json",
                  data={"auth_token": alice.token, "url": "https://h.example.test/", "events": "goal.exploded"})
    assert r.status_code == 422 and "events" in r.json()["errors"]
    r = http.get("/api/v1/users/me/webhooks.json", params={"auth_token": alice.token, "state": "weird"})
    assert r.status_code == 422


def test_other_users_webhooks_are_forbidden(http, alice, make_user):
    bob = make_user()
    r = http.get(f"/api/v1/users/{bob.username}/webhooks.json", params={"auth_token": alice.token})
    assert r.status_code == 403
    r = http.post(f"/api/v1/users/{bob.username}/webhooks.json",
                  data={"auth_token": alice.token, "url": "https://h.example.test/"})
    assert r.status_code == 403


def test_a_dead_delivery_can_be_retried(http, ctx, alice, clock):
    from brickroad.services import outbox
    from brickroad.store import outbox as rows

    with ctx.db.write() as conn:
        pk = outbox.enqueue(conn, outbox.WEBHOOK, {}, now=clock.now(), url="https://h.example.test/", user_id=alice.user.pk)
        conn.execute(rows.outbox.update().where(rows.outbox.c.id == pk).values(state="dead", attempts=8))
    r = http.post(f"/api/v1/users/me/webhooks/deliveries/{pk}/retry.json", data={"auth_token": alice.token})
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["attempts"], r.json()["next_attempt_at"]) == ("pending", 0, clock.now())
    r = http.post("/api/v1/users/me/webhooks/deliveries/999999/retry.json", data={"auth_token": alice.token})
    assert r.status_code == 404


def test_callback_url_is_set_through_goal_update(http, alice):
    create_goal(http, alice.token, "cbu")
    r = http.put("/api/v1/users/me/goals/cbu.json", data={"auth_token": alice.token, "callback_url": "https://h.example.test/r"})
    assert r.status_code == 200 and r.json()["callback_url"] == "https://h.example.test/r"
    r = http.put("/api/v1/users/me/goals/cbu.json", data={"auth_token": alice.token, "callback_url": "javascript:x"})
    assert r.status_code == 422 and "callback_url" in r.json()["errors"]


def test_callback_url_is_removed_by_sending_it_empty_or_null(http, alice):
    create_goal(http, alice.token, "cbclear")
    url = "/api/v1/users/me/goals/cbclear.json"
    hook = "https://h.example.test/r"
    auth = {"auth_token": alice.token}
    for how in ("form", "json", "query"):
        r = http.put(url, data={**auth, "callback_url": hook})
        assert r.json()["callback_url"] == hook
        if how == "form":
            r = http.put(url, data={**auth, "callback_url": ""})
        elif how == "json":
            r = http.put(url, json={**auth, "callback_url": None})
        else:
            r = http.put(url, params={**auth, "callback_url": "null"})
        assert r.status_code == 200 and r.json()["callback_url"] is None, how
    # Other fields sent blank still mean "not given": the title stays.
    r = http.put(url, data={"auth_token": alice.token, "title": "", "callback_url": hook})
    assert r.json()["title"] != "" and r.json()["callback_url"] == hook
