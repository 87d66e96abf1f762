"""Delivering outbox rows: claim a batch, deliver each in parallel, record the outcome.

A row is delivered at least once: it is claimed with a lease (its due_at moves
to now + lease and an attempt is counted), delivered, then marked delivered,
rescheduled with exponential backoff and jitter, or dead after max_attempts.
A worker that dies mid-delivery records nothing; the lease runs out and the
row is claimed again. Outcomes are only written by the worker still holding
the row, so a slow worker whose lease was taken over can't clobber it.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import orjson
from sqlalchemy import RowMapping

from brickroad.jobs import deliver_http, deliver_mail
from brickroad.jobs.config import JobSettings
from brickroad.services import outbox as kinds
from brickroad.services import signing
from brickroad.services.context import Context
from brickroad.services.outbox import enqueue  # noqa: F401  (the write side, re-exported for callers)
from brickroad.store import outbox as rows

log = logging.getLogger("brickroad.outbox")


class Failure(Exception):
    """A delivery that didn't succeed; `permanent` skips the remaining attempts."""

    def __init__(self, message: str, status: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.status, self.permanent = status, permanent


# kind -> handler(ctx, js, row, payload); returns the HTTP status (or None), raises Failure.
Handler = Callable[[Context, JobSettings, RowMapping, Any], int | None]
_extra_handlers: dict[str, Handler] = {}


def register_handler(kind: str, handler: Handler) -> None:
    """Let another package consume a kind (brickroad.graph registers "graph" renders)."""
    _extra_handlers[kind] = handler


def backoff(attempts: int, js: JobSettings, rng: random.Random = random.Random()) -> int:
    """Seconds before the next attempt: doubling from backoff_base, capped, with +-50% jitter."""
    delay = min(js.backoff_cap, js.backoff_base * 2 ** max(0, attempts - 1))
    return max(1, int(delay * rng.uniform(0.5, 1.5)))


def _http(ctx: Context, js: JobSettings, row: RowMapping, payload: Any, client: httpx.Client | None) -> int | None:
    try:
        secret = signing.delivery_secret(ctx, row)  # one the receiver holds (services/signing.py)
    except signing.ReceiverGone as exc:
        raise Failure(str(exc), permanent=True) from None
    if row["kind"] == kinds.WEBHOOK:
        result = deliver_http.post(row["url"], js=js, secret=secret, delivery_id=row["idempotency_key"],
                                   json_body=orjson.dumps(payload), client=client)
    else:  # autofetch / deauthorize: Beeminder sends plain form parameters
        form = {str(k): str(v) for k, v in payload.items()}
        result = deliver_http.post(row["url"], js=js, secret=secret, delivery_id=row["idempotency_key"],
                                   form=form, client=client)
    if not result.ok:
        raise Failure(result.error or "failed", result.status, result.permanent)
    return result.status


def _email(ctx: Context, js: JobSettings, row: RowMapping, payload: Any) -> int | None:
    try:
        deliver_mail.send(payload["to"], payload["subject"], payload["body"], js, row["idempotency_key"])
    except (OSError, deliver_mail.smtplib.SMTPException) as exc:
        permanent = isinstance(exc, deliver_mail.smtplib.SMTPRecipientsRefused)
        raise Failure(f"{type(exc).__name__}: {exc}"[:500], permanent=permanent) from None
    return None


def handled_kinds(js: JobSettings) -> list[str]:
    """Kinds this worker can deliver; mail waits for a worker with SMTP configured."""
    out = list(kinds.HTTP_KINDS)
    if js.smtp_host:
        out.append(kinds.EMAIL)
    out.extend(k for k in _extra_handlers if k not in out)
    return out


def deliver_batch(ctx: Context, js: JobSettings, limit: int | None = None, parallel: int = 8) -> int:
    """Claim and deliver one batch of due rows; returns how many were claimed."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        claimed = rows.claim_rows(conn, handled_kinds(js), now, js.lease, limit or js.batch, js.worker_id)
    if not claimed:
        return 0
    with _client_for(js, claimed) as client:
        if len(claimed) == 1 or parallel <= 1:
            for row in claimed:
                deliver_one(ctx, js, row, client)
        else:
            # One slow or hanging endpoint must not hold up the rest of the batch.
            with ThreadPoolExecutor(max_workers=min(parallel, len(claimed))) as pool:
                list(pool.map(lambda r: deliver_one(ctx, js, r, client), claimed))
    return len(claimed)


def _client_for(js: JobSettings, claimed: Sequence[RowMapping]) -> contextlib.AbstractContextManager[httpx.Client | None]:
    """An HTTP client only for batches with HTTP deliveries (its TLS context costs milliseconds to
    build, and most rounds of a busy server are graph renders)."""
    if not any(row["kind"] in kinds.HTTP_KINDS for row in claimed):
        return contextlib.nullcontext()
    return httpx.Client(timeout=js.http_timeout, follow_redirects=False, trust_env=False)


def deliver_one(ctx: Context, js: JobSettings, row: RowMapping, client: httpx.Client | None) -> str:
    """Deliver a claimed row and record the outcome; returns the row's new state."""
    payload = orjson.loads(row["payload"])
    status: int | None = None
    error: str | None = None
    permanent = False
    try:
        kind = row["kind"]
        if kind in kinds.HTTP_KINDS:
            status = _http(ctx, js, row, payload, client)
        elif kind == kinds.EMAIL:
            status = _email(ctx, js, row, payload)
        elif kind in _extra_handlers:
            status = _extra_handlers[kind](ctx, js, row, payload)
        else:
            raise Failure(f"no handler for kind {kind!r}")
    except Failure as exc:
        error, status, permanent = str(exc), exc.status, exc.permanent
    except Exception as exc:  # a bug in a handler: keep the row, record why, retry later
        log.exception("outbox row %s crashed its handler", row["id"])
        error = f"{type(exc).__name__}: {exc}"[:500]
    now = ctx.clock.now()
    if error is None:
        state, values = rows.DELIVERED, dict(state=rows.DELIVERED, delivered_at=now, last_status=status,
                                            last_error=None, updated_at=now)
    elif permanent or row["attempts"] >= js.max_attempts:
        state, values = rows.DEAD, dict(state=rows.DEAD, last_status=status, last_error=error, updated_at=now)
    else:
        state, values = rows.PENDING, dict(due_at=now + backoff(row["attempts"], js), last_status=status,
                                          last_error=error, updated_at=now)
    with ctx.db.write() as conn:
        if not rows.finish_row(conn, row["id"], js.worker_id, **values):
            log.info("outbox row %s was taken over by another worker; outcome not recorded", row["id"])
    if state != rows.DELIVERED:
        log.warning("outbox row %s (%s) %s: %s", row["id"], row["kind"], state, error)
    return state


def prune(ctx: Context, js: JobSettings) -> int:
    """Delete delivered rows older than js.keep_delivered and dead ones older than js.keep_dead (seconds)."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        return rows.prune(conn, now - js.keep_delivered, now - js.keep_dead)


def pending_counts(ctx: Context) -> dict[str, int]:
    with ctx.db.read() as conn:
        return rows.counts(conn)


__all__: Sequence[str] = ("deliver_batch", "deliver_one", "register_handler", "backoff", "enqueue", "prune")
