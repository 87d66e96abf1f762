"""Tokens and parameters arrive in the query string, form bodies or JSON bodies (PUT /users/me)."""

from __future__ import annotations

import httpx


def test_token_in_form_body_of_put(http: httpx.Client, alice) -> None:
    r = http.put("/api/v1/users/me.json", data={"auth_token": alice.token, "default_leadtime": "2"})
    assert r.status_code == 200, r.text
    assert r.json()["default_leadtime"] == 2


def test_token_in_json_body_of_patch(http: httpx.Client, alice) -> None:
    r = http.patch("/api/v1/users/me.json", json={"auth_token": alice.token, "default_deadline": -3600})
    assert r.status_code == 200, r.text
    assert r.json()["default_deadline"] == -3600


def test_params_in_query_of_put_with_empty_body(http: httpx.Client, alice) -> None:
    r = http.put("/api/v1/users/me.json", params={"auth_token": alice.token, "default_alertstart": "61200"})
    assert r.status_code == 200
    assert r.json()["default_alertstart"] == 61200


def test_json_body_next_to_query_params(http: httpx.Client, alice) -> None:
    r = http.put("/api/v1/users/me.json", params={"auth_token": alice.token, "default_leadtime": "1"},
                 json={"default_leadtime": 3})
    assert r.json()["default_leadtime"] == 3  # the body wins


def test_get_with_json_body_token(http: httpx.Client, alice) -> None:
    r = http.request("GET", "/api/v1/users/me.json", json={"auth_token": alice.token})
    assert r.status_code == 200


def test_invalid_settings_are_422_and_change_nothing(http: httpx.Client, alice) -> None:
    r = http.put("/api/v1/users/me.json", data={"auth_token": alice.token, "default_leadtime": "1",
                                                "default_deadline": "99999", "timezone": "Mars/Olympus"})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert set(errors) == {"default_deadline", "timezone"}
    after = http.get("/api/v1/users/me.json", params={"auth_token": alice.token}).json()
    assert after["default_leadtime"] == 0 and after["timezone"] == "America/New_York"


def test_non_integer_setting_is_422(http: httpx.Client, alice) -> None:
    r = http.put("/api/v1/users/me.json", data={"auth_token": alice.token, "default_leadtime": "soon"})
    assert r.status_code == 422
    assert r.json()["errors"] == {"default_leadtime": ["is not an integer"]}


def test_cannot_update_another_user(http: httpx.Client, alice, make_user) -> None:
    bob = make_user(prefix="bob")
    r = http.put(f"/api/v1/users/{bob.username}.json", data={"auth_token": alice.token, "default_leadtime": "2"})
    assert r.status_code == 403
