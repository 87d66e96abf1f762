"""Tables and queries for the outbox, webhook subscriptions and derailments (migration 0004).

Claims: a row (or goal) is "held" by pushing its due time forward by a lease.
The same column that finds due work through one index is the lease, so a
worker killed mid-delivery leaves a row that becomes due again when the lease
expires: at-least-once, never lost. PostgreSQL picks rows with
FOR UPDATE SKIP LOCKED so concurrent workers never wait on or take each
other's rows; SQLite has one writer at a time (BEGIN IMMEDIATE), and the
UPDATE re-checks the due condition, so a claim is optimistic there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    RowMapping,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from brickroad.store.fastsql import Select, insert_returning_id, scalar
from brickroad.store.tables import BIG_ID, NEVER_REUSED, goals, metadata

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("events", Text, nullable=False),  # JSON list of event names
    Column("secret", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    **NEVER_REUSED,
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BIG_ID, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # pending | delivered | dead
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("goal_id", Integer, ForeignKey("goals.id", ondelete="CASCADE"), nullable=True),
    Column("subscription_id", Integer, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=True),
    Column("event", String(64), nullable=True),
    Column("url", Text, nullable=True),
    Column("payload", Text, nullable=False),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("attempts", Integer, nullable=False),
    Column("due_at", BigInteger, nullable=False),  # next attempt, or lease expiry while claimed
    Column("claimed_by", String(64), nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("delivered_at", BigInteger, nullable=True),
    Column("seq", BigInteger, nullable=True),  # the goal's event sequence number, for goal events
    # The OAuth app an autofetch/deauthorize callback is for: its signing secret signs the POST.
    Column("oauth_client_id", Integer, ForeignKey("oauth_clients.id", ondelete="CASCADE",
                                                  name="fk_outbox_oauth_client"), nullable=True),
    Index("ix_outbox_due", "state", "due_at"),
    Index("ix_outbox_user", "user_id", "id"),
    Index("ix_outbox_goal_seq", "goal_id", "seq"),
    **NEVER_REUSED,
)

derailments = Table(
    "derailments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("goal_id", Integer, ForeignKey("goals.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("losedate", BigInteger, nullable=False),
    Column("cause", String(16), nullable=False),  # deadline | uncle
    Column("charged", Float, nullable=False),
    Column("new_pledge", Float, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    # One derailment per goal and deadline: a redelivered sweep can't charge twice.
    UniqueConstraint("goal_id", "losedate", name="uq_derailments_goal_losedate"),
    **NEVER_REUSED,
)

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


# ------------------------------------------------------------------ outbox rows


def insert_row(conn: Connection, values: dict[str, Any]) -> int:
    return insert_returning_id(conn, outbox, values)  # raw SQL: every datapoint write queues a graph render


def key_exists(conn: Connection, key: str) -> bool:
    # Raw SQL: every datapoint write asks (for its graph render).
    return scalar(conn, "SELECT 1 FROM outbox WHERE idempotency_key = ?", (key,)) is not None


def next_event_seq(conn: Connection, goal_id: int) -> int:
    """The goal's next event sequence number (1, 2, …), taken under the goal row's write lock.

    Writers of one goal take turns on that lock (PostgreSQL) or on the database
    (SQLite), so numbers are given in the order their transactions commit: a
    row with a higher seq never becomes visible before one with a lower seq.
    """
    stmt = update(goals).where(goals.c.id == goal_id).values(event_seq=goals.c.event_seq + 1)
    return int(conn.execute(stmt.returning(goals.c.event_seq)).scalar_one())


def _waits_for_an_earlier_event() -> Any:
    """True for a goal event with an earlier one for the same goal and receiver still pending.

    In-order delivery per (goal, receiver): a receiver is its subscription, or
    for a goal's callback_url (no subscription) the URL. Pending includes rows
    claimed and in flight, and rows waiting for a retry; delivered and dead
    ones no longer hold the rest back.
    """
    earlier = outbox.alias("earlier")
    same_receiver = or_(
        earlier.c.subscription_id == outbox.c.subscription_id,
        and_(earlier.c.subscription_id.is_(None), outbox.c.subscription_id.is_(None), earlier.c.url == outbox.c.url),
    )
    return exists().where(
        earlier.c.goal_id == outbox.c.goal_id, earlier.c.seq < outbox.c.seq, earlier.c.state == PENDING,
        earlier.c.kind == outbox.c.kind, same_receiver,
    )


def claim_rows(
    conn: Connection, kinds: Sequence[str], now: int, lease: int, limit: int, worker: str
) -> list[RowMapping]:
    """Take up to `limit` due pending rows of the given kinds for `lease` seconds; counts an attempt.

    Of a goal's events for one receiver only the earliest pending one can be
    taken, so they go out one at a time in sequence order, retries included.
    """
    pick = (
        select(outbox.c.id)
        .where(outbox.c.state == PENDING, outbox.c.due_at <= now, outbox.c.kind.in_(list(kinds)))
        .where(or_(outbox.c.seq.is_(None), ~_waits_for_an_earlier_event()))
        .order_by(outbox.c.due_at, outbox.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = [r[0] for r in conn.execute(pick)]
    if not ids:
        return []
    stmt = (
        update(outbox)
        .where(outbox.c.id.in_(ids), outbox.c.state == PENDING, outbox.c.due_at <= now)
        .values(due_at=now + lease, attempts=outbox.c.attempts + 1, claimed_by=worker, updated_at=now)
        .returning(*outbox.c)
    )
    return sorted(conn.execute(stmt).mappings(), key=lambda r: (r["due_at"], r["id"]))


def finish_row(conn: Connection, row_id: int, worker: str, **values: Any) -> bool:
    """Record an outcome, but only if this worker still holds the row (its lease wasn't taken over)."""
    stmt = update(outbox).where(outbox.c.id == row_id, outbox.c.claimed_by == worker, outbox.c.state == PENDING)
    return conn.execute(stmt.values(**values)).rowcount == 1


def newer_pending(conn: Connection, kind: str, goal_id: int, row_id: int) -> bool:
    """Whether a later row of this kind for this goal is still to be delivered (claimed rows stay pending)."""
    stmt = select(outbox.c.id).where(
        outbox.c.state == PENDING, outbox.c.kind == kind, outbox.c.goal_id == goal_id, outbox.c.id > row_id
    )
    return conn.execute(stmt.limit(1)).first() is not None


def requeue(conn: Connection, row_id: int, now: int) -> None:
    """Back to pending with no attempts counted (an operator's retry of a dead row)."""
    stmt = update(outbox).where(outbox.c.id == row_id).values(
        state=PENDING, attempts=0, due_at=now, claimed_by=None, updated_at=now)
    conn.execute(stmt)


def by_id(conn: Connection, row_id: int) -> RowMapping | None:
    return conn.execute(select(outbox).where(outbox.c.id == row_id)).mappings().first()


def for_user(
    conn: Connection, user_id: int, state: str | None = None, limit: int = 100, subscription_id: int | None = None
) -> list[RowMapping]:
    # Graph renders are internal housekeeping, not deliveries a user follows.
    stmt = select(outbox).where(outbox.c.user_id == user_id, outbox.c.kind != "graph")
    if state:
        stmt = stmt.where(outbox.c.state == state)
    if subscription_id is not None:
        stmt = stmt.where(outbox.c.subscription_id == subscription_id)
    return list(conn.execute(stmt.order_by(outbox.c.id.desc()).limit(limit)).mappings())


def prune(conn: Connection, delivered_before: int, dead_before: int, limit: int = 5000) -> int:
    """Forget old finished rows (delivered after a week, dead after a month by default), a slice at a time."""
    old = (
        select(outbox.c.id)
        .where(
            ((outbox.c.state == DELIVERED) & (outbox.c.updated_at < delivered_before))
            | ((outbox.c.state == DEAD) & (outbox.c.updated_at < dead_before))
        )
        .limit(limit)
    )
    ids = [r[0] for r in conn.execute(old)]
    if not ids:
        return 0
    return int(conn.execute(delete(outbox).where(outbox.c.id.in_(ids))).rowcount)


def counts(conn: Connection) -> dict[str, int]:
    stmt = select(outbox.c.state, func.count()).group_by(outbox.c.state)
    return {str(s): int(n) for s, n in conn.execute(stmt)}


# ------------------------------------------------------------------ due goals


def claim_goals(conn: Connection, now: int, lease: int, limit: int) -> list[int]:
    """Ids of up to `limit` goals whose next check is due, leased by moving next_check_at to now + lease."""
    pick = (
        select(goals.c.id)
        .where(goals.c.next_check_at <= now)
        .order_by(goals.c.next_check_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = [r[0] for r in conn.execute(pick)]
    if not ids:
        return []
    stmt = (
        update(goals)
        .where(goals.c.id.in_(ids), goals.c.next_check_at <= now)
        .values(next_check_at=now + lease)
        .returning(goals.c.id)
    )
    return sorted(r[0] for r in conn.execute(stmt))


# ------------------------------------------------------------------ subscriptions


def insert_subscription(conn: Connection, values: dict[str, Any]) -> int:
    stmt = insert(webhook_subscriptions).values(**values).returning(webhook_subscriptions.c.id)
    return int(conn.execute(stmt).scalar_one())


_SUBSCRIPTIONS = Select(webhook_subscriptions, "user_id = ?", "ORDER BY id")


def subscriptions_for_user(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    # Raw SQL (fastsql): every datapoint write asks.
    return [dict(zip(_SUBSCRIPTIONS.names, r)) for r in _SUBSCRIPTIONS.rows(conn, (user_id,))]


def delete_subscription(conn: Connection, user_id: int, sub_id: int) -> bool:
    stmt = delete(webhook_subscriptions).where(
        webhook_subscriptions.c.id == sub_id, webhook_subscriptions.c.user_id == user_id
    )
    return conn.execute(stmt).rowcount == 1


def subscription_secret(conn: Connection, sub_id: int) -> str | None:
    stmt = select(webhook_subscriptions.c.secret).where(webhook_subscriptions.c.id == sub_id)
    return conn.execute(stmt).scalar_one_or_none()


# ------------------------------------------------------------------ derailments


def insert_derailment(conn: Connection, values: dict[str, Any]) -> int | None:
    """Record a derailment; None if this (goal, losedate) was already recorded (a replayed sweep)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    stmt = upsert(derailments).values(**values).on_conflict_do_nothing(
        index_elements=["goal_id", "losedate"]).returning(derailments.c.id)
    pk = conn.execute(stmt).scalar_one_or_none()
    return int(pk) if pk is not None else None


def derailment_exists(conn: Connection, goal_id: int, losedate: int) -> bool:
    stmt = select(derailments.c.id).where(derailments.c.goal_id == goal_id, derailments.c.losedate == losedate)
    return conn.execute(stmt).first() is not None


def derailments_for_goal(conn: Connection, goal_id: int) -> list[RowMapping]:
    stmt = select(derailments).where(derailments.c.goal_id == goal_id).order_by(derailments.c.id)
    return list(conn.execute(stmt).mappings())


# ------------------------------------------------------------------ lookups for the sweeper


def goal_by_id(conn: Connection, goal_id: int) -> RowMapping | None:
    """The goal row, locked on PostgreSQL so an API write and the sweeper take turns."""
    stmt = select(goals).where(goals.c.id == goal_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()


def autofetch_target(conn: Connection, datasource: str | None) -> tuple[int, str] | None:
    """A data source named after an OAuth client gets that client's autofetch callback: (client pk, url)."""
    from brickroad.store.tables import oauth_clients

    if not datasource:
        return None
    stmt = select(oauth_clients.c.id, oauth_clients.c.autofetch_url).where(oauth_clients.c.name == datasource)
    row = conn.execute(stmt).first()
    return (int(row[0]), str(row[1])) if row is not None and row[1] else None
