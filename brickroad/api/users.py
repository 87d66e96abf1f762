"""/api/v1/users/{u}: the user resource, with its goals as slugs or (associations, diff_since) objects."""

from __future__ import annotations

from typing import Any

from brickroad.api import auth
from brickroad.api.endpoint import ApiRequest
from brickroad.api.params import as_int, get_bool
from brickroad.errors import Forbidden, Invalid
from brickroad.services.beeminder_json import goal_json
from brickroad.services import accounts
from brickroad.services import current
from brickroad.services.models import User
from brickroad.store.ids import public_id

PERSONAL_TOKEN_ONLY = "redirect_to_url logs you into the website: it takes your personal auth_token, not an access_token."


def user_json(user: User, goals: list[Any], urgency_load: int = 0) -> dict[str, Any]:
    # Key order follows the real service's (REFERENCE.md §4.1).
    return {
        "username": user.username,
        "timezone": user.timezone,
        "goals": goals,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "urgency_load": urgency_load,
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


def get_user(req: ApiRequest) -> Any:  # a dict, or the redirect response
    user = req.owner(req.path.get("username", "me"))
    p = req.params
    if "redirect_to_url" in p:
        # REFERENCE §4.2: log the token's owner into the website, then 302 (same site only).
        # Only the personal token may: a session can do what no OAuth app may (see the token, set a password).
        if not auth.is_personal_token(req.ctx, req.credential, user):
            raise Forbidden(PERSONAL_TOKEN_ONLY)
        from brickroad.web.auth import token_login

        return token_login(req.ctx, user, str(p["redirect_to_url"]), req.headers.get("host"))
    diff_since = as_int(p["diff_since"], "diff_since") if "diff_since" in p else None
    count = as_int(p["datapoints_count"], "datapoints_count") if "datapoints_count" in p else None
    if count is not None and count < 0:
        raise Invalid("datapoints_count", "must not be negative")
    burner = p.get("goals_filter")
    if burner is not None and burner not in ("all", "frontburner", "backburner"):
        raise Invalid("goals_filter", "must be all, frontburner or backburner")
    # skinny only means something with diff_since, as documented.
    skinny = diff_since is not None and get_bool(p, "skinny")
    result = current.user_goals(
        req.ctx, user, associations=get_bool(p, "associations"), diff_since=diff_since,
        datapoints_count=count, burner=burner, skinny=skinny,
    )
    goals: list[Any] = list(result.slugs)
    if result.views is not None:
        now, base, emaciated = req.ctx.clock.now(), req.ctx.settings.base_url, get_bool(p, "emaciated")
        goals = [goal_json(v, user, base, now, emaciated=emaciated, skinny=skinny) for v in result.views]
    out = user_json(user, goals, result.urgency_load)
    if result.deleted is not None:
        out["deleted_goals"] = result.deleted
    return out


def update_user(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path.get("username", "me"))
    p = req.params
    ints = {
        k: as_int(p[k], k) for k in ("default_leadtime", "default_alertstart", "default_deadline") if k in p
    }
    tz = p.get("timezone")
    user = accounts.update_settings(req.ctx, user, timezone=str(tz) if tz is not None else None, **ints)
    return user_json(user, [])
