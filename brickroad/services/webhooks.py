"""Event subscriptions (beyond Beeminder): a user's URLs that receive signed event POSTs.

`emit` fans an event out to the owner's matching subscriptions as outbox rows,
in the caller's transaction, so an event is delivered iff its cause committed.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import Connection

from brickroad.errors import Invalid, NotFound
from brickroad.services import outbound, outbox
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store import outbox as rows

EVENTS = (
    "datapoint.created",
    "datapoint.updated",
    "datapoint.deleted",
    "goal.derailed",
    "goal.won",
    "pledge.changed",
)
MAX_SUBSCRIPTIONS = 20


@dataclass(frozen=True)
class Subscription:
    id: int
    url: str
    events: list[str]
    secret: str
    created_at: int


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    event: str | None
    url: str | None
    state: str
    attempts: int
    last_status: int | None
    last_error: str | None
    idempotency_key: str
    created_at: int
    due_at: int
    delivered_at: int | None
    subscription_id: int | None
    seq: int | None  # the goal event's sequence number (None for other deliveries)


def _subscription(r: Any) -> Subscription:
    return Subscription(r["id"], r["url"], orjson.loads(r["events"]), r["secret"], r["created_at"])


def _delivery(r: Any) -> Delivery:
    return Delivery(
        r["id"], r["kind"], r["event"], r["url"], r["state"], r["attempts"], r["last_status"], r["last_error"],
        r["idempotency_key"], r["created_at"], r["due_at"], r["delivered_at"], r["subscription_id"], r["seq"],
    )


def check_url(ctx: Context, url: str, field: str = "url") -> str:
    """An http(s) URL we would deliver to: refused now rather than dead later (services/outbound.py)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(field, "must be an absolute http(s) URL")
    if len(url) > 2000:
        raise Invalid(field, "is too long (maximum is 2000 characters)")
    outbound.check_target(url, field, ctx.settings.outbound)
    return url


def parse_events(value: Any) -> list[str]:
    if value is None or value == "":
        return list(EVENTS)
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise Invalid("events", "must be a list of event names")
    unknown = [v for v in value if v not in EVENTS and v != "*"]
    if unknown:
        raise Invalid("events", f"unknown event(s) {', '.join(unknown)}; known: {', '.join(EVENTS)}")
    return list(EVENTS) if "*" in value else list(dict.fromkeys(value))


def subscribe(ctx: Context, user: User, url: str, events: Any = None) -> Subscription:
    url = check_url(ctx, str(url or ""))
    names = parse_events(events)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        if len(rows.subscriptions_for_user(conn, user.pk)) >= MAX_SUBSCRIPTIONS:
            raise Invalid("url", f"at most {MAX_SUBSCRIPTIONS} webhook subscriptions per user")
        secret = secrets.token_hex(24)
        pk = rows.insert_subscription(
            conn, dict(user_id=user.pk, url=url, events=orjson.dumps(names).decode(), secret=secret, created_at=now)
        )
    return Subscription(pk, url, names, secret, now)


def subscriptions(ctx: Context, user: User) -> list[Subscription]:
    with ctx.db.read() as conn:
        return [_subscription(r) for r in rows.subscriptions_for_user(conn, user.pk)]


def unsubscribe(ctx: Context, user: User, sub_id: int) -> None:
    with ctx.db.write() as conn:
        if not rows.delete_subscription(conn, user.pk, sub_id):
            raise NotFound()


def deliveries(ctx: Context, user: User, state: str | None = None, limit: int = 100) -> list[Delivery]:
    """The user's recent outbox rows (webhooks, callbacks, mail), newest first; dead ones included."""
    if state is not None and state not in (rows.PENDING, rows.DELIVERED, rows.DEAD):
        raise Invalid("state", "must be pending, delivered or dead")
    with ctx.db.read() as conn:
        return [_delivery(r) for r in rows.for_user(conn, user.pk, state=state, limit=limit)]


