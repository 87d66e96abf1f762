"""/api/v1/users/{u}/goals/{g}/datapoints…: thin adapters over services.datapoints."""

from __future__ import annotations

from typing import Any

from brickroad.api.endpoint import ApiRequest, Batched
from brickroad.api.params import INT64_MAX, as_bool, as_int
from brickroad.services.beeminder_json import datapoint_json
from brickroad.errors import Invalid
from brickroad.services import datapoints as point_service
from brickroad.services.goal_models import Datapoint
from brickroad.store.ids import public_id


def _origin(req: ApiRequest) -> str:
    return "api"


def _nonneg(req: ApiRequest, key: str, minimum: int = 0) -> int | None:
    if key not in req.params:
        return None
    n = as_int(req.params[key], key)
    if n < minimum:
        raise Invalid(key, f"must be at least {minimum}")
    return n


def list_points(req: ApiRequest) -> list[dict[str, Any]]:
    user = req.owner(req.path["username"])
    sort = str(req.params.get("sort") or "id")
    page = _nonneg(req, "page", 1)
    per = _nonneg(req, "per")
    if page is not None and (page - 1) * (25 if per is None else per) > INT64_MAX:
        raise Invalid("page", "is out of range")  # its offset is past what the database can count
    points = point_service.listing(
        req.ctx, user, req.path["slug"], sort=sort, count=_nonneg(req, "count"),
        page=page, per=25 if per is None else per,
    )
    return [datapoint_json(p, user) for p in points]


def _goal_key(req: ApiRequest) -> tuple[str, str]:
    return req.path["username"], req.path["slug"]


def _create_points(reqs: list[ApiRequest]) -> list[Any]:
    """Concurrent creates on one goal (one key: same caller, same path), in one transaction."""
    req = reqs[0]
    user = req.owner(req.path["username"])
    outcomes = point_service.create_each(
        req.ctx, user, req.path["slug"], [r.params for r in reqs], origin=_origin(req)
    )
    return [datapoint_json(o, user) if isinstance(o, Datapoint) else o for o in outcomes]


create_point = Batched(key=_goal_key, run=_create_points)


def create_all(req: ApiRequest) -> list[dict[str, Any]]:
    """The created points as Beeminder answers; with compact=true only each one's id and status.

    compact is ours (bulk importers such as `brickroad import` read nothing else, and
    the full objects are most of a big batch's cost); the default stays Beeminder's.
    """
    user = req.owner(req.path["username"])
    if "datapoints" not in req.params:
        raise Invalid("datapoints", "can't be blank")
    compact = as_bool(req.params["compact"], "compact") if req.params.get("compact") is not None else False
    points = point_service.create_all(req.ctx, user, req.path["slug"], req.params["datapoints"], origin=_origin(req))
    if compact:
        return [{"id": public_id(p.id), "status": p.status} for p in points]
    return [datapoint_json(p, user) for p in points]


def update_point(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    point = point_service.update(req.ctx, user, req.path["slug"], req.path["point_id"], req.params)
    return datapoint_json(point, user)


def delete_point(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    point = point_service.delete(req.ctx, user, req.path["slug"], req.path["point_id"])
    return datapoint_json(point, user)
