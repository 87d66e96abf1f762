"""GET /api/v1/users/{u}: the user resource, `me`, suffixes, other users."""

from __future__ import annotations

import httpx

USER_KEYS = [
    "username", "timezone", "goals", "created_at", "updated_at", "urgency_load", "deadbeat",
    "has_authorized_fitbit", "default_leadtime", "default_alertstart", "default_deadline",
    "subscription", "subs_downto", "subs_freq", "subs_lifetime", "remaining_subs_credit", "id",
]


def test_me_returns_the_token_owner_with_beeminder_fields(http: httpx.Client, alice) -> None:
    r = http.get("/api/v1/users/me.json", params={"auth_token": alice.token})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert list(body) == USER_KEYS
    assert body["username"] == alice.username
    assert body["timezone"] == "America/New_York"
    assert body["goals"] == []
    assert isinstance(body["created_at"], int) and body["created_at"] == alice.user.created_at
    assert len(body["id"]) == 24 and int(body["id"], 16) == alice.user.pk
    assert body["deadbeat"] is False and body["urgency_load"] == 0


def test_username_suffixless_and_double_slash_paths_all_work(http: httpx.Client, alice) -> None:
    for path in (
        f"/api/v1/users/{alice.username}.json",
        f"/api/v1/users/{alice.username}",
        "/api/v1/users/me",
        "/api/v1//users/me.json",
        "/api/v1/me.json",
    ):
        r = http.get(path, params={"auth_token": alice.token})
        assert r.status_code == 200, path
        assert r.json()["username"] == alice.username


def test_username_is_case_insensitive_for_the_owner(http: httpx.Client, alice) -> None:
    r = http.get(f"/api/v1/users/{alice.username.upper()}.json", params={"auth_token": alice.token})
    assert r.status_code == 200


def test_reading_another_user_is_forbidden(http: httpx.Client, alice, make_user) -> None:
    bob = make_user(prefix="bob")
    r = http.get(f"/api/v1/users/{bob.username}.json", params={"auth_token": alice.token})
    assert r.status_code == 403
    assert "errors" in r.json()
    assert bob.username not in r.text


def test_unknown_user_is_404_in_beeminder_shape(http: httpx.Client, alice) -> None:
    r = http.get("/api/v1/users/nosuchuser.json", params={"auth_token": alice.token})
    assert r.status_code == 404
    assert r.json()["error"] == "The requested resource was not found."
    assert "errors" in r.json()
