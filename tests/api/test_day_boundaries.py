"""A datapoint's day is the owner's local date shifted by the goal's deadline; DST never moves the deadline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.api.goalkit import add_point, create_goal, get_goal

NY = ZoneInfo("America/New_York")


def local(y: int, m: int, d: int, hh: int, mm: int = 0, ss: int = 0) -> int:
    return int(datetime(y, m, d, hh, mm, ss, tzinfo=NY).timestamp())


def set_deadline(http, token: str, slug: str, deadline: int) -> None:
    r = http.put(f"/api/v1/users/me/goals/{slug}.json", data={"auth_token": token, "deadline": deadline})
    assert r.status_code == 200 and r.json()["deadline"] == deadline


def test_two_am_deadline_puts_half_past_one_on_the_previous_day(http, alice, clock):
    create_goal(http, alice.token, "late")
    set_deadline(http, alice.token, "late", 7200)
    p = add_point(http, alice.token, "late", value=1, timestamp=local(2026, 11, 24, 1, 30))
    assert p["daystamp"] == "20261123"
    q = add_point(http, alice.token, "late", value=1, timestamp=local(2026, 11, 24, 2, 0))
    assert q["daystamp"] == "20261124"
    # daystamp-only: the last second of that (deadline-shifted) day
    r = add_point(http, alice.token, "late", value=1, daystamp="20261125")
    assert r["timestamp"] == local(2026, 11, 26, 1, 59, 59)


def test_eleven_pm_deadline_puts_half_past_eleven_on_the_next_day(http, alice, clock):
    create_goal(http, alice.token, "early")
    set_deadline(http, alice.token, "early", -3600)
    p = add_point(http, alice.token, "early", value=1, timestamp=local(2026, 11, 23, 23, 30))
    assert p["daystamp"] == "20261124"
    q = add_point(http, alice.token, "early", value=1, timestamp=local(2026, 11, 23, 22, 59, 59))
    assert q["daystamp"] == "20261123"


def test_losedate_follows_the_deadline(http, alice, clock):
    create_goal(http, alice.token, "ld")  # safebuf 1 on day one: derails at the end of tomorrow
    assert get_goal(http, alice.token, "ld")["losedate"] == local(2026, 11, 24, 23, 59, 59)
    set_deadline(http, alice.token, "ld", 7200)
    assert get_goal(http, alice.token, "ld")["losedate"] == local(2026, 11, 25, 1, 59, 59)


def test_dst_does_not_shift_the_deadline(http, alice, clock):
    # US DST starts 2027-03-14 at 02:00 EST (clocks jump to 03:00 EDT).
    clock.set(local(2027, 3, 12, 12))
    create_goal(http, alice.token, "dst")
    set_deadline(http, alice.token, "dst", 3 * 3600)
    before = add_point(http, alice.token, "dst", value=1, daystamp="20270313")
    after = add_point(http, alice.token, "dst", value=1, daystamp="20270314")
    # Each day ends just before 03:00 wall time: the 13th at 01:59:59 EST (02:xx never
    # happens that night), the 14th at 02:59:59 EDT. The 13th is 23 real hours long.
    assert before["timestamp"] == local(2027, 3, 14, 3, 0) - 1 == local(2027, 3, 14, 1, 59, 59)
    assert after["timestamp"] == local(2027, 3, 15, 2, 59, 59)
    assert after["timestamp"] - before["timestamp"] == 24 * 3600
    # 02:30 EDT on the 15th is before the 03:00 deadline: still the 14th.
    p = add_point(http, alice.token, "dst", value=1, timestamp=local(2027, 3, 15, 2, 30))
    assert p["daystamp"] == "20270314"


def test_timezone_of_the_owner_decides_the_day(http, make_user, clock):
    tokyo = make_user(timezone="Asia/Tokyo")
    create_goal(http, tokyo.token, "jp")
    # START is 2026-11-23 12:00 UTC = 21:00 in Tokyo; 15:30 UTC is 00:30 on the 24th there.
    p = add_point(http, tokyo.token, "jp", value=1, timestamp=clock.now() + 3 * 3600 + 1800)
    assert p["daystamp"] == "20261124"
