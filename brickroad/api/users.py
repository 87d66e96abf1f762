"""/api/v1/users/{u}: the user resource."""

from __future__ import annotations

from typing import Any

from brickroad.api.endpoint import ApiRequest
from brickroad.api.params import as_int
from brickroad.services import accounts
from brickroad.services.models import User
from brickroad.store.ids import public_id


def user_json(user: User, goals: list[Any]) -> dict[str, Any]:
    # Key order follows the real service's (REFERENCE.md §4.1).
    return {
        "username": user.username,
        "timezone": user.timezone,
        "goals": goals,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "urgency_load": 0,
        "deadbeat": user.deadbeat,
        "has_authorized_fitbit": False,
        "default_leadtime": user.default_leadtime,
        "default_alertstart": user.default_alertstart,
        "default_deadline": user.default_deadline,
        "subscription": None,
        "subs_downto": None,
        "subs_freq": None,
        "subs_lifetime": None,
        "remaining_subs_credit": 0,
        "id": public_id(user.pk),
    }


def get_user(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path.get("username", "me"))
    return user_json(user, [])


def update_user(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path.get("username", "me"))
    p = req.params
    ints = {
        k: as_int(p[k], k) for k in ("default_leadtime", "default_alertstart", "default_deadline") if k in p
    }
    tz = p.get("timezone")
    user = accounts.update_settings(req.ctx, user, timezone=str(tz) if tz is not None else None, **ints)
    return user_json(user, [])