def emit(
    conn: Connection, user: User, event: str, data: dict[str, Any], now: int, goal_id: int | None = None,
    subs: list[Any] | None = None,
) -> int:
    """Queue `event` for each of the user's subscriptions that wants it; returns how many.

    A goal's event takes the goal's next sequence number (`seq` in the body),
    the same for every receiver, and only when someone receives it, so a
    datapoint write for a user without subscriptions costs no extra update.
    """
    assert event in EVENTS, event
    wanted = [r for r in (rows.subscriptions_for_user(conn, user.pk) if subs is None else subs)
              if event in orjson.loads(r["events"])]
    seq = rows.next_event_seq(conn, goal_id) if wanted and goal_id is not None else None
    for r in wanted:
        key = uuid.uuid4().hex  # also in the body, so receivers can dedupe redeliveries
        body = {"id": key, "event": event, "created_at": now, "username": user.username, "data": data}
        outbox.enqueue(
            conn, outbox.WEBHOOK, body, now=now, url=r["url"], user_id=user.pk, goal_id=goal_id,
            subscription_id=r["id"], event=event, key=key, seq=seq,
        )
    return len(wanted)


def pledge_changed(conn: Connection, user: User, goal: Any, before: float, reason: str, now: int) -> None:
    """Hook for the pledge ladder (shortcircuit, stepdown, derailment)."""
    from brickroad.store.ids import public_id

    if float(before) != float(goal.pledge):
        emit(conn, user, "pledge.changed", {"goal": goal.slug, "goal_id": public_id(goal.id), "from": float(before),
                                            "to": float(goal.pledge), "reason": reason}, now, goal_id=goal.id)


def _point_data(goal: Any, p: Any) -> dict[str, Any]:
    from brickroad.store.ids import public_id

    return {"goal": goal.slug, "goal_id": public_id(goal.id), "id": public_id(p.id), "timestamp": p.timestamp,
            "daystamp": p.daystamp, "value": p.value, "comment": p.comment, "requestid": p.requestid,
            "updated_at": p.updated_at}


def datapoint_written(
    conn: Connection, user: User, goal: Any, points: list[Any], now: int,
    action: str | None = None, sendmail: Any = None,
) -> None:
    """Hook for datapoint writes: datapoint.* events, and the `sendmail=true` confirmation mail.

    `action` is "updated"/"deleted" for those calls; for creates each point's
    status says (created/updated by requestid upsert; duplicates are skipped).
    """
    subs = rows.subscriptions_for_user(conn, user.pk)  # once per write, not once per point
    for p in points if subs else ():
        kind = action or p.status
        if kind in ("created", "updated", "deleted"):
            emit(conn, user, f"datapoint.{kind}", _point_data(goal, p), now, goal_id=goal.id, subs=subs)
    wants_mail = str(sendmail).strip().lower() in ("true", "1", "yes", "on") or sendmail is True
    if wants_mail and user.email and any(p.status != "duplicate" for p in points):
        from brickroad.store import goals as goal_rows

        fresh = goal_rows.by_slug(conn, user.pk, goal.slug)
        stats = orjson.loads(fresh["stats"]) if fresh is not None and fresh["stats"] else {}
        lines = [f"{p.daystamp} {p.value:g} {p.comment}".rstrip() for p in points]
        body = (f"Datapoint(s) added to {goal.slug}:\n" + "\n".join(lines) +
                f"\n\nStatus: {stats.get('limsum') or stats.get('safesum') or 'updated'}\n")
        outbox.enqueue_email(conn, user.email, f"{goal.slug}: datapoint added", body, now=now,
                             user_id=user.pk, goal_id=goal.id)


def retry_delivery(ctx: Context, user: User, delivery_id: int) -> Delivery:
    """Give a dead (or waiting) delivery of the user's a fresh set of attempts, due now."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        r = rows.by_id(conn, delivery_id)
        if r is None or r["user_id"] != user.pk:
            raise NotFound()
        if r["state"] == rows.DELIVERED:
            raise Invalid("state", "is delivered already")
        rows.requeue(conn, delivery_id, now)
        return _delivery(rows.by_id(conn, delivery_id))
