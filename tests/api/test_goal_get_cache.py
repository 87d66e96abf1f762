"""GET of a goal reuses its JSON only while the rows it came from are unchanged."""

from __future__ import annotations

from brickroad.services import goals as goal_service
from brickroad.store import goals as goal_rows

from tests.api.goalkit import DAY, add_point, create_goal, get_goal


def test_goal_get_follows_every_change(http, alice, clock, ctx):
    create_goal(http, alice.token, "cached", rate=1, goalval=100, runits="d")
    first = get_goal(http, alice.token, "cached")
    assert get_goal(http, alice.token, "cached") == first
    # A change behind the API's back (another process, the sweeper): a new row, a new answer.
    with ctx.db.write() as conn:
        goal = goal_service.load(conn, alice.user, "cached")
        goal_rows.update_goal(conn, goal.id, title="Changed elsewhere", queued=True)
    second = get_goal(http, alice.token, "cached")
    assert (second["title"], second["queued"]) == ("Changed elsewhere", True)
    add_point(http, alice.token, "cached", value=3, comment="fresh")
    third = get_goal(http, alice.token, "cached")
    assert "fresh" in [p["comment"] for p in third["recent_data"]] and third["curval"] == 3
    assert third["todayta"] is True
    assert get_goal(http, alice.token, "cached", emaciated="true").keys() != third.keys()
    # todayta follows the clock even when nothing was written.
    clock.advance(DAY)
    assert get_goal(http, alice.token, "cached")["todayta"] is False
