"""Issue 16, point 7: a datapoint id, once given, is never given again.

Story: Jo's sync client keys records by datapoint id. She enters A, deletes it
(it was a typo), and enters B: B must get a new id, or her client overwrites its
copy of A with B. The same after deleting the newest of several, after a
`create_all`, and across goals.
"""

from __future__ import annotations

from tests.scenarios.kit import Checks, World

PTS = "/goals/log/datapoints"


def test_deleting_the_newest_point_never_frees_its_id(world: World) -> None:
    jo = world.account(prefix="jo")
    world.create_goal(jo, "log", goal_type="hustler", gunits="x", rate=1, runits="d", goalval=1000)
    world.create_goal(jo, "other", goal_type="hustler", gunits="x", rate=1, runits="d", goalval=1000)
    given: list[str] = []
    c = Checks()

    def fresh(what: str, point_id: str) -> None:
        c.true(what, point_id not in given, f"got id {point_id}, already given to an earlier point")
        given.append(point_id)

    for i in range(3):
        a = world.add(jo, "log", 1, comment=f"A{i}")
        fresh(f"create A{i}", a["id"])
        world.ok("DELETE", jo, f"{PTS}/{a['id']}.json")
        b = world.add(jo, "log", 2, comment=f"B{i}")
        fresh(f"create B{i} after deleting A{i}", b["id"])
    bulk = world.ok("POST", jo, f"{PTS}/create_all.json",
                    datapoints='[{"value": 1, "comment": "c1"}, {"value": 2, "comment": "c2"}]')
    for p in bulk:
        world.ok("DELETE", jo, f"{PTS}/{p['id']}.json")
    for p in bulk:
        fresh("create_all before the delete", p["id"])
    again = world.ok("POST", jo, f"{PTS}/create_all.json",
                     datapoints='[{"value": 3, "comment": "d1"}, {"value": 4, "comment": "d2"}]')
    for p in again:
        fresh("create_all after deleting the previous batch", p["id"])
    last = world.add(jo, "other", 5, comment="on another goal")
    fresh("create on another goal after the deletes", last["id"])
    c.done("ids after deletes")
