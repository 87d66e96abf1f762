"""The client against a real brickroad server: datapoints, requestids, create_all, paging."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from brickroad.client import AsyncClient, NewDatapoint, NotFound, PartialFailure, ValidationError
from tests.client.livekit import client_for, new_goal

NY_NOON_1120 = 1795194000  # 2026-11-20 12:00 America/New_York


def test_create_update_delete(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "dp")
        made = bee.create_datapoint("dp", 5, comment="five", daystamp="20261121")
        assert made.status == "created" and made.daystamp == "20261121" and made.comment == "five"
        both = bee.create_datapoint("dp", 1, timestamp=NY_NOON_1120, daystamp="20261122")
        assert both.daystamp == "20261120" and both.timestamp == NY_NOON_1120  # timestamp wins
        edited = bee.update_datapoint("dp", made.id, value=6, comment="six")
        assert edited.id == made.id and edited.value == 6 and edited.comment == "six"
        gone = bee.delete_datapoint("dp", made.id)
        assert gone.id == made.id
        assert made.id not in {p.id for p in bee.datapoints("dp")}
        with pytest.raises(NotFound):
            bee.delete_datapoint("dp", made.id)


def test_requestid_makes_creates_idempotent(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "rid")
        first = bee.create_datapoint("rid", 1, requestid="abc")
        again = bee.create_datapoint("rid", 1, requestid="abc")
        changed = bee.create_datapoint("rid", 2, requestid="abc")
        assert first.status == "created" and again.id == first.id and again.status == "duplicate"
        assert changed.id == first.id and changed.status == "updated" and changed.value == 2
        new_goal(bee, "rid2")
        assert bee.create_datapoint("rid2", 1, requestid="abc").status == "created"  # per goal
        assert len([p for p in bee.datapoints("rid") if p.requestid == "abc"]) == 1


def test_list_sort_and_count(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "srt")
        for day, value, comment in (("20261120", 3, "b"), ("20261121", 1, "c"), ("20261122", 2, "a")):
            bee.create_datapoint("srt", value, daystamp=day, comment=comment, requestid=f"r{value}")
        assert [p.value for p in bee.datapoints("srt", sort="value", count=3)] == [3, 2, 1]
        assert [p.comment for p in bee.datapoints("srt", sort="comment", count=3)] == ["c", "b", "a"]
        assert [p.daystamp for p in bee.datapoints("srt", sort="daystamp", count=2)] == ["20261123", "20261122"]  # initial point is today
        assert len(bee.datapoints("srt")) == 4  # with the initial point
        for field in ("id", "timestamp", "updated_at", "requestid"):
            assert len(bee.datapoints("srt", sort=field, count=2)) == 2
        with pytest.raises(ValueError):
            bee.datapoints("srt", sort="nonsense")


def test_create_all_and_paging(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "bulk")
        points = [NewDatapoint(value=i, daystamp="20261122", requestid=f"b{i}") for i in range(120)]
        created = bee.create_all("bulk", points)
        assert len(created) == 120 and {p.status for p in created} == {"created"}
        again = bee.create_all("bulk", points[:10] + [{"value": 7, "comment": "plain dict"}])
        assert [p.status for p in again[:10]] == ["duplicate"] * 10 and again[10].status == "created"
        every = list(bee.iter_datapoints("bulk", per=25))
        assert len(every) == 122 and len({p.id for p in every}) == 122
        assert len(list(bee.iter_datapoints("bulk", sort="value", per=1000))) == 122


def test_create_all_statuses_answers_ids_and_statuses_in_order(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "compact")
        points = [NewDatapoint(value=i, daystamp="20261122", requestid=f"c{i}") for i in range(5)]
        first = bee.create_all_statuses("compact", points)
        assert [p.status for p in first] == ["created"] * 5
        changed = [points[0], NewDatapoint(value=99, daystamp="20261122", requestid="c1"), NewDatapoint(value=7)]
        again = bee.create_all_statuses("compact", changed)
        assert [p.status for p in again] == ["duplicate", "updated", "created"]
        assert [p.id for p in again[:2]] == [p.id for p in first[:2]]
        stored = {p.id: p for p in bee.datapoints("compact")}
        assert stored[first[1].id].value == 99 and again[2].id in stored
        with pytest.raises(PartialFailure) as exc:
            bee.create_all_statuses("compact", [{"value": 1}, {"value": "x"}])
        assert exc.value.failures[0]["index"] == 1


def test_create_all_refusal_names_the_bad_items(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "badbulk")
        with pytest.raises(PartialFailure) as exc:
            bee.create_all("badbulk", [{"value": 1}, {"comment": "no value"}, {"value": "x"}])
        assert exc.value.status == 422 and len(exc.value.failures) == 2
        assert exc.value.failures[0]["index"] == 1 and "item 1: value" in str(exc.value)
        assert len(bee.datapoints("badbulk")) == 1  # all or nothing: only the initial point
        with pytest.raises(ValidationError):
            bee.create_datapoint("badbulk", float("nan"))


def test_async_datapoints(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        new_goal(bee, "async")

    async def run() -> None:
        async with AsyncClient(server.url, token=alice.token) as bee:
            made = await asyncio.gather(*(bee.create_datapoint("async", i, requestid=f"a{i}") for i in range(8)))
            assert sorted(p.value for p in made) == list(range(8))
            await bee.update_datapoint("async", made[0].id, comment="edited")
            await bee.delete_datapoint("async", made[1].id)
            seen = [p async for p in bee.iter_datapoints("async", per=3)]
            assert len(seen) == 8 and any(p.comment == "edited" for p in seen)
            batch = await bee.create_all("async", [NewDatapoint(value=1), NewDatapoint(value=2)])
            assert len(batch) == 2

    asyncio.run(run())
