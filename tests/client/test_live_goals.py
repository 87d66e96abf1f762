"""The client against a real brickroad server: goals, goal actions, charges."""

from __future__ import annotations

from typing import Any

import pytest

from brickroad.client import Forbidden, Goal, NotFound, ValidationError
from tests.client.livekit import client_for, new_goal


def test_create_get_list_update_goal(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        made = new_goal(bee, "reading", gunits="pages", tags=["books"])
        assert isinstance(made, Goal) and made.slug == "reading" and made.gunits == "pages"
        assert made.goal_type == "hustler" and made.rate == 1 and made.goalval == 100 and made.tags == ["books"]
        got = bee.goal("reading")
        assert got.id == made.id and got.last_datapoint is not None and got.last_datapoint.is_initial
        assert bee.goal("reading", emaciated=True).road is None
        assert bee.goal("reading", datapoints=True).datapoints is not None
        new_goal(bee, "exercise")
        assert sorted(g.slug for g in bee.goals()) == ["exercise", "reading"]
        assert bee.archived_goals() == []
        assert sorted(bee.me().goals) == ["exercise", "reading"]
        changed = bee.update_goal("reading", title="Read more books", secret=True, tags=["books", "fun"])
        assert changed.title == "Read more books" and changed.secret and changed.tags == ["books", "fun"]


def test_create_goal_errors_carry_the_fields(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "dup")
        with pytest.raises(ValidationError) as dup:
            new_goal(bee, "dup")
        assert dup.value.status == 422 and "slug" in dup.value.errors
        with pytest.raises(ValidationError) as bad:
            bee.create_goal("x1", "X", "hustler", "reps", rate=1)  # only one of three
        assert bad.value.errors and "base" in bad.value.errors
        with pytest.raises(NotFound):
            bee.goal("no-such-goal")


def test_goal_actions(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "acts", rate=2, goalval=1000)
        assert bee.refresh_graph("acts") in (True, False)
        dialed = bee.dial_road("acts", rate=3, goalval=1000)
        assert dialed.rate == 3
        raised = bee.shortcircuit("acts")
        assert raised.pledge == 5 and raised.contract.amount == 5
        with pytest.raises(ValidationError) as refused:
            bee.stepdown("acts")
        assert refused.value.errors == "Cannot schedule a stepdown for a contract with amount $5"
        bee.shortcircuit("acts")
        stepped = bee.stepdown("acts")
        assert stepped.contract.stepdown_at is not None
        assert bee.cancel_stepdown("acts").contract.stepdown_at is None
        with pytest.raises(ValidationError) as uncle:
            bee.uncleme("acts")
        assert isinstance(uncle.value.errors, str)
        with pytest.raises(ValidationError) as ratchet:
            bee.ratchet("acts", -1)
        assert ratchet.value.errors == "newsafety cannot be negative"


def test_ratchet_lowers_the_buffer(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "ratch", rate=1, goalval=1000, initval=0)
        bee.create_datapoint("ratch", 20)
        before = bee.goal("ratch").safebuf
        assert before is not None and before > 3
        after = bee.ratchet("ratch", 2)
        assert after.safebuf is not None and after.safebuf <= 2


def test_charges(server: Any, alice: Any, make_user: Any) -> None:
    with client_for(server, alice.token) as bee:
        trial = bee.charge(10, note="test", dryrun=True)
        assert trial.amount == 10 and trial.username == alice.username and trial.id is None
        real = bee.charge(2.5, note="missed it")
        assert real.amount == 2.5 and real.id and real.note == "missed it"
        with pytest.raises(ValidationError) as small:
            bee.charge(0.5)
        assert "amount" in small.value.errors
        with pytest.raises(Forbidden):
            bee.charge(5, user_id=make_user().username)


def test_user_associations_and_diff_since(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "assoc")
        bee.create_datapoint("assoc", 2, comment="hi")
        full = bee.user(associations=True, emaciated=True)
        assert full.goals == ["assoc"] and full.goal_objects[0].slug == "assoc"
        assert full.goal_objects[0].datapoints and full.goal_objects[0].road is None
        since = full.updated_at or 0
        unchanged = bee.user(diff_since=since + 1)
        assert unchanged.goals == [] and unchanged.deleted_goals == []
        skinny = bee.user(diff_since=0, skinny=True)
        assert skinny.goal_objects and skinny.goal_objects[0].last_datapoint is not None
