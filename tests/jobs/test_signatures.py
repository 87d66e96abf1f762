"""Every outbound POST is signed with a secret its receiver holds, checked here as a receiver would:
with only the secret shown to it (the Apps & API page), never the server's. And nothing the server
signs for itself uses the server secret directly (per-purpose keys)."""

from __future__ import annotations

import hashlib
import hmac
import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer

from brickroad.jobs import outbox as delivery
from brickroad.jobs.sweeper import sweep_all
from brickroad.services import goals, tokens
from brickroad.services.tokens import derive_token, token_hash
from brickroad.store import users as user_rows
from tests.jobs.kit import Receiver, make_goal
from tests.jobs.test_derailment import local
from tests.web.test_oauth import approve, register
from tests.web.webkit import PASSWORD, Browser

SERVER_SECRET = b"test-secret"  # tests/conftest.py


def verifies(secret: str | bytes, got: Any) -> bool:
    """What a receiver runs: the README's verification recipe."""
    key = secret.encode() if isinstance(secret, str) else secret
    expected = "sha256=" + hmac.new(key, got.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, got.headers["x-brickroad-signature"])


def drain(ctx: Any, js: Any) -> None:
    while delivery.deliver_batch(ctx, js):
        pass


def page_value(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match, f"{pattern} not on the page"
    return html.unescape(match.group(1))


def signing_secret_on_page(web: Browser) -> str:
    return page_value(web.get("/settings/apps").text, r'id="signing-secret" class="token" value="([^"]+)"')


@pytest.fixture
def owner(server: Any, make_user: Any) -> Any:
    account = make_user(password=PASSWORD)
    web = Browser(server.url)
    assert web.login(account.username).status_code == 303
    yield account, web
    web.close()


def _queue_reminder(ctx: Any, clock: Any, js: Any, user: Any, slug: str, url: str) -> None:
    make_goal(ctx, user, slug)
    goals.update(ctx, user, slug, {"callback_url": url})
    clock.set(local("America/New_York", 2026, 11, 24, 9, 30))  # the derail day's reminder
    sweep_all(ctx, js)


def test_a_reminder_verifies_with_the_secret_on_the_apps_page(ctx, clock, js, receiver: Receiver, owner) -> None:
    account, web = owner
    secret = signing_secret_on_page(web)
    _queue_reminder(ctx, clock, js, account.user, "signed", receiver.url + "/reminder")
    drain(ctx, js)
    [got] = receiver.to("/reminder")
    assert verifies(secret, got)
    assert not verifies(SERVER_SECRET, got)


def test_rotating_the_secret_signs_the_next_deliveries_with_the_new_one(ctx, clock, js, receiver, owner) -> None:
    account, web = owner
    old = signing_secret_on_page(web)
    _queue_reminder(ctx, clock, js, account.user, "rotated", receiver.url + "/rotated")
    r = web.post("/settings/apps/signing", {}, csrf_from="/settings/apps")
    assert r.status_code == 303
    new = signing_secret_on_page(web)
    assert new != old
    drain(ctx, js)  # the reminder was pending when the secret changed: it goes out under the new one
    [got] = receiver.to("/rotated")
    assert verifies(new, got) and not verifies(old, got)


def test_oauth_callbacks_verify_with_the_app_signing_secret_on_its_page(ctx, clock, js, server, receiver) -> None:
    dev, user = Browser(server.url).signup(), Browser(server.url).signup()
    try:
        client_id, client_secret, redirect = register(dev, receiver, name=f"Signed {receiver.url[-5:]}")  # type: ignore[arg-type]
        apps_page = dev.get("/settings/apps").text
        app_secret = page_value(apps_page, r'<code class="app-signing-secret[^"]*">([^<]+)</code>')
        r = approve(user, {"client_id": client_id, "redirect_uri": redirect, "response_type": "token"})
        token = parse_qs(urlsplit(r.headers["location"]).query)["access_token"][0]
        client_pk = page_value(user.get("/settings/apps").text, r'/settings/apps/revoke/(\d+)"')
        assert user.post(f"/settings/apps/revoke/{client_pk}", {}, csrf_from="/settings/apps").status_code == 303
        drain(ctx, js)
        [got] = receiver.to("/deauth")
        assert parse_qs(got.body.decode()) == {"access_token": [token]}
        assert verifies(app_secret, got)
        assert not verifies(client_secret, got) and not verifies(SERVER_SECRET, got)
    finally:
        dev.close()
        user.close()


def test_a_session_cookie_signed_with_the_server_secret_itself_is_refused(ctx, server, owner) -> None:
    """The owner's own, live session, re-signed with the raw server secret: refused. Re-signed with
    the session key derived from it: accepted (so the refusal is about the key, nothing else)."""
    _account, web = owner
    payload = URLSafeTimedSerializer(ctx.settings.key("session"), salt="brickroad.session").loads(
        web.http.cookies.get("brickroad_session"))
    for key, allowed in ((SERVER_SECRET, False), (ctx.settings.key("session"), True)):
        stranger = Browser(server.url)
        try:
            cookie = URLSafeTimedSerializer(key, salt="brickroad.session").dumps(payload)
            stranger.http.cookies.set("brickroad_session", cookie)
            page = stranger.get("/settings/apps")
            assert (page.status_code == 200) is allowed, (key == SERVER_SECRET, page.status_code)
        finally:
            stranger.close()


def test_auth_tokens_come_from_their_own_key_and_older_ones_keep_working(ctx, http, make_user) -> None:
    account = make_user()
    assert account.token != derive_token(SERVER_SECRET, account.user.pk, 1)
    # A token issued before per-purpose keys: the row holds the hash of the secret-derived one.
    legacy = derive_token(SERVER_SECRET, account.user.pk, 1)
    with ctx.db.write() as conn:
        user_rows.update_user(conn, account.user.pk, token_hash=token_hash(legacy))
    assert tokens.current_token(ctx, account.user) == legacy  # still shown, still valid
    assert http.get("/api/v1/users/me.json", params={"auth_token": legacy}).status_code == 200
    fresh = tokens.rotate(ctx, account.user)
    assert fresh != derive_token(SERVER_SECRET, account.user.pk, 2)
    assert http.get("/api/v1/users/me.json", params={"auth_token": legacy}).status_code == 401
    assert http.get("/api/v1/users/me.json", params={"auth_token": fresh}).status_code == 200
