"""The OpenAPI description validates and documents every API route the app serves."""

from __future__ import annotations

import httpx
from openapi_spec_validator import validate
from starlette.routing import Route

from brickroad.api.app import v1_routes


def test_spec_is_valid_openapi(http: httpx.Client) -> None:
    r = http.get("/api/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    validate(spec)
    assert spec["servers"][0]["url"].startswith("http")


def test_every_route_is_documented_with_its_methods(http: httpx.Client) -> None:
    paths = http.get("/api/openapi.json").json()["paths"]
    for route in v1_routes():
        assert isinstance(route, Route)
        documented = route.path + ".json"
        assert documented in paths, route.path
        for method in route.methods - {"HEAD", "PATCH"}:  # PATCH is documented as PUT's alias
            assert method.lower() in paths[documented], (route.path, method)
    assert "post" in paths["/api/v2"]
