"""create_each: several single-point creates on one goal in one transaction, each with its own outcome."""

from __future__ import annotations

import uuid

import pytest

from brickroad.errors import Invalid, NotFound
from brickroad.services import accounts
from brickroad.services import datapoints as point_service
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.services.goal_models import Datapoint
from brickroad.services.models import User


def _user_with_goal(ctx: Context) -> User:
    user = accounts.create_user(ctx, f"ce{uuid.uuid4().hex[:10]}")
    goal_service.create(ctx, user, {"slug": "g", "goal_type": "hustler", "gunits": "x", "rate": 1, "runits": "d",
                                    "goalval": 100})
    return user


def _curval(ctx: Context, user: User) -> float:
    return goal_service.get_view(ctx, user, "g").goal.stats["curval"]  # type: ignore[index]


def test_each_request_gets_its_own_outcome_and_the_goal_counts_them_all(ctx: Context) -> None:
    user = _user_with_goal(ctx)
    out = point_service.create_each(ctx, user, "g", [
        {"value": 2}, {"value": "nope"}, {"value": 3, "requestid": "r"}, {"value": 3, "requestid": "r"},
        {"value": 5, "requestid": "r"}, {"value": 1, "xid": "x1"}, {"value": 1, "xid": "x1"},
    ])
    assert [type(o).__name__ for o in out] == ["Datapoint", "Invalid", "Datapoint", "Datapoint", "Datapoint",
                                               "Datapoint", "Invalid"]
    assert [o.status for o in out if isinstance(o, Datapoint)] == ["created", "created", "duplicate", "updated",
                                                                    "created"]
    assert out[2].id == out[3].id == out[4].id  # type: ignore[union-attr]
    assert isinstance(out[6], Invalid) and "xid" in out[6].fields
    assert _curval(ctx, user) == 2 + 5 + 1


def test_an_unknown_goal_answers_every_request(ctx: Context) -> None:
    user = _user_with_goal(ctx)
    out = point_service.create_each(ctx, user, "nosuch", [{"value": 1}, {"value": 2}])
    assert all(isinstance(o, NotFound) for o in out)


def test_an_unexpected_failure_retries_each_alone(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash the shared transaction can't pin on one request rolls it back; then each runs by itself."""
    user = _user_with_goal(ctx)
    real = point_service._write_batch
    calls = {"n": 0}

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:  # the shared transaction's bulk insert
            raise RuntimeError("disk hiccup")
        return real(*args, **kwargs)

    monkeypatch.setattr(point_service, "_write_batch", flaky)
    out = point_service.create_each(ctx, user, "g", [{"value": 1, "comment": "a"}, {"value": 2, "comment": "b"},
                                                     {"value": 4, "comment": "c"}])
    assert [o.status for o in out] == ["created"] * 3  # type: ignore[union-attr]
    assert calls["n"] == 1  # the retries went one by one
    points = point_service.listing(ctx, user, "g")
    assert sorted(p.comment for p in points if not p.is_initial) == ["a", "b", "c"]  # nothing twice
    assert _curval(ctx, user) == 7
