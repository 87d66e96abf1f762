"""OAuth: no second live token disguised as a refresh token (M5), RFC 7009 revocation,
code replay revokes what the code issued and apps may refuse the implicit grant (L8)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.web.receiver import Receiver
from tests.web.test_oauth import alice, dev, receiver  # noqa: F401  (the OAuth tests' fixtures: two browsers, a receiver)
from tests.web.webkit import Browser


def _register(dev: Browser, receiver: Receiver, implicit: bool = True) -> tuple[str, str, str]:
    redirect = receiver.url + "/callback"
    fields = {"name": f"App {secrets.token_hex(3)}", "redirect_uri": redirect, "implicit": "true" if implicit else "false"}
    r = dev.post("/apps/new", fields, csrf_from="/settings/apps")
    assert r.status_code == 200, r.text
    client_id = re.search(r'id="new-client-id">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="new-client-secret">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    return client_id, secret, redirect


def _approve(user: Browser, params: dict[str, str]) -> httpx.Response:
    return user.post("/apps/authorize", {**params, "decision": "allow"}, csrf_from="/settings/apps")


def _code_flow(alice: Browser, client_id: str, redirect: str) -> tuple[str, dict[str, str]]:
    """An approved code and the token request form that redeems it."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    r = _approve(alice, {"client_id": client_id, "redirect_uri": redirect, "response_type": "code",
                         "code_challenge": challenge, "code_challenge_method": "S256"})
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    return code, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                  "client_id": client_id, "code_verifier": verifier}


def _works(http: httpx.Client, token: str) -> bool:
    return http.get("/api/v1/users/me.json", params={"access_token": token}).status_code == 200


def test_the_code_exchange_issues_no_second_token(dev: Browser, alice: Browser, receiver: Receiver,
                                                  http: httpx.Client) -> None:
    client_id, _secret, redirect = _register(dev, receiver)
    _code, form = _code_flow(alice, client_id, redirect)
    body = http.post("/oauth/token", data=form).json()
    assert "refresh_token" not in body
    assert _works(http, body["access_token"])
    # Nor can the access token be "refreshed" into another one.
    r = http.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": body["access_token"],
                                        "client_id": client_id})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("hint", ["refresh_token", "access_token", "something_else"])
def test_revocation_ignores_a_misleading_hint(dev: Browser, alice: Browser, receiver: Receiver,
                                             http: httpx.Client, hint: str) -> None:
    client_id, secret, redirect = _register(dev, receiver)
    _code, form = _code_flow(alice, client_id, redirect)
    token = http.post("/oauth/token", data=form).json()["access_token"]
    r = http.post("/oauth/revoke", data={"token": token, "token_type_hint": hint}, auth=(client_id, secret))
    assert r.status_code == 200
    assert not _works(http, token)
    # Revoking again, or an unknown token, is still a 200 (RFC 7009 §2.2).
    assert http.post("/oauth/revoke", data={"token": token}, auth=(client_id, secret)).status_code == 200
    assert http.post("/oauth/revoke", data={"token": "nope"}, auth=(client_id, secret)).status_code == 200


def test_replaying_a_code_revokes_the_token_it_issued(dev: Browser, alice: Browser, receiver: Receiver,
                                                      http: httpx.Client) -> None:
    client_id, _secret, redirect = _register(dev, receiver)
    _code, form = _code_flow(alice, client_id, redirect)
    token = http.post("/oauth/token", data=form).json()["access_token"]
    assert _works(http, token)
    replay = http.post("/oauth/token", data=form)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert not _works(http, token)


def test_an_app_can_refuse_the_implicit_grant(dev: Browser, alice: Browser, receiver: Receiver,
                                              http: httpx.Client) -> None:
    client_id, _secret, redirect = _register(dev, receiver, implicit=False)
    r = _approve(alice, {"client_id": client_id, "redirect_uri": redirect, "response_type": "token"})
    location = r.headers.get("location", "")
    assert "access_token" not in location
    assert "error=unauthorized_client" in location or r.status_code >= 400
    _code, form = _code_flow(alice, client_id, redirect)  # the code flow with PKCE still works
    assert _works(http, http.post("/oauth/token", data=form).json()["access_token"])
