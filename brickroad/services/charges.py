"""POST /charges: a user charging themselves, recorded in the ledger."""

from __future__ import annotations

from typing import Any

from brickroad.errors import Forbidden, Invalid
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.services.goal_models import Charge
from brickroad.services.models import User
from brickroad.store import charges as charge_rows

MAX_AMOUNT = 10000.0
MAX_NOTE = 1000
RECENT = 100  # charges the web pages list (the API pages through all of them)


def create(ctx: Context, user: User, p: dict[str, Any], dryrun: bool = False) -> Charge:
    uid = p.get("user_id")
    if uid is not None and str(uid).lower() not in (user.username.lower(), "me"):
        raise Forbidden("You can only charge yourself: user_id must be the token's owner.")
    if p.get("amount") is None:
        raise Invalid("amount", "can't be blank")
    amount = goal_service.number(p["amount"], "amount")
    assert amount is not None
    if amount < 1:
        raise Invalid("amount", "must be at least 1.00")
    if amount > MAX_AMOUNT:
        raise Invalid("amount", f"must be at most {MAX_AMOUNT:g}")
    note = goal_service.text_param(p["note"], "note", MAX_NOTE) if p.get("note") is not None else None
    now = ctx.clock.now()
    if dryrun:
        return Charge(0, user.pk, user.username, amount, note, "manual", now)
    with ctx.db.write() as conn:
        pk = charge_rows.insert_charge(conn, user.pk, amount, note, "manual", now)
    return Charge(pk, user.pk, user.username, amount, note, "manual", now)


def ledger(
    ctx: Context, user: User, slug: str | None = None, limit: int | None = None, offset: int = 0
) -> list[Charge]:
    """What the user paid and why, newest first; `slug` keeps one goal's charges (404 for no such goal)."""
    with ctx.db.read() as conn:
        goal_id = goal_service.load(conn, user, slug).id if slug is not None else None
        rows = charge_rows.for_user(conn, user.pk, goal_id, limit, offset)
    return [Charge(r["id"], r["user_id"], user.username, r["amount"], r["note"], r["kind"], r["created_at"], r["slug"])
            for r in rows]
