"""/api/v1/charges: the caller charging themselves."""

from __future__ import annotations

from typing import Any

from brickroad.api.endpoint import ApiRequest
from brickroad.services import charges as charge_service
from brickroad.store.ids import public_id


def create_charge(req: ApiRequest) -> dict[str, Any]:
    dryrun = "dryrun" in req.params and str(req.params["dryrun"]).lower() not in ("false", "0")
    charge = charge_service.create(req.ctx, req.user, req.params, dryrun=dryrun)
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
