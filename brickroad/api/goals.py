"""/api/v1/users/{u}/goals…: goal resource and goal actions. Thin: parse, call a service, serialise."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from brickroad.api.endpoint import ApiRequest, writes
from brickroad.api.params import as_int, get_bool
from brickroad.api.responses import encoded_json
from brickroad.services.beeminder_json import goal_json, todayta
from brickroad.errors import Invalid
from brickroad.services import current
from brickroad.services import goals as goal_service
from brickroad.services import pledges
from brickroad.services.goals import GoalView
from brickroad.services.memo import Memo


def _out(req: ApiRequest, view: GoalView, emaciated: bool | None = None) -> dict[str, Any]:
    if emaciated is None:
        emaciated = get_bool(req.params, "emaciated")
    return goal_json(view, req.user, req.ctx.settings.base_url, req.ctx.clock.now(), emaciated=emaciated)


def _count(req: ApiRequest) -> int | None:
    if "datapoints_count" not in req.params:
        return None
    n = as_int(req.params["datapoints_count"], "datapoints_count")
    if n < 0:
        raise Invalid("datapoints_count", "must not be negative")
    return n


def list_goals(req: ApiRequest) -> list[dict[str, Any]]:
    user = req.owner(req.path["username"])
    burner = req.params.get("filter")
    views = current.list_goals(req.ctx, user, burner=str(burner) if burner else None)
    return [_out(req, v) for v in views]


def archived(req: ApiRequest) -> list[dict[str, Any]]:
    user = req.owner(req.path["username"])
    return [_out(req, v) for v in current.list_goals(req.ctx, user, archived=True)]


_GOAL_JSON = Memo(512)  # (goal id, how it is shown) -> (the view it was made from, its JSON, encoded by todayta)


def get_goal(req: ApiRequest) -> dict[str, Any] | Response:
    user = req.owner(req.path["username"])
    count = _count(req)
    with_points = get_bool(req.params, "datapoints") or count is not None
    view = current.get_view(req.ctx, user, req.path["slug"], datapoints=with_points, count=count)
    if view.rows is None:
        return _out(req, view)
    # The JSON is a function of the view (shared while its goal row is unchanged), the user and the
    # clock (todayta only): reuse it, encoded, while the view is the same object.
    emaciated = get_bool(req.params, "emaciated")
    base = req.ctx.settings.base_url
    key = (view.goal.id, user.username, user.timezone, base, emaciated)
    now = req.ctx.clock.now()
    cached = _GOAL_JSON.get(key)
    if cached is None or cached[0] is not view:
        cached = (view, goal_json(view, user, base, now, emaciated=emaciated), {})
        _GOAL_JSON.put(key, cached)
    today = todayta(view, user, now)
    body = cached[2].get(today)
    if body is None:
        body = cached[2][today] = orjson.dumps({**cached[1], "todayta": today})
    return encoded_json(body)


def create_goal(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    # dryrun is documented as "if passed": presence counts, unless it says false.
    dryrun = "dryrun" in req.params and str(req.params["dryrun"]).lower() not in ("false", "0")
    view = goal_service.create(req.ctx, user, req.params, dryrun=dryrun)
    return _out(req, view)


def update_goal(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    return _out(req, goal_service.update(req.ctx, user, req.path["slug"], req.params))


@writes
def refresh_graph(req: ApiRequest) -> bool:
    user = req.owner(req.path["username"])
    return goal_service.refresh_graph(req.ctx, user, req.path["slug"])


def dial_road(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    return _out(req, goal_service.dial_road(req.ctx, user, req.path["slug"], req.params))


def ratchet(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    return _out(req, goal_service.ratchet(req.ctx, user, req.path["slug"], req.params))


def shortcircuit(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    return _out(req, pledges.shortcircuit(req.ctx, user, req.path["slug"]))


def stepdown(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    return _out(req, pledges.stepdown(req.ctx, user, req.path["slug"]))


def cancel_stepdown(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    return _out(req, pledges.cancel_stepdown(req.ctx, user, req.path["slug"]))


def uncleme(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    return _out(req, pledges.uncle(req.ctx, user, req.path["slug"]))
