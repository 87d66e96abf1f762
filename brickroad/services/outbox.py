"""Writing side effects as outbox rows, in the caller's transaction.

A change and the side effects it causes commit together or not at all; the
workers in brickroad.jobs deliver the rows afterwards, at least once. Kinds:

- "webhook":     POST JSON `payload` to `url` (a goal's callback_url reminder, or a
                 user's event subscription), signed with X-Brickroad-Signature. Goal events
                 carry the goal's event sequence number as `seq` (in the body and the row)
                 and go out in that order per receiver (brickroad.store.outbox.claim_rows).
- "autofetch":   POST form params username, slug to an OAuth client's autofetch URL.
- "deauthorize": POST form param access_token to an OAuth client's deauthorize URL.
                 Both signed with the app's signing secret (`oauth_client_id` names the app);
                 brickroad.services.signing says which secret signs what.
- "email":       payload {"to", "subject", "body"} via SMTP.
- "graph":       payload {"goal_id"}: re-render a goal's graph (consumed by brickroad.graph).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import orjson
from sqlalchemy import Connection

from brickroad.store import outbox as rows

WEBHOOK = "webhook"
AUTOFETCH = "autofetch"
DEAUTHORIZE = "deauthorize"
EMAIL = "email"
GRAPH = "graph"
KINDS = (WEBHOOK, AUTOFETCH, DEAUTHORIZE, EMAIL, GRAPH)
HTTP_KINDS = (WEBHOOK, AUTOFETCH, DEAUTHORIZE)


def enqueue(
    conn: Connection,
    kind: str,
    payload: dict[str, Any],
    *,
    now: int,
    url: str | None = None,
    user_id: int | None = None,
    goal_id: int | None = None,
    subscription_id: int | None = None,
    oauth_client_id: int | None = None,
    event: str | None = None,
    key: str | None = None,
    delay: int = 0,
    seq: int | Literal["next"] | None = None,
) -> int | None:
    """Add one side effect to the outbox; returns its id, or None if `key` was already enqueued.

    `key` is the idempotency id the receiver sees (X-Brickroad-Delivery); give a
    deterministic one (e.g. "reminder:<goal>:<day>") when the cause itself might
    be replayed, so the effect is written once. `seq` marks a goal event: a number
    the caller took (one event fanned out to several receivers shares it), or
    "next" to take the goal's next one once the key proves new (no gap on a replay).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    if kind in HTTP_KINDS and not url:
        raise ValueError(f"outbox kind {kind!r} needs a url")
    if kind in (AUTOFETCH, DEAUTHORIZE) and oauth_client_id is None:
        raise ValueError(f"outbox kind {kind!r} needs the app it calls back (its secret signs the call)")
    key = key or uuid.uuid4().hex
    if rows.key_exists(conn, key):
        return None
    if seq is not None:
        if goal_id is None:
            raise ValueError("a sequenced event needs its goal")
        seq = rows.next_event_seq(conn, goal_id) if seq == "next" else seq
        payload = {**payload, "seq": seq}
    return rows.insert_row(
        conn,
        dict(
            kind=kind, state=rows.PENDING, user_id=user_id, goal_id=goal_id, subscription_id=subscription_id,
            oauth_client_id=oauth_client_id,
            event=event, url=url, payload=orjson.dumps(payload).decode(), idempotency_key=key[:64],
            attempts=0, due_at=now + delay, claimed_by=None, last_status=None, last_error=None,
            created_at=now, updated_at=now, delivered_at=None, seq=seq,
        ),
    )


# Seconds a render request waits. A burst of writes (an import sends a batch every
# fraction of a second) then leaves a newer request behind each older one, and the
# older ones are dropped (brickroad.jobs.graph_render) instead of each drawing a
# picture the next batch makes stale, on the CPU the writes need. It also lets
# every write stamped with the request's second land before the render reads.
GRAPH_SETTLE = 2


def enqueue_graph(conn: Connection, goal_id: int, user_id: int, now: int) -> int | None:
    """Ask for a graph re-render; one pending request per goal and second is enough."""
    return enqueue(conn, GRAPH, {"goal_id": goal_id}, now=now, user_id=user_id, goal_id=goal_id,
                   key=f"graph:{goal_id}:{now}", delay=GRAPH_SETTLE)


def enqueue_email(conn: Connection, to: str, subject: str, body: str, *, now: int,
                  user_id: int | None = None, goal_id: int | None = None, key: str | None = None) -> int | None:
    return enqueue(conn, EMAIL, {"to": to, "subject": subject, "body": body}, now=now,
                   user_id=user_id, goal_id=goal_id, key=key)


def enqueue_deauthorize(conn: Connection, client_pk: int, url: str, access_token: str, *, now: int,
                        user_id: int | None = None, key: str | None = None) -> int | None:
    """For the OAuth flow: tell a client that a user removed it (Beeminder's deauthorize callback)."""
    return enqueue(conn, DEAUTHORIZE, {"access_token": access_token}, now=now, url=url, user_id=user_id,
                   oauth_client_id=client_pk, key=key)


def request_autofetch(conn: Connection, user: Any, goal: Any, now: int, key: str | None = None) -> int | None:
    """If the goal's data source is an OAuth client with an autofetch URL, ask it for fresh data
    (refresh button, before reminders, before derailing)."""
    target = rows.autofetch_target(conn, goal.datasource)
    if target is None:
        return None
    client_pk, url = target
    return enqueue(conn, AUTOFETCH, {"username": user.username, "slug": goal.slug}, now=now, url=url,
                   user_id=user.pk, goal_id=goal.id, oauth_client_id=client_pk, key=key)
