"""Goal actions: dial_road, the pledge ladder (shortcircuit/stepdown/cancel), ratchet, uncleme, refresh_graph."""

from __future__ import annotations

from brickroad.services import charges as charge_service
from tests.api.goalkit import DAY, NY_END_1123, NY_MIDNIGHT_1123, NY_NOON_1123, add_point, create_goal, get_goal


def act(http, token: str, slug: str, action: str, **params):  # type: ignore[no-untyped-def]
    return http.post(f"/api/v1/users/me/goals/{slug}/{action}.json", data={"auth_token": token, **params})


# ------------------------------------------------------------------ dial_road


def test_dial_road_changes_the_road_after_the_akrasia_horizon(http, alice, clock):
    create_goal(http, alice.token, "dial", rate=1, goalval=100)
    goaldate = NY_NOON_1123 + 37 * DAY  # 2026-12-30 noon
    r = act(http, alice.token, "dial", "dial_road", rate=2, goaldate=goaldate, goalval="null")
    assert r.status_code == 200, r.text
    g = r.json()
    assert (g["rate"], g["goaldate"], g["goalval"]) == (2.0, goaldate, None)
    # The old line (1/day) holds until 2026-11-30, value 7; then 2/day for 30 days.
    assert g["road"] == [[NY_NOON_1123 + 7 * DAY, 7.0, None]]
    assert g["fullroad"] == [[NY_NOON_1123, 0, 0], [NY_NOON_1123 + 7 * DAY, 7, 1], [goaldate, 67, 2]]
    assert g["safebuf"] == 1  # nothing inside the horizon changed


def test_dial_road_refuses_inside_the_horizon_and_needs_two_of_three(http, alice, clock):
    create_goal(http, alice.token, "dial2")
    r = act(http, alice.token, "dial2", "dial_road", goaldate=clock.now() + 3 * DAY, goalval=10)
    assert r.status_code == 422
    assert "akrasia horizon" in r.json()["errors"]
    r = act(http, alice.token, "dial2", "dial_road", rate=3)
    assert r.status_code == 422
    assert r.json()["errors"]["base"] == ["You must set two of (Goal, Goal Date, and Rate)"]
    r = act(http, alice.token, "dial2", "dial_road", rate="fast", goalval=5)
    assert r.status_code == 422 and "rate" in r.json()["errors"]
    assert get_goal(http, alice.token, "dial2")["rate"] == 1.0


# ------------------------------------------------------------------ pledges


def test_pledge_ladder_shortcircuit_and_charges(http, ctx, alice, clock):
    create_goal(http, alice.token, "money")
    amounts = []
    for _ in range(4):
        r = act(http, alice.token, "money", "shortcircuit")
        assert r.status_code == 200
        amounts.append((r.json()["pledge"], r.json()["contract"]["amount"]))
    # 0 -> 5 -> 10 -> 30, then capped by pledge_cap 30
    assert amounts == [(5.0, 5.0), (10.0, 10.0), (30.0, 30.0), (30.0, 30.0)]
    assert r.json()["queued"] is True
    assert r.json()["urgencykey"].split(";")[3] == "P0999997000"
    ledger = charge_service.ledger(ctx, alice.user)
    assert [(c.amount, c.kind) for c in ledger] == [(30.0, "shortcircuit"), (10.0, "shortcircuit"), (5.0, "shortcircuit")]


def test_stepdown_refused_at_five_dollars(http, alice):
    create_goal(http, alice.token, "five")
    act(http, alice.token, "five", "shortcircuit")
    r = act(http, alice.token, "five", "stepdown")
    assert r.status_code == 422
    assert r.json() == {"errors": "Cannot schedule a stepdown for a contract with amount $5"}


def test_stepdown_schedules_at_the_horizon_and_cancels(http, alice, clock):
    create_goal(http, alice.token, "ten")
    act(http, alice.token, "ten", "shortcircuit")
    act(http, alice.token, "ten", "shortcircuit")
    r = act(http, alice.token, "ten", "stepdown")
    assert r.status_code == 200
    c = r.json()["contract"]
    midnight_1130 = NY_MIDNIGHT_1123 + 7 * DAY
    assert c == {"amount": 10.0, "stepdown_at": midnight_1130, "pending_amount": 5.0, "pending_at": midnight_1130}
    assert r.json()["pledge"] == 10.0
    r = act(http, alice.token, "ten", "cancel_stepdown")
    assert r.json()["contract"] == {"amount": 10.0, "stepdown_at": None, "pending_amount": None, "pending_at": None}
    r = act(http, alice.token, "ten", "cancel_stepdown")  # nothing pending: still 200
    assert r.status_code == 200


