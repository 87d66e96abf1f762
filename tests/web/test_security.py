"""CSRF, escaping, redirects, other people's goals, login errors and the login and sign-up rate limits."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from brickroad.errors import NotFound
from tests.web.webkit import PASSWORD, Browser, csrf_of, unique_name

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def browser(server) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    b = Browser(server.url)
    yield b
    b.close()


def test_post_without_or_with_wrong_csrf_token_is_refused(browser: Browser) -> None:
    browser.signup()
    before = browser.get("/api/v1/auth_token.json").json()["auth_token"]
    assert browser.http.post("/settings/apps/token", data={}).status_code == 403
    assert browser.http.post("/settings/apps/token", data={"csrf_token": "forged"}).status_code == 403
    assert browser.get("/api/v1/auth_token.json").json()["auth_token"] == before


def test_csrf_token_is_tied_to_the_session(server, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    browser.signup()
    with httpx.Client(base_url=server.url) as attacker:
        token = csrf_of(attacker.get("/login").text)  # the attacker's own, valid token
    r = browser.http.post("/settings/apps/token", data={"csrf_token": token})
    assert r.status_code == 403


def test_login_form_needs_csrf_too(browser: Browser) -> None:
    r = browser.http.post("/login", data={"username": "x", "password": "y"})
    assert r.status_code == 403


def test_titles_units_and_comments_are_escaped(browser: Browser, server) -> None:  # type: ignore[no-untyped-def]
    browser.signup()
    r = browser.new_goal("xss", title=XSS, gunits="u<b>nits</b>")
    assert r.status_code == 303
    path = f"/{browser.username}/xss"
    browser.post(path + "/datapoints", {"value": "1", "comment": XSS}, csrf_from=path)
    for page in (browser.get(path).text, browser.get("/").text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "u&lt;b&gt;nits&lt;/b&gt;" in browser.get(path).text
    csp = browser.get(path).headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_app_name_is_escaped_on_the_consent_page(server) -> None:  # type: ignore[no-untyped-def]
    dev, user = Browser(server.url).signup(), Browser(server.url).signup()
    try:
        r = dev.post("/apps/new", {"name": XSS, "redirect_uri": "https://app.example/cb"}, csrf_from="/settings/apps")
        import re

        client_id = re.search(r'id="new-client-id">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
        page = user.get("/apps/authorize", params={"client_id": client_id, "redirect_uri": "https://app.example/cb",
                                                  "response_type": "token"})
        assert page.status_code == 200 and "<script>alert" not in page.text
        assert page.headers["x-frame-options"] == "DENY"
        assert "form-action 'self' https://app.example" in page.headers["content-security-policy"]
    finally:
        dev.close()
        user.close()


@pytest.mark.parametrize("target", [
    "https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "http:evil.example", " https://evil.example",
])
def test_no_open_redirect_after_login_or_token_login(browser: Browser, make_user, target: str) -> None:  # type: ignore[no-untyped-def]
    account = make_user()
    r = browser.token_login(account.token, target, account.username)
    assert r.status_code == 303 and r.headers["location"] == "/"
    browser.post("/logout", {}, csrf_from="/settings")
    browser.signup()
    browser.post("/logout", {}, csrf_from="/settings")
    r = browser.post("/login", {"username": browser.username, "password": PASSWORD, "next": target})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_same_origin_absolute_redirect_is_allowed(browser: Browser, make_user, server) -> None:  # type: ignore[no-untyped-def]
    account = make_user()
    target = server.url + "/settings/apps"
    r = browser.token_login(account.token, target, account.username)
    assert r.status_code == 303 and r.headers["location"] == target


def test_another_users_goal_pages_and_forms_are_404(server) -> None:  # type: ignore[no-untyped-def]
    owner, other = Browser(server.url).signup(), Browser(server.url).signup()
    try:
        owner.new_goal("hidden", secret="true")
        owner.new_goal("shown")
        hidden, shown = f"/{owner.username}/hidden", f"/{owner.username}/shown"
        owner.post(shown + "/datapoints", {"value": "5", "comment": "mine"}, csrf_from=shown)
        assert other.get(hidden).status_code == 404
        assert other.get(shown).status_code == 200
        assert "mine" not in other.get(shown).text  # data isn't public unless datapublic
        for path in (shown + "/datapoints", shown + "/settings", shown + "/dial", shown + "/stepdown",
                     hidden + "/datapoints", f"/{owner.username}/nope/datapoints"):
            r = other.post(path, {"value": "1", "title": "pwned", "gunits": "x"}, csrf_from="/settings")
            assert r.status_code == 404, path
        assert "pwned" not in owner.get(shown).text
        with httpx.Client(base_url=server.url) as anon:
            assert anon.get(hidden).status_code == 404
    finally:
        owner.close()
        other.close()


def test_wrong_password_and_unknown_user_look_the_same(browser: Browser, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user(password=PASSWORD)
    wrong_pw = browser.post("/login", {"username": account.username, "password": "not the password"})
    no_user = browser.post("/login", {"username": unique_name("ghost"), "password": "not the password"})
    assert wrong_pw.status_code == no_user.status_code == 401
    assert "Wrong username or password." in wrong_pw.text and "Wrong username or password." in no_user.text

    def strip(text: str) -> str:
        import re

        return re.sub(r'value="[^"]*"', "", text)

    assert strip(wrong_pw.text) == strip(no_user.text)


def test_signups_are_rate_limited_per_address(ctx) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from brickroad.services import accounts
    from brickroad.services.context import Context
    from tests.conftest import LiveServer

    live = LiveServer(Context(db=ctx.db, settings=replace(ctx.settings, signups_per_hour=3), clock=ctx.clock))
    live.start()
    try:
        for _ in range(3):
            Browser(live.url).signup().close()
        late = Browser(live.url)
        name = unique_name("late")
        r = late.post("/signup", {"username": name, "password": PASSWORD, "password_confirm": PASSWORD},
                      csrf_from="/signup")
        assert r.status_code == 429 and "Too many new accounts from your network" in r.text
        with pytest.raises(NotFound):
            accounts.get_user(ctx, name)  # nothing was created
        late.close()
    finally:
        live.stop()


def test_with_redis_the_login_limit_holds_across_servers(ctx, make_user) -> None:  # type: ignore[no-untyped-def]
    """Two servers (processes, in production) sharing Redis share one count of failed logins."""
    import uuid
    from dataclasses import replace

    import redis

    from brickroad.services.context import Context
    from tests.conftest import LiveServer

    prefix = f"brickroad-test-{uuid.uuid4().hex}:"
    settings = replace(ctx.settings, redis_url="redis://127.0.0.1:6379/0", redis_prefix=prefix)
    servers = [LiveServer(Context(db=ctx.db, settings=settings, clock=ctx.clock)) for _ in range(2)]
    for live in servers:
        live.start()
    try:
        account = make_user(password=PASSWORD)
        browsers = [Browser(live.url) for live in servers]
        codes = [browsers[i % 2].post("/login", {"username": account.username, "password": "bad guess"}).status_code
                 for i in range(6)]
        assert codes == [401] * 5 + [429]
        assert browsers[1].post("/login", {"username": account.username, "password": PASSWORD}).status_code == 429
        for b in browsers:
            b.close()
    finally:
        for live in servers:
            live.stop()
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
        client.close()


def test_login_is_rate_limited(browser: Browser, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user(password=PASSWORD)
    codes = [browser.post("/login", {"username": account.username, "password": "bad guess"}).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    # Even the right password waits out the window: guessing can't be confirmed.
    r = browser.post("/login", {"username": account.username, "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed attempts" in r.text


def test_session_cookie_is_httponly_and_lax(browser: Browser) -> None:
    r = browser.http.get("/login")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_tampered_session_cookie_is_ignored(browser: Browser) -> None:
    browser.signup()
    value = browser.http.cookies["brickroad_session"]
    browser.http.cookies.set("brickroad_session", value[:-3] + ("aaa" if not value.endswith("aaa") else "bbb"))
    assert browser.get("/settings").status_code == 303
