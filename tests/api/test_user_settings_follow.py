"""Timezone and default changes recompute the goals they affect (issue 16.8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from brickroad.services import goals
from brickroad.services.derail import PENDING_KEY
from tests.api.goalkit import DAY, add_point, create_goal, get_goal


def _local(tz: str, *args: int) -> int:
    return int(datetime(*args, tzinfo=ZoneInfo(tz)).timestamp())  # type: ignore[misc]


def _put_user(http: httpx.Client, token: str, **params: Any) -> dict[str, Any]:
    r = http.put("/api/v1/users/me.json", data={"auth_token": token, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_new_timezone_moves_every_active_goals_losedate(http, alice, clock):
    create_goal(http, alice.token, "one")
    create_goal(http, alice.token, "two")
    add_point(http, alice.token, "two", value=3)
    # 07:00 in New York on the 23rd: "one" derails at the end of the 24th, "two" (3 ahead) of the 27th.
    assert get_goal(http, alice.token, "one")["losedate"] == _local("America/New_York", 2026, 11, 24, 23, 59, 59)
    assert get_goal(http, alice.token, "two")["losedate"] == _local("America/New_York", 2026, 11, 27, 23, 59, 59)
    _put_user(http, alice.token, timezone="Europe/Berlin")
    # The same days now end at midnight Berlin time, six hours earlier.
    assert get_goal(http, alice.token, "one")["losedate"] == _local("Europe/Berlin", 2026, 11, 24, 23, 59, 59)
    assert get_goal(http, alice.token, "two")["losedate"] == _local("Europe/Berlin", 2026, 11, 27, 23, 59, 59)


def test_use_defaults_goals_follow_later_default_changes(http, alice, clock):
    create_goal(http, alice.token, "follows")
    create_goal(http, alice.token, "own")
    r = http.put("/api/v1/users/me/goals/own.json",
                 data={"auth_token": alice.token, "use_defaults": "false", "leadtime": 2})
    assert r.status_code == 200, r.text
    _put_user(http, alice.token, default_deadline=-3600, default_leadtime=3, default_alertstart=28800)
    g = get_goal(http, alice.token, "follows")
    assert (g["deadline"], g["leadtime"], g["alertstart"], g["use_defaults"]) == (-3600, 3, 28800, True)
    # Its days now end at 23:00, so the derail moment is an hour earlier.
    assert g["losedate"] == _local("America/New_York", 2026, 11, 24, 22, 59, 59)
    own = get_goal(http, alice.token, "own")
    assert (own["deadline"], own["leadtime"], own["alertstart"], own["use_defaults"]) == (0, 2, 34200, False)
    assert own["losedate"] == _local("America/New_York", 2026, 11, 24, 23, 59, 59)


def test_a_later_default_deadline_obeys_the_goal_deadline_rule(http, ctx, alice, clock):
    """Defaults go through the same rule as a goal PUT: a later deadline near a due day waits a week."""
    create_goal(http, alice.token, "near")
    clock.advance(DAY)  # past the day it was set up; derails at the end of today (the 24th)
    losedate = get_goal(http, alice.token, "near")["losedate"]
    _put_user(http, alice.token, default_deadline=3 * 3600)
    g = goals.get(ctx, alice.user, "near")
    assert (g.deadline, g.deadline_next, g.losedate) == (0, 3 * 3600, losedate)


def test_a_change_of_one_default_changes_only_that_setting(http, alice, clock):
    create_goal(http, alice.token, "part")
    r = http.put("/api/v1/users/me/goals/part.json", data={"auth_token": alice.token, "leadtime": 5})
    assert r.status_code == 200, r.text
    _put_user(http, alice.token, default_alertstart=36000)
    g = get_goal(http, alice.token, "part")
    assert (g["deadline"], g["leadtime"], g["alertstart"]) == (0, 5, 36000)


def test_a_refused_settings_change_changes_no_goal(http, alice, clock):
    create_goal(http, alice.token, "kept")
    before = get_goal(http, alice.token, "kept")
    r = http.put("/api/v1/users/me.json", data={"auth_token": alice.token, "timezone": "Europe/Berlin",
                                                  "default_deadline": 99999})
    assert r.status_code == 422 and "default_deadline" in r.json()["errors"]
    after = get_goal(http, alice.token, "kept")
    assert (after["losedate"], after["deadline"]) == (before["losedate"], before["deadline"])


def test_a_timezone_change_never_rescues_a_missed_deadline(http, ctx, alice, clock):
    """Moving west after a deadline passed, before the sweeper got there, leaves the derailment due."""
    create_goal(http, alice.token, "missed")
    losedate = get_goal(http, alice.token, "missed")["losedate"]
    clock.set(losedate + 3600)  # an hour after the deadline in New York: still 21:59 on that day in LA
    _put_user(http, alice.token, timezone="America/Los_Angeles")
    stored = goals.get(ctx, alice.user, "missed")
    assert stored.stats is not None and stored.stats.get(PENDING_KEY) == losedate
    assert stored.next_check_at is not None and stored.next_check_at <= clock.now()
