"""The OpenAPI 3.1 description of /api/v1 (Beeminder-compatible) and /api/v2 (JSON-document RPC).

Written by hand rather than generated: the Beeminder API's parameter rules
(any parameter from query, form or JSON body; `.json` optional; `me`) don't
come out of a framework's introspection, and the description is documentation
first. tests/api/test_openapi.py checks it validates and covers every route.
"""

from __future__ import annotations

from typing import Any

JSON_OBJ = {"type": "object", "additionalProperties": True}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _params(*names: str) -> list[dict[str, Any]]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _body(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, **({"required": required} if required else {})}
    return {"content": {"application/x-www-form-urlencoded": {"schema": schema}, "application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "Malformed request (bad JSON, invalid UTF-8)"),
    "401": _json(_ref("Error"), "Missing or bad auth_token / access_token"),
    "403": _json(_ref("Error"), "API calls disabled for the account, or another user's data"),
    "404": _json(_ref("Error"), "No such user, goal or datapoint"),
    "422": _json(_ref("Error"), "Validation failed or action refused"),
    "429": _json(_ref("Error"), "Daily request or byte quota used up (see Retry-After)"),
}

_S = {"type": "string"}
_N = {"type": "number"}
_I = {"type": "integer"}
_B = {"type": "boolean"}
GOAL_PARAMS = {
    "slug": _S, "title": _S, "goal_type": {"type": "string", "enum": ["hustler", "biker", "fatloser", "gainer", "inboxer", "drinker", "custom"]},
    "gunits": _S, "goaldate": {"type": ["integer", "null"]}, "goalval": {"type": ["number", "null"]},
    "rate": {"type": ["number", "null"]}, "runits": {"type": "string", "enum": ["y", "m", "w", "d", "h"]},
    "initval": _N, "secret": _B, "datapublic": _B, "tags": {"type": "array", "items": _S}, "dryrun": _B,
    "xid": _S, "yaw": _I, "dir": _I, "kyoom": _B, "odom": _B, "edgy": _B, "noisy": _B, "aggday": _S,
    "steppy": _B, "rosy": _B, "movingav": _B, "aura": _B, "integery": _B, "panic": _I, "pledge_cap": _I,
}
POINT_PARAMS = {"value": _N, "timestamp": _I, "daystamp": {"type": "string", "pattern": "^[0-9]{8}$"},
                "comment": _S, "requestid": _S, "xid": _S, "urtext": _S, "sendmail": _B}


def _op(summary: str, ok: dict[str, Any], params: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, tag: str = "goals") -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": {"200": ok, **ERRORS}}
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = body
    return op


def _v1_paths() -> dict[str, Any]:
    user, goal, point = _params("username"), _params("username", "slug"), _params("username", "slug", "point_id")
    goal_ok = _json(_ref("Goal"))
    return {
        "/api/v1/users/{username}.json": {
            "get": _op("The user; goals as slugs, or full goals with associations/diff_since", _json(_ref("User")), user + [
                _query("associations", _B, "Embed goals with their datapoints"),
                _query("diff_since", _I, "Only goals and datapoints updated since this unix time; adds deleted_goals"),
                _query("skinny", _B, "With diff_since: reduced goals with last_datapoint"),
                _query("emaciated", _B, "Leave out road, roadall, fullroad"),
                _query("datapoints_count", _I, "Only the N most recently updated datapoints per goal"),
                _query("goals_filter", {"type": "string", "enum": ["all", "frontburner", "backburner"]}, "Older editions' filter"),
            ], tag="users"),
            "put": _op("Update reminder defaults and timezone (PATCH too)", _json(_ref("User")), user, _body(
                {"timezone": _S, "default_leadtime": _I, "default_alertstart": _I, "default_deadline": _I}), tag="users"),
        },
        "/api/v1/me.json": {"get": _op("The token's owner (alias of /users/me.json)", _json(_ref("User")), tag="users")},
        "/api/v1/users/{username}/goals.json": {
            "get": _op("Active goals, most urgent first", _json({"type": "array", "items": _ref("Goal")}), user + [
                _query("filter", {"type": "string", "enum": ["frontburner", "backburner"]}, "Burner filter"),
                _query("emaciated", _B, "Leave out road arrays")]),
            "post": _op("Create a goal (exactly two of goaldate, goalval, rate)", goal_ok, user, _body(GOAL_PARAMS, ["slug", "goal_type", "gunits"])),
        },
        "/api/v1/users/{username}/goals/archived.json": {
            "get": _op("Archived goals", _json({"type": "array", "items": _ref("Goal")}), user)},
        "/api/v1/users/{username}/goals/{slug}.json": {
            "get": _op("One goal", goal_ok, goal + [_query("datapoints", _B, "Append all datapoints"),
                                                    _query("emaciated", _B, "Leave out road arrays")]),
            "put": _op("Update a goal (PATCH too); goal_type can't change", goal_ok, goal, _body({
                "title": _S, "yaxis": _S, "tmin": _S, "tmax": _S, "secret": _B, "datapublic": _B,
                "roadall": {"type": "array", "items": {"type": "array"}}, "datasource": _S, "tags": {"type": "array", "items": _S},
                "leadtime": _I, "alertstart": _I, "deadline": _I, "use_defaults": _B, "callback_url": _S,
                "aggday": {"type": "string", "description": "How a day's datapoints make its value (last, min, mean, …)"}})),
        },
        "/api/v1/users/{username}/goals/{slug}/refresh_graph.json": {
            "get": _op("Queue a graph refresh; bare true/false", _json(_B), goal),
            "post": _op("Queue a graph refresh; bare true/false", _json(_B), goal),
        },
        "/api/v1/users/{username}/goals/{slug}/dial_road.json": {
            "post": _op("Change the road after the 7-day akrasia horizon (two of rate, goaldate, goalval)", goal_ok, goal,
                        _body({"rate": _N, "goaldate": _I, "goalval": _N}))},
        "/api/v1/users/{username}/goals/{slug}/ratchet.json": {
            "post": _op("Keep exactly newsafety days of buffer", goal_ok, goal, _body({"newsafety": _N, "beemergency": _B}, ["newsafety"]))},
        "/api/v1/users/{username}/goals/{slug}/shortcircuit.json": {
            "post": _op("Charge the current pledge now and step the pledge up", goal_ok, goal)},
        "/api/v1/users/{username}/goals/{slug}/stepdown.json": {
            "post": _op("Schedule a pledge stepdown at the akrasia horizon", goal_ok, goal)},
        "/api/v1/users/{username}/goals/{slug}/cancel_stepdown.json": {
            "post": _op("Cancel a scheduled stepdown", goal_ok, goal)},
        "/api/v1/users/{username}/goals/{slug}/uncleme.json": {
            "post": _op("Derail now (only when in the red)", goal_ok, goal)},
        "/api/v1/users/{username}/goals/{slug}/datapoints.json": {
            "get": _op("Datapoints, sorted descending by a field", _json({"type": "array", "items": _ref("Datapoint")}), goal + [
                _query("sort", {"type": "string", "enum": ["id", "timestamp", "daystamp", "value", "comment", "updated_at", "requestid"]}, "Sort field"),
                _query("count", _I, "At most this many"), _query("page", _I, "1-based page"), _query("per", _I, "Page size (default 25)")],
                tag="datapoints"),
            "post": _op("Add a datapoint (a repeated requestid updates instead)", _json(_ref("Datapoint")), goal, _body(POINT_PARAMS, ["value"]), tag="datapoints"),
        },
        "/api/v1/users/{username}/goals/{slug}/datapoints/create_all.json": {
            "post": _op("Add several datapoints, all or nothing",
                        _json({"oneOf": [{"type": "array", "items": _ref("Datapoint")},
                                         {"type": "array", "items": _ref("PointStatus")}]},
                              "The created, updated or duplicate points in the order sent (with `status`); "
                              "with compact=true only their ids and statuses"),
                        goal + [_query("compact", _B, "brickroad only (Beeminder ignores it): answer "
                                       "[{\"id\", \"status\"}, …] instead of full datapoints, for bulk imports. "
                                       "May also come in the form or JSON body.")],
                        _body({"datapoints": {"oneOf": [{"type": "array", "items": {"type": "object", "properties": POINT_PARAMS}}, _S]},
                               "compact": _B}, ["datapoints"]),
                        tag="datapoints")},
        "/api/v1/users/{username}/goals/{slug}/datapoints/{point_id}.json": {
            "put": _op("Update a datapoint (PATCH too)", _json(_ref("Datapoint")), point, _body(POINT_PARAMS), tag="datapoints"),
            "delete": _op("Delete a datapoint; returns it", _json(_ref("Datapoint")), point, tag="datapoints"),
        },
        "/api/v1/charges.json": {
            "post": _op("Charge yourself (recorded in the ledger)", _json(_ref("Charge")), None,
                        _body({"amount": _N, "note": _S, "dryrun": _B, "user_id": _S}, ["amount"]), tag="charges")},
        "/api/v1/users/{username}/charges.json": {
            "get": _op("brickroad only: the user's charges, newest first (derailments, shortcircuits, manual)",
                       _json({"type": "array", "items": _ref("ChargeEntry")}), user + [
                           _query("slug", _S, "Only this goal's charges"), _query("count", _I, "At most this many"),
                           _query("page", _I, "1-based page"), _query("per", _I, "Page size (default 25, at most 500)")],
                       tag="charges")},
        "/api/v1/users/{username}/webhooks.json": {
            "get": _op("Event subscriptions and recent deliveries", _json(JSON_OBJ), user, tag="webhooks"),
            "post": _op("Subscribe a URL to events", _json(JSON_OBJ), user, _body({"url": _S, "events": {"type": "array", "items": _S}}, ["url"]), tag="webhooks"),
        },
        "/api/v1/users/{username}/webhooks/deliveries/{delivery_id}/retry.json": {
            "post": _op("Retry a dead or failed delivery now", _json(JSON_OBJ), user + [
                {"name": "delivery_id", "in": "path", "required": True, "schema": _S}], tag="webhooks")},
        "/api/v1/users/{username}/webhooks/{sub_id}.json": {
            "delete": _op("Remove a subscription", _json(JSON_OBJ), user + [
                {"name": "sub_id", "in": "path", "required": True, "schema": _S}], tag="webhooks")},
    }


def _v2_path() -> dict[str, Any]:
    example = {"service": "datapoint.create", "goal": {"xid": "G-1"}, "value": 2, "date": "2026-11-23 18:30:00", "xid": "P-9"}
    return {"/api/v2": {"post": {
        "summary": "JSON-document RPC: one `service` per document, or a `batch` run in one transaction",
        "tags": ["v2"],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("V2Request"), "example": example}}},
        "responses": {
            "200": _json(_ref("V2Ok")),
            **{code: _json(_ref("V2Error"), resp["description"]) for code, resp in ERRORS.items()},
        },
    }}}