# ------------------------------------------------------------------ ratchet


def test_ratchet_keeps_exactly_n_safe_days(http, alice, clock):
    create_goal(http, alice.token, "rat", rate=1, goalval=100)
    add_point(http, alice.token, "rat", value=10)
    assert get_goal(http, alice.token, "rat")["safebuf"] == 11  # 10 >= k for k = 0..10
    r = act(http, alice.token, "rat", "ratchet", newsafety=3)
    assert r.status_code == 200, r.text
    g = r.json()
    assert g["safebuf"] == 3
    # Today's line jumps from 0 to 8: 10 >= 8, 9, 10 on days 0..2, and 11 on day 3 is red.
    assert g["road"] == [[NY_NOON_1123, 0.0, None], [NY_NOON_1123, 8.0, None]]
    assert g["losedate"] == NY_END_1123 + 3 * DAY
    r = act(http, alice.token, "rat", "ratchet", newsafety=5)
    assert r.status_code == 422 and r.json() == {"errors": "newsafety cannot exceed 3"}


def test_ratchet_errors(http, alice):
    create_goal(http, alice.token, "rat2")
    add_point(http, alice.token, "rat2", value=5)
    cases = [({}, "newsafety parameter is required"), ({"newsafety": "abc"}, "newsafety must be a number"),
             ({"newsafety": -1}, "newsafety cannot be negative"),
             ({"newsafety": 0}, "Ratcheting to 0 days of buffer requires beemergency=True on the API call")]
    for params, message in cases:
        r = act(http, alice.token, "rat2", "ratchet", **params)
        assert (r.status_code, r.json()) == (422, {"errors": message})
    r = act(http, alice.token, "rat2", "ratchet", newsafety=0, beemergency="True")
    assert r.status_code == 200 and r.json()["safebuf"] == 0


# ------------------------------------------------------------------ uncle


def test_uncle_only_in_the_red(http, alice):
    create_goal(http, alice.token, "fine")
    r = act(http, alice.token, "fine", "uncleme")
    assert r.status_code == 422
    assert r.json() == {"errors": "Can't uncle a goal that's not in the red."}


def test_uncle_charges_steps_up_and_gives_respite(http, ctx, alice, clock):
    create_goal(http, alice.token, "red")
    act(http, alice.token, "red", "shortcircuit")  # $0 -> $5, nothing charged
    clock.advance(2 * DAY)  # 2026-11-25: yesterday's line was 1, we have 0
    r = act(http, alice.token, "red", "uncleme")
    assert r.status_code == 200, r.text
    g = r.json()
    assert (g["pledge"], g["contract"]["amount"]) == (10.0, 10.0)
    assert [(c.amount, c.kind) for c in charge_service.ledger(ctx, alice.user)] == [(5.0, "derail")]
    # On the derail day (yesterday, line 1) the line drops to our 0 and stays flat
    # until a week from today (12/02), then climbs 1/day again: safe 11/25..12/02.
    noon_1124, noon_1125 = NY_NOON_1123 + DAY, NY_NOON_1123 + 2 * DAY
    assert g["road"] == [[noon_1124, 1.0, None], [noon_1124, 0.0, None], [noon_1125 + 7 * DAY, 0.0, None]]
    assert g["safebuf"] == 8


# ------------------------------------------------------------------ refresh


def test_refresh_graph_returns_bare_true_and_queues(http, alice):
    create_goal(http, alice.token, "gr")
    r = http.get("/api/v1/users/me/goals/gr/refresh_graph.json", params={"auth_token": alice.token})
    assert r.status_code == 200 and r.content == b"true"
    assert get_goal(http, alice.token, "gr")["queued"] is True
    r = act(http, alice.token, "gr", "refresh_graph")
    assert r.json() is True
    r = http.get("/api/v1/users/me/goals/none/refresh_graph.json", params={"auth_token": alice.token})
    assert r.status_code == 404
