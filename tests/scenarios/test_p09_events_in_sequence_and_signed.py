"""Issue 16, point 9: events carry a per-goal sequence number, and every POST is verifiable.

Story: Max's receiver applies events as they come. He short-circuits his goal
three times in one second ($0 -> $5 -> $10 -> $30) and logs a datapoint: the
events may arrive in any order (they are delivered in parallel), but each
carries `seq`, per goal from 1 and strictly increasing in the order things
happened, so sorting by it replays the pledge's history. The reminder his goal's
`callback_url` receives is signed with a secret Max holds — the callback
signing secret on his Apps & API page — never with the server's own.
"""

from __future__ import annotations

import re

from tests.scenarios.kit import DAY, Checks, World, signature_ok

SERVER_SECRET = b"test-secret"  # tests/conftest.py's settings


def test_same_second_events_carry_a_per_goal_sequence(world: World) -> None:
    max_ = world.account(prefix="max")
    sub = world.subscribe(max_, "/max", events="*")
    for slug in ("gym", "read"):
        world.create_goal(max_, slug, goal_type="hustler", gunits="x", rate=1, runits="d", goalval=1000)
    for _ in range(3):
        world.ok("POST", max_, "/goals/gym/shortcircuit.json")
    world.add(max_, "gym", 1)
    world.add(max_, "read", 1)
    world.advance(60)
    c = Checks()
    for d in world.hooks("/max"):
        c.true(f"event {d.body.get('event')}", signature_ok(sub["secret"].encode(), d.raw,
               d.headers.get("x-brickroad-signature")), "signature does not verify with the subscription's secret")
    for slug in ("gym", "read"):
        events = [e for e in world.events("/max") if e["data"].get("goal") == slug]
        seqs = [e.get("seq") for e in events]
        c.true(slug, all(isinstance(s, int) for s in seqs), f"events without an integer seq: {seqs}")
        if all(isinstance(s, int) for s in seqs):
            c.same(slug, "seqs, sorted", sorted(seqs), list(range(1, len(events) + 1)))
    pledges = sorted((e for e in world.events("/max", "pledge.changed")), key=lambda e: e.get("seq") or 0)
    c.same("gym", "pledge history replayed in seq order",
           [(e["data"]["from"], e["data"]["to"]) for e in pledges], [(0.0, 5.0), (5.0, 10.0), (10.0, 30.0)])
    c.done("events of one second")


def test_a_reminder_to_callback_url_is_signed_with_a_secret_the_user_holds(world: World) -> None:
    max_ = world.account(prefix="max")
    found = re.search(r'id="signing-secret" class="token" value="([^"]+)"', world.page(max_, "/settings/apps").text)
    assert found, "the Apps & API page shows no callback signing secret"
    secret = found.group(1).encode()
    world.create_goal(max_, "gym", goal_type="hustler", gunits="x", rate=1, runits="d", goalval=1000)
    world.ok("PUT", max_, "/goals/gym.json", callback_url=world.receiver.url + "/max-reminder")
    world.advance(2 * DAY)
    reminders = world.hooks("/max-reminder")
    assert reminders, "no reminder reached the callback_url"
    c = Checks()
    for r in reminders:
        header = r.headers.get("x-brickroad-signature")
        c.true("reminder", not signature_ok(SERVER_SECRET, r.raw, header),
               "signed with the server's own secret, which no receiver can hold")
        c.true("reminder", signature_ok(secret, r.raw, header),
               "does not verify with the callback signing secret on the Apps & API page")
    c.done("reminder signature")
