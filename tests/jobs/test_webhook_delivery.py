"""Webhook delivery against a real loopback server: signature, retries with backoff, dead letters, faults."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import replace

import orjson

from brickroad.jobs import outbox as delivery
from brickroad.jobs.config import JobSettings
from brickroad.services import accounts, datapoints, outbox, signing, webhooks
from brickroad.store import outbox as rows
from tests.jobs.kit import answers, hangs, make_goal, redirects


def row(ctx, pk):  # type: ignore[no-untyped-def]
    with ctx.db.read() as conn:
        return rows.by_id(conn, pk)


def enqueue(ctx, url, payload=None, user_id=None):  # type: ignore[no-untyped-def]
    # Every webhook belongs to a user (a callback_url's owner signs it): make one if the test has none.
    user_id = user_id or accounts.create_user(ctx, f"hook_{uuid.uuid4().hex[:10]}").pk
    with ctx.db.write() as conn:
        return outbox.enqueue(conn, outbox.WEBHOOK, payload or {"hello": "world"}, now=ctx.clock.now(), url=url,
                              user_id=user_id)


def drain(ctx, js, rounds: int = 5) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        if delivery.deliver_batch(ctx, js) == 0:
            return


def test_event_is_delivered_signed_with_the_subscription_secret(ctx, clock, make_user, js, receiver):
    alice = make_user()
    sub = webhooks.subscribe(ctx, alice.user, receiver.url + "/hook", ["datapoint.created"])
    make_goal(ctx, alice.user, "ev")
    datapoints.create(ctx, alice.user, "ev", {"value": 3, "comment": "hi"})
    drain(ctx, js)
    [got] = receiver.to("/hook")
    body = orjson.loads(got.body)
    assert body["event"] == "datapoint.created" and body["username"] == alice.username
    assert (body["data"]["goal"], body["data"]["value"], body["data"]["comment"]) == ("ev", 3.0, "hi")
    expected = "sha256=" + hmac.new(sub.secret.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-brickroad-signature"] == expected
    assert got.headers["x-brickroad-delivery"] == body["id"] == got.headers["idempotency-key"]
    assert got.headers["content-type"] == "application/json"
    [d] = [d for d in webhooks.deliveries(ctx, alice.user) if d.event == "datapoint.created"]
    assert (d.state, d.attempts, d.last_status) == ("delivered", 1, 200)


def test_failures_retry_with_growing_backoff_then_deliver(ctx, clock, js, receiver):
    receiver.scripts["/flaky"] = answers(500, 503, 200)
    pk = enqueue(ctx, receiver.url + "/flaky")
    waits = []
    for _ in range(3):
        delivery.deliver_batch(ctx, js)
        r = row(ctx, pk)
        if r["state"] != "pending":
            break
        waits.append(r["due_at"] - clock.now())
        clock.set(r["due_at"])
    r = row(ctx, pk)
    assert (r["state"], r["attempts"], r["last_status"]) == ("delivered", 3, 200)
    assert len(receiver.to("/flaky")) == 3
    # About 10 s, then about 20 s (+-50% jitter).
    assert 5 <= waits[0] <= 15 and 10 <= waits[1] <= 30


def test_gives_up_after_max_attempts_and_the_api_shows_it_dead(ctx, clock, http, alice, js, receiver):
    receiver.scripts["/down"] = answers(500)
    pk = enqueue(ctx, receiver.url + "/down", user_id=alice.user.pk)
    for _ in range(js.max_attempts):
        delivery.deliver_batch(ctx, js)
        clock.set(max(clock.now(), row(ctx, pk)["due_at"]))
    r = row(ctx, pk)
    assert (r["state"], r["attempts"], r["last_error"]) == ("dead", 3, "HTTP 500")
    clock.advance(86400)
    drain(ctx, js)
    assert len(receiver.to("/down")) == 3  # dead means no more attempts
    listing = http.get("/api/v1/users/me/webhooks.json", params={"auth_token": alice.token, "state": "dead"}).json()
    [dead] = [d for d in listing["deliveries"] if d["id"] == pk]
    assert (dead["state"], dead["attempts"], dead["last_status"], dead["next_attempt_at"]) == ("dead", 3, 500, None)


def test_a_hanging_endpoint_does_not_hold_up_the_queue(ctx, clock, js, receiver):
    receiver.scripts["/hang"] = hangs(5)
    quick = replace(js, http_timeout=0.5)
    slow = enqueue(ctx, receiver.url + "/hang")
    fast = [enqueue(ctx, receiver.url + f"/ok{i}") for i in range(5)]
    started = time.monotonic()
    delivery.deliver_batch(ctx, quick)
    assert time.monotonic() - started < 3
    assert all(row(ctx, pk)["state"] == "delivered" for pk in fast)
    r = row(ctx, slow)
    assert r["state"] == "pending" and "timed out" in r["last_error"] and r["due_at"] > clock.now()


def test_redirect_to_a_private_address_is_refused(ctx, clock, js, receiver):
    receiver.scripts["/meta"] = redirects("http://169.254.169.254/latest/meta-data/")
    receiver.scripts["/moved"] = redirects(receiver.url + "/new")
    bad = enqueue(ctx, receiver.url + "/meta")
    good = enqueue(ctx, receiver.url + "/moved")
    drain(ctx, js)
    r = row(ctx, bad)
    assert r["state"] == "dead" and "169.254.169.254" in r["last_error"]
    assert row(ctx, good)["state"] == "delivered" and len(receiver.to("/new")) == 1


def test_loopback_is_refused_unless_the_operator_allows_it(ctx, clock, receiver):
    strict = JobSettings(worker_id="strict", http_timeout=2)
    pk = enqueue(ctx, receiver.url + "/nope")
    drain(ctx, strict)
    r = row(ctx, pk)
    assert r["state"] == "dead" and "private or local" in r["last_error"]
    assert receiver.to("/nope") == []
    private_ok = JobSettings(worker_id="lenient", allow_private=True, http_timeout=2)
    pk = enqueue(ctx, receiver.url + "/yes")
    drain(ctx, private_ok)
    assert row(ctx, pk)["state"] == "delivered"


def test_reminder_posts_the_goal_to_its_callback_url(ctx, clock, make_user, js, receiver):
    from brickroad.jobs.sweeper import sweep_all
    from tests.jobs.kit import reload, set_columns
    from tests.jobs.test_derailment import local

    alice = make_user()
    g = make_goal(ctx, alice.user, "remind")
    set_columns(ctx, g, callback_url=receiver.url + "/cb")
    # leadtime 0, alertstart 9:30: the reminder comes at 09:30 on the derail day (the 24th).
    reminder = local("America/New_York", 2026, 11, 24, 9, 30)
    from brickroad.services import goals

    goals.update(ctx, alice.user, "remind", {"title": "Remind me"})  # a recompute schedules the reminder
    # First the day's rollover at midnight, which schedules the reminder.
    assert reload(ctx, alice.user, "remind").next_check_at == local("America/New_York", 2026, 11, 24)
    clock.set(local("America/New_York", 2026, 11, 24))
    sweep_all(ctx, js)
    assert reload(ctx, alice.user, "remind").next_check_at == reminder
    clock.set(reminder - 1)
    sweep_all(ctx, js)
    drain(ctx, js)
    assert receiver.to("/cb") == []
    clock.set(reminder)
    sweep_all(ctx, js)
    sweep_all(ctx, js)
    drain(ctx, js)
    [got] = receiver.to("/cb")
    goal = orjson.loads(got.body)["goal"]
    assert (goal["slug"], goal["title"], goal["losedate"]) == ("remind", "Remind me", g.losedate)
    assert "contract" in goal and "roadall" in goal
    # Signed with the owner's callback signing secret (tests/jobs/test_signatures.py reads it off the page).
    secret = signing.current_user_secret(ctx, alice.user).encode()
    expected = "sha256=" + hmac.new(secret, got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-brickroad-signature"] == expected
    # Next check: the derailment itself.
    assert reload(ctx, alice.user, "remind").next_check_at == g.losedate + 1


def test_old_finished_rows_are_pruned_pending_ones_never(ctx, clock, js, receiver):
    receiver.scripts["/gone"] = answers(410)  # Gone: dead at once, no retries
    done = enqueue(ctx, receiver.url + "/fine")
    dead = enqueue(ctx, receiver.url + "/gone")
    drain(ctx, js)
    assert (row(ctx, done)["state"], row(ctx, dead)["state"], row(ctx, dead)["attempts"]) == ("delivered", "dead", 1)
    waiting = enqueue(ctx, receiver.url + "/later")
    with ctx.db.write() as conn:
        conn.execute(rows.outbox.update().where(rows.outbox.c.id == waiting).values(due_at=clock.now() + 10**8))
    clock.advance(8 * 86400)
    delivery.prune(ctx, js)
    assert row(ctx, done) is None and row(ctx, dead) is not None  # dead rows stay visible for a month
    clock.advance(30 * 86400)
    delivery.prune(ctx, js)
    assert row(ctx, dead) is None and row(ctx, waiting)["state"] == "pending"
