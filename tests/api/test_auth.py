"""Credentials: auth_token anywhere, Bearer, HTTP Basic, rotation and the API switch."""

from __future__ import annotations

import httpx

from brickroad.services import accounts, tokens


def test_bearer_and_basic_with_token_as_username_or_password(http: httpx.Client, alice) -> None:
    assert http.get("/api/v1/users/me.json", headers={"Authorization": f"Bearer {alice.token}"}).status_code == 200
    assert http.get("/api/v1/users/me.json", auth=(alice.token, "")).status_code == 200
    assert http.get("/api/v1/users/me.json", auth=("x", alice.token)).status_code == 200
    r = http.get("/api/v1/users/me.json", auth=("x", "y"))
    assert r.status_code == 401 and r.json()["errors"]["auth_token"] == "bad_token"


def test_bad_token_gets_beeminders_401_body(http: httpx.Client) -> None:
    r = http.get("/api/v1/users/me.json", params={"auth_token": "nope"})
    assert r.status_code == 401
    assert r.json() == {
        "errors": {
            "auth_token": "bad_token",
            "message": "No such auth_token found. (Did you mix up auth_token and access_token?)",
        }
    }


def test_missing_token_is_401_with_errors(http: httpx.Client) -> None:
    r = http.get("/api/v1/users/me.json")
    assert r.status_code == 401
    assert r.json()["errors"]["token"] == "no_token"


def test_bad_access_token_names_access_token(http: httpx.Client) -> None:
    r = http.get("/api/v1/users/me.json", params={"access_token": "nope"})
    assert r.status_code == 401
    assert r.json()["errors"]["access_token"] == "bad_token"


def test_rotating_kills_the_old_token_at_once(http: httpx.Client, ctx, alice) -> None:
    new = tokens.rotate(ctx, alice.user)
    assert new != alice.token
    assert http.get("/api/v1/users/me.json", params={"auth_token": alice.token}).status_code == 401
    assert http.get("/api/v1/users/me.json", params={"auth_token": new}).status_code == 200


def test_disabled_api_answers_403_saying_so(http: httpx.Client, ctx, alice) -> None:
    accounts.set_api_enabled(ctx, alice.user, False)
    r = http.get("/api/v1/users/me.json", params={"auth_token": alice.token})
    assert r.status_code == 403
    assert "disabled" in r.json()["errors"]["message"]
    accounts.set_api_enabled(ctx, alice.user, True)
    assert http.get("/api/v1/users/me.json", params={"auth_token": alice.token}).status_code == 200


def test_access_tokens_work_until_revoked(http: httpx.Client, ctx, alice) -> None:
    # OAuth apps arrive with the web UI; the table and lookup are here already.
    from sqlalchemy import insert, update

    from brickroad.store.tables import access_tokens

    raw = "oauth-token-for-" + alice.username
    with ctx.db.write() as conn:
        conn.execute(insert(access_tokens).values(user_id=alice.user.pk, token_hash=tokens.token_hash(raw), created_at=1))
    for kwargs in ({"params": {"access_token": raw}}, {"headers": {"Authorization": f"Bearer {raw}"}}):
        r = http.get("/api/v1/users/me.json", **kwargs)
        assert r.status_code == 200 and r.json()["username"] == alice.username
    with ctx.db.write() as conn:
        conn.execute(update(access_tokens).where(access_tokens.c.token_hash == tokens.token_hash(raw)).values(revoked_at=2))
    assert http.get("/api/v1/users/me.json", params={"access_token": raw}).status_code == 401
