"""Goal events carry a per-goal sequence number and reach each receiver in that order, even when
several fall due in the same second and an earlier one needs retries (it holds the later ones back
until it is delivered or dead)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson

from brickroad.jobs import outbox as delivery
from brickroad.jobs.config import JobSettings
from brickroad.jobs.sweeper import sweep_all
from brickroad.services import datapoints, goals, pledges, webhooks
from brickroad.services.context import Context
from tests.jobs.kit import Receiver, answers, make_goal
from tests.jobs.test_derailment import local


def deliver_until_quiet(ctx: Context, js: JobSettings, rounds: int = 40) -> None:
    """Deliver rounds, moving the clock past any backoff, until nothing is pending."""
    for _ in range(rounds):
        if delivery.deliver_batch(ctx, js) == 0:
            if not delivery.pending_counts(ctx).get("pending"):
                return
            ctx.clock.advance(js.backoff_cap * 2)  # type: ignore[attr-defined]


def bodies(receiver: Receiver, path: str) -> list[dict[str, Any]]:
    return [orjson.loads(r.body) for r in receiver.to(path)]


def test_pledge_changes_of_one_second_arrive_in_order_with_increasing_seq(ctx, clock, make_user, js, receiver):
    alice = make_user()
    webhooks.subscribe(ctx, alice.user, receiver.url + "/pledges", ["pledge.changed"])
    make_goal(ctx, alice.user, "ladder")
    for _ in range(3):  # 0 -> 5 -> 10 -> 30, all in the same second
        pledges.shortcircuit(ctx, alice.user, "ladder")
    deliver_until_quiet(ctx, replace(js, batch=50))
    got = bodies(receiver, "/pledges")
    assert [(b["data"]["from"], b["data"]["to"]) for b in got] == [(0, 5), (5, 10), (10, 30)]
    assert [b["seq"] for b in got] == [1, 2, 3]


def test_a_failing_earlier_event_holds_back_the_later_ones_until_it_is_delivered(ctx, clock, make_user, js, receiver):
    alice = make_user()
    receiver.scripts["/flaky"] = answers(500, 500, 200)  # the first event needs two retries
    webhooks.subscribe(ctx, alice.user, receiver.url + "/flaky", ["datapoint.created"])
    make_goal(ctx, alice.user, "ordered")
    for value in (1, 2, 3):
        datapoints.create(ctx, alice.user, "ordered", {"value": value})
    delivery.deliver_batch(ctx, js)
    assert len(receiver.to("/flaky")) == 1  # only the first event went out; the others wait behind it
    deliver_until_quiet(ctx, js)
    got = bodies(receiver, "/flaky")
    assert [b["data"]["value"] for b in got] == [1, 1, 1, 2, 3]  # the retries, then the rest in order
    assert [b["seq"] for b in got] == [1, 1, 1, 2, 3]


def test_a_dead_event_releases_the_later_ones_and_leaves_a_gap_in_seq(ctx, clock, make_user, js, receiver):
    alice = make_user()
    receiver.scripts["/gone"] = answers(410, 200)  # 410: dead at once
    webhooks.subscribe(ctx, alice.user, receiver.url + "/gone", ["datapoint.created"])
    make_goal(ctx, alice.user, "gap")
    for value in (1, 2):
        datapoints.create(ctx, alice.user, "gap", {"value": value})
    deliver_until_quiet(ctx, js)
    assert [b["seq"] for b in bodies(receiver, "/gone")] == [1, 2]
    assert [d.state for d in webhooks.deliveries(ctx, alice.user) if d.event == "datapoint.created"] == [
        "delivered", "dead"]  # newest first


def test_receivers_and_goals_do_not_wait_for_each_other(ctx, clock, make_user, js, receiver):
    alice = make_user()
    receiver.scripts["/stuck"] = answers(500)
    webhooks.subscribe(ctx, alice.user, receiver.url + "/stuck", ["datapoint.created"])
    webhooks.subscribe(ctx, alice.user, receiver.url + "/fine", ["datapoint.created"])
    make_goal(ctx, alice.user, "one")
    make_goal(ctx, alice.user, "two")
    for slug in ("one", "two", "one"):
        datapoints.create(ctx, alice.user, slug, {"value": 1})
    delivery.deliver_batch(ctx, js)
    # /stuck got each goal's first event only; /fine got all three (its own chain is healthy).
    assert sorted(b["data"]["goal"] for b in bodies(receiver, "/stuck")) == ["one", "two"]
    delivery.deliver_batch(ctx, js)
    fine = bodies(receiver, "/fine")
    assert [(b["data"]["goal"], b["seq"]) for b in fine if b["data"]["goal"] == "one"] == [("one", 1), ("one", 2)]
    assert [(b["data"]["goal"], b["seq"]) for b in fine if b["data"]["goal"] == "two"] == [("two", 1)]


def test_one_event_to_several_receivers_shares_its_seq(ctx, clock, make_user, js, receiver):
    alice = make_user()
    for path in ("/a", "/b"):
        webhooks.subscribe(ctx, alice.user, receiver.url + path, ["datapoint.created"])
    make_goal(ctx, alice.user, "shared")
    datapoints.create(ctx, alice.user, "shared", {"value": 1})
    datapoints.create(ctx, alice.user, "shared", {"value": 2})
    deliver_until_quiet(ctx, js)
    assert [b["seq"] for b in bodies(receiver, "/a")] == [b["seq"] for b in bodies(receiver, "/b")] == [1, 2]


def test_a_reminder_to_the_goal_callback_url_takes_its_number_in_the_goal_sequence(ctx, clock, make_user, js,
                                                                                  receiver):
    alice = make_user()
    webhooks.subscribe(ctx, alice.user, receiver.url + "/events", ["datapoint.created"])
    make_goal(ctx, alice.user, "remind")
    goals.update(ctx, alice.user, "remind", {"callback_url": receiver.url + "/reminder"})
    datapoints.create(ctx, alice.user, "remind", {"value": 0})  # seq 1; the goal stays due tomorrow
    clock.set(local("America/New_York", 2026, 11, 24, 9, 30))  # the derail day's reminder
    sweep_all(ctx, js)  # seq 2
    datapoints.create(ctx, alice.user, "remind", {"value": 0})  # seq 3
    deliver_until_quiet(ctx, js)
    [reminder] = bodies(receiver, "/reminder")
    assert reminder["goal"]["slug"] == "remind" and reminder["seq"] == 2
    assert [b["seq"] for b in bodies(receiver, "/events")] == [1, 3]
