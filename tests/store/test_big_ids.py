"""Datapoints and the outbox have 64-bit ids on both backends (migration 0009): past 2**31 they
are stored, addressed by their public ids and queued like any others."""

from __future__ import annotations

from sqlalchemy import insert, inspect, select

from brickroad.services import accounts, outbox
from brickroad.services import datapoints as point_service
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.store import outbox as outbox_rows
from brickroad.store.ids import public_id
from brickroad.store.tables import datapoints

BIG = 2**40 + 7


def test_the_growing_tables_have_64_bit_keys(ctx: Context) -> None:
    for table in ("datapoints", "outbox"):
        column = next(c for c in inspect(ctx.db.engine).get_columns(table) if c["name"] == "id")
        # SQLite: INTEGER PRIMARY KEY, the 64-bit rowid itself (a BIGINT key would not be one).
        assert str(column["type"]) == ("BIGINT" if ctx.db.dialect == "postgresql" else "INTEGER")


def test_a_datapoint_past_two_to_the_31_is_read_updated_and_deleted(ctx: Context) -> None:
    user = accounts.create_user(ctx, "bigid_user")
    now = ctx.clock.now()
    goal_service.create(ctx, user, {"slug": "big", "goal_type": "hustler", "gunits": "u", "rate": 1,
                                    "runits": "d", "goaldate": now + 100 * 86400})
    first = point_service.create(ctx, user, "big", {"value": 1, "comment": "template"})
    row = {c: getattr(first, c) for c in datapoints.c.keys() if c != "id"}
    with ctx.db.write() as conn:
        conn.execute(insert(datapoints).values(id=BIG, **{**row, "comment": "big one", "requestid": "big"}))
    updated = point_service.update(ctx, user, "big", public_id(BIG), {"value": 5})
    assert (updated.id, updated.value) == (BIG, 5)
    assert point_service.delete(ctx, user, "big", public_id(BIG)).id == BIG
    with ctx.db.read() as conn:
        assert conn.execute(select(datapoints.c.id).where(datapoints.c.id == BIG)).first() is None


def test_an_outbox_row_past_two_to_the_31_is_stored(ctx: Context) -> None:
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        first = outbox.enqueue(conn, outbox.EMAIL, {"to": "a@example.com", "subject": "s", "body": "b"}, now=now)
        assert first is not None
        row = dict(outbox_rows.by_id(conn, first))  # type: ignore[arg-type]
        conn.execute(insert(outbox_rows.outbox).values(**{**row, "id": BIG, "idempotency_key": "big-outbox-row"}))
        assert outbox_rows.by_id(conn, BIG)["idempotency_key"] == "big-outbox-row"  # type: ignore[index]
