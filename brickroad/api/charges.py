"""/api/v1/charges: the caller charging themselves, and (ours) the list of what a user paid."""

from __future__ import annotations

from typing import Any

from brickroad.api.endpoint import ApiRequest
from brickroad.api.params import as_int
from brickroad.errors import Invalid
from brickroad.services import charges as charge_service
from brickroad.services.goal_models import Charge
from brickroad.store.ids import public_id

MAX_PER = 500
MAX_OFFSET = 2**53


def _charge_json(charge: Charge) -> dict[str, Any]:
    # The shape recorded from the real service (REFERENCE §8): alphabetical keys,
    # id as a {"$oid": …} object, status null. A dry run has no id.
    amount: float | int = int(charge.amount) if float(charge.amount).is_integer() else charge.amount
    return {
        "amount": amount,
        "id": {"$oid": public_id(charge.id)} if charge.id else None,
        "note": charge.note,
        "status": None,
        "username": charge.username,
    }


def create_charge(req: ApiRequest) -> dict[str, Any]:
    dryrun = "dryrun" in req.params and str(req.params["dryrun"]).lower() not in ("false", "0")
    return _charge_json(charge_service.create(req.ctx, req.user, req.params, dryrun=dryrun))


def list_charges(req: ApiRequest) -> list[dict[str, Any]]:
    """Newest first: the Charge object plus when, why (`kind`) and for which goal (`slug`, or null)."""
    user = req.owner(req.path["username"])
    slug = req.params.get("slug")
    limit, offset = _window(req)
    found = charge_service.ledger(req.ctx, user, str(slug) if slug else None, limit, offset)
    return [{**_charge_json(c), "created_at": c.created_at, "kind": c.kind, "slug": c.slug} for c in found]


def _window(req: ApiRequest) -> tuple[int | None, int]:
    """`count` (the newest N), or `page`/`per` (25 a page), or everything."""
    count, page, per = (_at_least(req, key, low) for key, low in (("count", 0), ("page", 1), ("per", 1)))
    if page is not None or per is not None:
        size = min(per or 25, MAX_PER)
        offset = ((page or 1) - 1) * size
        if offset > MAX_OFFSET:  # past any ledger, and past what the database's OFFSET takes
            raise Invalid("page", "is out of range")
        return size, offset
    return count, 0


def _at_least(req: ApiRequest, key: str, minimum: int) -> int | None:
    if req.params.get(key) is None:
        return None
    n = as_int(req.params[key], key)
    if n < minimum:
        raise Invalid(key, f"must be at least {minimum}")
    return n