def _schemas() -> dict[str, Any]:
    return {
        "Error": {"type": "object", "properties": {"errors": {"oneOf": [JSON_OBJ, _S]}, "error": _S}},
        "User": {"type": "object", "required": ["username", "timezone", "goals", "updated_at"], "properties": {
            "username": _S, "timezone": _S, "goals": {"type": "array"}, "created_at": _I, "updated_at": _I,
            "urgency_load": _I, "deadbeat": _B, "default_leadtime": _I, "default_alertstart": _I,
            "default_deadline": _I, "id": _S, "deleted_goals": {"type": "array"}}},
        "Datapoint": {"type": "object", "required": ["id", "timestamp", "daystamp", "value"], "properties": {
            "id": _S, "timestamp": _I, "daystamp": _S, "value": _N, "comment": _S, "updated_at": _I,
            "requestid": {"type": ["string", "null"]}, "origin": _S, "creator": {"type": ["string", "null"]},
            "is_dummy": _B, "is_initial": _B, "fulltext": _S, "canonical": _S, "created_at": _S,
            "status": {"type": "string", "enum": ["created", "updated", "duplicate"]}}},
        "PointStatus": {"type": "object", "required": ["id", "status"], "description": "create_all with compact=true",
                        "properties": {"id": _S, "status": {"type": "string", "enum": ["created", "updated", "duplicate"]}}},
        "Goal": {"type": "object", "required": ["slug", "id", "goal_type"], "description": "Every Beeminder goal attribute, in the real key order",
                 "properties": {"slug": _S, "id": _S, "title": _S, "goal_type": _S, "goaldate": {"type": ["integer", "null"]},
                                "goalval": {"type": ["number", "null"]}, "rate": {"type": ["number", "null"]}, "losedate": {"type": ["integer", "null"]},
                                "safebuf": {"type": ["integer", "null"]}, "graph_url": _S, "thumb_url": _S, "svg_url": {"type": ["string", "null"]},
                                "contract": JSON_OBJ, "road": {"type": "array"}, "roadall": {"type": "array"}, "fullroad": {"type": ["array", "null"]},
                                "limsum": {"type": ["string", "null"]}, "pledge": _N, "queued": _B, "won": _B, "lost": _B, "frozen": _B,
                                "datapoints": {"type": "array", "items": _ref("Datapoint")},
                                "road_error": {"type": "string", "description": "Ours: present only while the road engine "
                                               "can't compute the goal; losedate is then the last one it computed"}}},
        "Charge": {"type": "object", "properties": {"amount": _N, "id": {}, "note": {"type": ["string", "null"]}, "status": {}, "username": _S}},
        "ChargeEntry": {"type": "object", "description": "A Charge plus when, why and for which goal",
                        "required": ["amount", "id", "note", "status", "username", "created_at", "kind", "slug"],
                        "properties": {"amount": _N, "id": {"type": "object", "properties": {"$oid": _S}},
                                       "note": {"type": ["string", "null"]}, "status": {}, "username": _S,
                                       "created_at": _I, "kind": {"type": "string", "enum": ["derail", "shortcircuit", "manual"]},
                                       "slug": {"type": ["string", "null"]}}},
        "V2Request": {"type": "object", "required": ["service"], "properties": {
            "service": {"type": "string", "enum": ["user.get", "goal.list", "goal.get", "datapoint.list", "datapoint.create",
                                                   "datapoint.create_all", "datapoint.update", "datapoint.delete", "charge.create", "batch"]},
            "auth_token": _S,
            "goal": {"oneOf": [_S, {"type": "object", "properties": {"slug": _S, "id": _S, "xid": _S}}]},
            "datapoint": {"type": "object", "properties": {"id": _S, "xid": _S}},
            "id": _S, "xid": _S, "value": _N, "comment": _S, "requestid": _S,
            "date": {"type": "string", "description": "YYYY-MM-DD HH:MM:SS or YYYY-MM-DD in the user's timezone"},
            "datapoints": {"type": "array", "items": JSON_OBJ}, "count": _I, "sort": _S,
            "amount": _N, "note": _S, "dryrun": _B,
            "requests": {"type": "array", "items": JSON_OBJ, "description": "For service=batch: documents run in one transaction"}}},
        "V2Ok": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}, "additionalProperties": True},
        "V2Error": {"type": "object", "required": ["status", "message"], "properties": {
            "status": {"const": "error"}, "message": _S, "errors": {}, "index": _I}},
    }


def spec(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "brickroad API", "version": "1",
                 "description": "Beeminder API v1 compatible (paths work with or without .json; `me` is the token's owner; "
                                "parameters may come in the query string, a form body or a JSON body), plus a Beebole-style "
                                "JSON-document RPC at /api/v2. Every token-authenticated call counts towards daily quotas "
                                "(X-RateLimit-* headers)."},
        "servers": [{"url": base_url}],
        "security": [{"auth_token": []}, {"access_token": []}, {"bearer": []}, {"basic": []}],
        "paths": {**_v1_paths(), **_v2_path()},
        "components": {
            "schemas": _schemas(),
            "parameters": {
                "username": {"name": "username", "in": "path", "required": True, "schema": _S, "description": "A username or `me`"},
                "slug": {"name": "slug", "in": "path", "required": True, "schema": _S},
                "point_id": {"name": "point_id", "in": "path", "required": True, "schema": _S},
            },
            "securitySchemes": {
                "auth_token": {"type": "apiKey", "in": "query", "name": "auth_token", "description": "Personal token (Apps & API page)"},
                "access_token": {"type": "apiKey", "in": "query", "name": "access_token", "description": "OAuth access token"},
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic", "description": "The token as user name (or password)"},
            },
        },
    }
