"""The OAuth provider over HTTP: implicit grant (Beeminder's), code + PKCE, exact redirect URIs, revocation."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.web.receiver import Receiver, deliver_outbox
from tests.web.webkit import Browser


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def dev(server) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    b = Browser(server.url).signup()
    yield b
    b.close()


@pytest.fixture
def alice(server) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    b = Browser(server.url).signup()
    yield b
    b.close()


def register(dev: Browser, receiver: Receiver, name: str | None = None) -> tuple[str, str, str]:
    """Register an app; returns (client_id, client_secret, redirect_uri)."""
    redirect = receiver.url + "/callback?app=1"
    r = dev.post("/apps/new", {
        "name": name or f"App {secrets.token_hex(3)}", "redirect_uri": redirect,
        "deauthorize_url": receiver.url + "/deauth", "autofetch_url": "",
    }, csrf_from="/settings/apps")
    assert r.status_code == 200, r.text
    client_id = re.search(r'id="new-client-id">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="new-client-secret">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    return client_id, secret, redirect


def approve(user: Browser, params: dict[str, str]) -> httpx.Response:
    page = user.get("/apps/authorize", params=params)
    assert page.status_code == 200, page.text
    return user.post("/apps/authorize", {**params, "decision": "allow"}, csrf_from="/settings/apps")


def test_implicit_grant_redirects_with_token_and_username_in_query(dev, alice, receiver, http) -> None:  # type: ignore[no-untyped-def]
    client_id, _, redirect = register(dev, receiver)
    params = {"client_id": client_id, "redirect_uri": redirect, "response_type": "token", "state": "xyz"}
    r = approve(alice, params)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith(redirect + "&")  # the app's own query is kept, ours appended
    query = parse_qs(urlsplit(location).query)
    assert query["username"] == [alice.username] and query["state"] == ["xyz"]
    assert "#" not in location and "expires_in" not in query
    token = query["access_token"][0]
    me = http.get("/api/v1/users/me.json", params={"access_token": token})
    assert me.status_code == 200 and me.json()["username"] == alice.username
    bearer = http.get("/api/v1/users/me.json", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200


def test_revoking_fires_deauthorize_callback_and_kills_token(dev, alice, receiver, http, ctx) -> None:  # type: ignore[no-untyped-def]
    client_id, _, redirect = register(dev, receiver, name=f"Revokable {secrets.token_hex(3)}")
    r = approve(alice, {"client_id": client_id, "redirect_uri": redirect, "response_type": "token"})
    token = parse_qs(urlsplit(r.headers["location"]).query)["access_token"][0]
    page = alice.get("/settings/apps").text
    client_pk = re.search(r'/settings/apps/revoke/(\d+)"', page).group(1)  # type: ignore[union-attr]
    r = alice.post(f"/settings/apps/revoke/{client_pk}", {}, csrf_from="/settings/apps")
    assert r.status_code == 303
    assert http.get("/api/v1/users/me.json", params={"access_token": token}).status_code == 401
    assert deliver_outbox(ctx) >= 1  # the callback is an outbox row, sent by the workers
    path, body = receiver.wait_for_post()
    assert path == "/deauth" and body == {"access_token": [token]}
    assert http.get("/api/v1/users/me.json", params={"access_token": token}).status_code == 401
    assert "No apps have access" in alice.get("/settings/apps").text


def test_redirect_uri_must_match_exactly_and_is_never_followed_otherwise(dev, alice, receiver) -> None:  # type: ignore[no-untyped-def]
    client_id, _, redirect = register(dev, receiver)
    for bad in (redirect + "&extra=1", redirect.replace("/callback", "/callback/"), "https://evil.example/callback"):
        r = alice.get("/apps/authorize", params={"client_id": client_id, "redirect_uri": bad, "response_type": "token"})
        assert r.status_code == 400 and "location" not in r.headers
    r = alice.get("/apps/authorize", params={"client_id": "nope", "redirect_uri": redirect, "response_type": "token"})
    assert r.status_code == 400


def test_deny_redirects_with_access_denied(dev, alice, receiver) -> None:  # type: ignore[no-untyped-def]
    client_id, _, redirect = register(dev, receiver)
    params = {"client_id": client_id, "redirect_uri": redirect, "response_type": "token", "state": "s1"}
    r = alice.post("/apps/authorize", {**params, "decision": "deny"}, csrf_from="/settings/apps")
    assert r.status_code == 303
    q = parse_qs(urlsplit(r.headers["location"]).query)
    assert q["error"] == ["access_denied"] and q["state"] == ["s1"] and "access_token" not in q


def test_authorize_asks_anonymous_visitors_to_log_in_first(server, dev, receiver) -> None:  # type: ignore[no-untyped-def]
    client_id, _, redirect = register(dev, receiver)
    with httpx.Client(base_url=server.url) as anon:
        r = anon.get("/apps/authorize", params={"client_id": client_id, "redirect_uri": redirect, "response_type": "token"})
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fapps%2Fauthorize")


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def test_code_flow_with_pkce(dev, alice, receiver, http) -> None:  # type: ignore[no-untyped-def]
    client_id, _, redirect = register(dev, receiver)
    verifier, challenge = _pkce()
    params = {"client_id": client_id, "redirect_uri": redirect, "response_type": "code", "state": "st",
              "code_challenge": challenge, "code_challenge_method": "S256"}
    r = approve(alice, params)
    q = parse_qs(urlsplit(r.headers["location"]).query)
    assert q["state"] == ["st"] and "access_token" not in q
    code = q["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "client_id": client_id}
    wrong = http.post("/oauth/token", data={**form, "code_verifier": "x" * 50})
    assert wrong.status_code == 400
    # The failed attempt used the code up: a stolen code gets one guess.
    again = http.post("/oauth/token", data={**form, "code_verifier": verifier})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    r = approve(alice, params)
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    ok = http.post("/oauth/token", data={**form, "code": code, "code_verifier": verifier})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["token_type"] == "Bearer" and body["username"] == alice.username
    token = body["access_token"]
    assert http.get("/api/v1/users/me.json", headers={"Authorization": f"Bearer {token}"}).json()["username"] == alice.username
    replay = http.post("/oauth/token", data={**form, "code": code, "code_verifier": verifier})
    assert replay.status_code == 400


def test_code_flow_requires_pkce_s256(dev, alice, receiver) -> None:  # type: ignore[no-untyped-def]
    client_id, _, redirect = register(dev, receiver)
    base = {"client_id": client_id, "redirect_uri": redirect, "response_type": "code"}
    r = alice.get("/apps/authorize", params=base)
    assert r.status_code == 302 and "error=invalid_request" in r.headers["location"]
    r = alice.get("/apps/authorize", params={**base, "code_challenge": "a" * 43, "code_challenge_method": "plain"})
    assert r.status_code == 302 and "error=" in r.headers["location"]


def test_confidential_client_authenticates_with_its_secret(dev, alice, receiver, http) -> None:  # type: ignore[no-untyped-def]
    client_id, secret, redirect = register(dev, receiver)
    verifier, challenge = _pkce()
    params = {"client_id": client_id, "redirect_uri": redirect, "response_type": "code",
              "code_challenge": challenge, "code_challenge_method": "S256"}
    code = parse_qs(urlsplit(approve(alice, params).headers["location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": verifier}
    bad = http.post("/oauth/token", data=form, auth=(client_id, "wrong-secret"))
    assert bad.status_code == 401
    code = parse_qs(urlsplit(approve(alice, params).headers["location"]).query)["code"][0]
    ok = http.post("/oauth/token", data={**form, "code": code}, auth=(client_id, secret))
    assert ok.status_code == 200 and ok.json()["username"] == alice.username


def test_registration_validates_urls(dev) -> None:  # type: ignore[no-untyped-def]
    r = dev.post("/apps/new", {"name": "Bad", "redirect_uri": "javascript:alert(1)"}, csrf_from="/settings/apps")
    assert r.status_code == 422 and "absolute http" in r.text


def test_app_revokes_its_own_token_rfc7009(dev, alice, receiver, http) -> None:  # type: ignore[no-untyped-def]
    client_id, secret, redirect = register(dev, receiver)
    other_id, _, other_redirect = register(dev, receiver)
    r = approve(alice, {"client_id": client_id, "redirect_uri": redirect, "response_type": "token"})
    token = parse_qs(urlsplit(r.headers["location"]).query)["access_token"][0]
    # Another app can't revoke it (and learns nothing: RFC 7009 answers 200 either way).
    assert http.post("/oauth/revoke", data={"token": token, "client_id": other_id}).status_code == 200
    assert http.get("/api/v1/users/me.json", params={"access_token": token}).status_code == 200
    assert http.post("/oauth/revoke", data={"token": token}, auth=(client_id, "wrong")).status_code == 401
    assert http.post("/oauth/revoke", data={"token": token}, auth=(client_id, secret)).status_code == 200
    assert http.get("/api/v1/users/me.json", params={"access_token": token}).status_code == 401
    assert receiver.posts == []  # the app asked itself: no deauthorize callback


def test_beeminder_app_paths_lead_to_the_developer_form(dev) -> None:  # type: ignore[no-untyped-def]
    for path in ("/apps", "/apps/new"):
        r = dev.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/settings/apps#developers"


def test_nul_characters_get_a_clear_refusal_not_a_crash(server, dev, receiver, http) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL text can't hold NUL: a form or token request carrying one is refused, never a 500."""
    r = dev.post("/apps/new", {"name": "Evil\x00App", "redirect_uri": receiver.url + "/cb",
                               "deauthorize_url": "", "autofetch_url": ""}, csrf_from="/settings/apps")
    assert r.status_code == 400 and "NUL" in r.text
    client_id, secret, redirect = register(dev, receiver)
    for field in ("client_id", "code", "redirect_uri"):
        data = {"grant_type": "authorization_code", "client_id": client_id, "client_secret": secret,
                "code": "abc", "redirect_uri": redirect}
        data[field] = data[field] + "\x00"
        r = httpx.post(server.url + "/oauth/token", data=data)
        assert r.status_code < 500 and "error" in r.json(), (field, r.text)
    r = httpx.post(server.url + "/oauth/revoke", data={"token": "x\x00y", "client_id": client_id + "\x00"})
    assert r.status_code < 500, r.text
