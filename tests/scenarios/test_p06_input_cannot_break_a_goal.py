"""Issue 16, point 6: nothing the API accepts can break a goal.

Story: Ivy's scripts send bad data to her goals: a timestamp of 0 (or 1000, or
1234.5), dates before 1970-01-02 or after 2099, daystamps to match, and values
like 1e308 or infinity. Each is refused with a 422 naming the field, through v1
single creates, `create_all`, updates and v2, and her goals go on as before: the
do-more goal still counts down and derails on time, the red do-less goal stays
red, and the sweeper keeps reminding.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios.kit import Account, Checks, World, wall

TZ = "America/New_York"
BAD_TIMESTAMPS = ["0", "1000", "1234.5", "-86400", "86399", "4102444800", "99999999999"]
BAD_DAYSTAMPS = ["19691231", "19700101", "21000101"]
BAD_VALUES = ["1e308", "-1e308", "1e16", "inf", "-inf", "nan", "Infinity"]


def _goals(world: World) -> Account:
    ivy = world.account(TZ, "ivy")
    world.create_goal(ivy, "run", goal_type="hustler", gunits="km", rate=1, runits="d", goalval=1000)
    world.create_goal(ivy, "sugar", goal_type="drinker", gunits="g", rate=10, runits="d", goalval=0)
    world.add(ivy, "sugar", 40, comment="over the limit: red")  # a do-less goal over its limit
    world.add(ivy, "run", 1, comment="a good point, later sent bad updates")
    world.subscribe(ivy, "/ivy")
    return ivy


def _named(r: Any, field: str) -> bool:
    if r.status_code != 422:
        return False
    errors = r.json().get("errors")
    return isinstance(errors, dict) and field in errors or field in str(errors)


def _bad_calls(world: World, ivy: Account) -> list[tuple[str, str, Any]]:
    """(what was sent, the field that must be named, the answer)."""
    out: list[tuple[str, str, Any]] = []
    pts = "/goals/run/datapoints"
    for ts in BAD_TIMESTAMPS:
        out.append((f"create timestamp={ts}", "timestamp",
                    world.call("POST", ivy, pts + ".json", value=1, timestamp=ts)))
    for ds in BAD_DAYSTAMPS:
        out.append((f"create daystamp={ds}", "daystamp", world.call("POST", ivy, pts + ".json", value=1, daystamp=ds)))
    for v in BAD_VALUES:
        for slug in ("run", "sugar"):
            out.append((f"{slug}: create value={v}", "value",
                        world.call("POST", ivy, f"/goals/{slug}/datapoints.json", value=v)))
    good = world.ok("GET", ivy, pts + ".json")[0]
    for ts in BAD_TIMESTAMPS[:3]:
        out.append((f"update timestamp={ts}", "timestamp",
                    world.call("PUT", ivy, f"{pts}/{good['id']}.json", timestamp=ts)))
    out.append(("update value=1e308", "value", world.call("PUT", ivy, f"{pts}/{good['id']}.json", value="1e308")))
    out.append(("create_all timestamp=0", "timestamp", world.api.post(
        f"/api/v1/users/me{pts}/create_all.json", json={"auth_token": ivy.token, "datapoints": [
            {"value": 1, "timestamp": 1795435200}, {"value": 1, "timestamp": 0}]})))
    out.append(("create_all value=1e308", "value", world.api.post(
        f"/api/v1/users/me{pts}/create_all.json", json={"auth_token": ivy.token, "datapoints": [
            {"value": 1e308}, {"value": 1e308}]})))
    out.append(("v2 datapoint.create date 1969-12-31", "date", world.api.post(
        "/api/v2", json={"auth_token": ivy.token, "service": "datapoint.create", "goal": "run", "value": 1,
                         "date": "1969-12-31 12:00:00"})))
    return out


def _named_v2_date(r: Any) -> bool:
    """v2 takes `date`; an answer naming the timestamp made of it names the same thing."""
    return _named(r, "date") or _named(r, "timestamp")


def test_bad_input_is_refused_naming_the_field(world: World) -> None:
    ivy = _goals(world)
    c = Checks()
    for sent, field, r in _bad_calls(world, ivy):
        named = _named_v2_date(r) if field == "date" else _named(r, field)
        c.true(sent, named, f"answered {r.status_code} {r.text[:160]}; should be 422 naming '{field}'")
    c.done("bad input")


def test_values_at_the_limit_are_accepted(world: World) -> None:
    ivy = _goals(world)
    c = Checks()
    for v in ("1e15", "-1e15", "999999999999999"):
        r = world.call("POST", ivy, "/goals/run/datapoints.json", value=v)
        c.same(f"value={v}", "status (|v| <= 1e15 is a sane magnitude)", r.status_code, 200)
    c.done("values at the limit")


@pytest.mark.parametrize("slug", ["run", "sugar"])
def test_goals_hit_by_bad_input_keep_their_promise(world: World, slug: str) -> None:
    ivy = _goals(world)
    before = world.goal(ivy, slug)
    _bad_calls(world, ivy)
    c = Checks()
    after = world.goal(ivy, slug)
    for key in ("safebuf", "losedate", "roadstatuscolor", "limsum", "curval"):
        c.same(f"{slug} after the bad calls", key, after.get(key), before.get(key))
    losedate = after.get("losedate")
    if isinstance(losedate, int):
        world.advance_to(losedate + 1)
        derailed = [e for e in world.events("/ivy", "goal.derailed") if e["data"]["goal"] == slug]
        c.same(f"{slug} at {wall(losedate + 1, TZ)}", "derailments", len(derailed), 1)
        c.true(f"{slug} a day later", world.goal(ivy, slug).get("safebuf") is not None, "safebuf is null")
    else:
        c.true(slug, False, f"losedate is {losedate!r}: the goal can no longer derail or remind")
    c.done(f"{slug} after bad input")
