"""Auth and sessions: an OAuth token never becomes the account (H1), sessions can be ended (M7),
and redirect_to_url can't silently log a browser into someone else's account (L7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from starlette.responses import Response

from brickroad.clock import ManualClock
from brickroad.config import ServeLimits
from brickroad.services import accounts, oauth, sessions, tokens
from brickroad.services.context import Context
from brickroad.web import session as cookies
from brickroad.web.throttle import LoginThrottle
from tests.conftest import Account, LiveServer
from tests.security.kit import CliServer
from tests.web.webkit import PASSWORD, Browser, csrf_of

COOKIE = cookies.COOKIE


@pytest.fixture
def browsers(server: LiveServer) -> Iterator[Callable[[], Browser]]:
    made: list[Browser] = []

    def make() -> Browser:
        made.append(Browser(server.url))
        return made[-1]

    yield make
    for b in made:
        b.close()


def _access_token(ctx: Context, account: Account, name: str) -> str:
    client, _secret = oauth.register_client(ctx, account.user, name, "https://app.example/cb")
    return oauth.issue_access_token(ctx, account.user, client)


def _logged_in(b: Browser) -> bool:
    return b.get("/api/v1/auth_token.json").status_code == 200


def _copy_cookie(source: Browser, server: LiveServer) -> Browser:
    thief = Browser(server.url)
    thief.http.cookies.set(COOKIE, source.http.cookies[COOKIE])
    return thief


# ------------------------------------------------------------------ H1


@pytest.mark.parametrize("how", ["param", "bearer"])
def test_an_oauth_access_token_cannot_start_a_web_session(
        ctx: Context, make_user: Callable[..., Account], browsers: Callable[[], Browser], how: str) -> None:
    account = make_user()
    token = _access_token(ctx, account, f"h1-{how}-{account.username}")
    b = browsers()
    target = {"redirect_to_url": "/api/v1/auth_token.json"}
    if how == "param":
        r = b.get("/api/v1/users/me.json", params={"access_token": token, **target})
    else:
        r = b.get("/api/v1/users/me.json", params=target, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and "errors" in r.json()
    assert "location" not in r.headers
    assert b.get("/api/v1/auth_token.json").status_code == 401
    assert b.get("/settings").status_code == 303  # to the login page


def test_the_personal_token_still_logs_in_through_redirect_to_url(
        make_user: Callable[..., Account], browsers: Callable[[], Browser]) -> None:
    account = make_user()
    b = browsers()
    r = b.token_login(account.token, "/settings")
    assert r.status_code == 303 and r.headers["location"] == "/settings"
    assert b.get("/api/v1/auth_token.json").json()["auth_token"] == account.token


def test_a_session_not_started_by_password_or_token_gets_neither_token_nor_password(
        ctx: Context, make_user: Callable[..., Account], server: LiveServer) -> None:
    account = make_user()  # no password, like the admin `serve` creates
    sid = sessions.start(ctx, account.user, "oauth")  # any login kind but the full ones
    response = Response()
    cookies.save(response, cookies.Session(sid=sid, changed=True), ctx.settings.secret, secure=False)
    with httpx.Client(base_url=server.url, follow_redirects=False) as b:
        b.cookies.set(COOKIE, response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1])
        page = b.get("/settings")
        assert page.status_code == 200  # it is logged in ...
        assert b.get("/api/v1/auth_token.json").status_code == 403  # ... but can't read the token
        assert account.token not in b.get("/settings/apps").text
        r = b.post("/settings", data={"csrf_token": csrf_of(page.text), "new_password": PASSWORD,
                                      "new_password_confirm": PASSWORD})
        assert r.status_code == 403
    assert not sessions.has_password(ctx, account.user)


def test_revoking_an_app_ends_what_it_started(ctx: Context, make_user: Callable[..., Account], http: httpx.Client) -> None:
    account = make_user()
    token = _access_token(ctx, account, f"revoked-{account.username}")
    assert http.get("/api/v1/users/me.json", params={"access_token": token}).status_code == 200
    apps = oauth.authorised_apps(ctx, account.user)
    oauth.revoke_app(ctx, account.user, apps[0].client_pk)
    assert http.get("/api/v1/users/me.json", params={"access_token": token}).status_code == 401
    r = http.get("/api/v1/users/me.json", params={"access_token": token, "redirect_to_url": "/settings"})
    assert r.status_code == 401 and "set-cookie" not in r.headers


# ------------------------------------------------------------------ M7


def test_a_cookie_copied_before_logout_dies_with_the_logout(browsers: Callable[[], Browser], server: LiveServer) -> None:
    b = browsers().signup()
    thief = _copy_cookie(b, server)
    try:
        assert _logged_in(thief)
        b.post("/logout", {}, csrf_from="/settings")
        assert not _logged_in(thief)
    finally:
        thief.close()


def test_log_out_everywhere_ends_every_session(browsers: Callable[[], Browser]) -> None:
    first = browsers().signup()
    second = browsers()
    assert second.login(first.username).status_code == 303
    page = first.get("/settings").text
    assert 'action="/logout/everywhere"' in page  # the button on the settings page
    r = first.http.post("/logout/everywhere", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 303
    assert not _logged_in(first) and not _logged_in(second)


def test_a_password_change_ends_other_sessions_but_not_this_one(browsers: Callable[[], Browser]) -> None:
    here = browsers().signup()
    there = browsers()
    there.login(here.username)
    new = PASSWORD + " again"
    r = here.post("/settings", {"current_password": PASSWORD, "new_password": new, "new_password_confirm": new},
                  csrf_from="/settings")
    assert r.status_code == 303
    assert _logged_in(here) and not _logged_in(there)


def test_rotating_the_token_ends_other_sessions(
        make_user: Callable[..., Account], browsers: Callable[[], Browser], ctx: Context) -> None:
    account = make_user(password=PASSWORD)
    by_token, by_password = browsers(), browsers()
    by_token.token_login(account.token, "/")
    by_password.login(account.username)
    r = by_password.post("/settings/apps/token", {}, csrf_from="/settings/apps")
    assert r.status_code == 303
    assert _logged_in(by_password) and not _logged_in(by_token)
    tokens.rotate(ctx, account.user)  # from the command line: every session ends
    assert not _logged_in(by_password)


def test_disabling_the_api_ends_sessions_the_token_started(
        make_user: Callable[..., Account], browsers: Callable[[], Browser], ctx: Context) -> None:
    account = make_user(password=PASSWORD)
    by_token, by_password = browsers(), browsers()
    by_token.token_login(account.token, "/")
    by_password.login(account.username)
    accounts.set_api_enabled(ctx, account.user, False)
    assert not _logged_in(by_token) and _logged_in(by_password)


def test_sessions_expire_after_thirty_days(browsers: Callable[[], Browser], clock: ManualClock) -> None:
    b = browsers().signup()
    clock.advance(sessions.LIFETIME - 60)
    assert _logged_in(b)
    clock.advance(120)
    assert not _logged_in(b)


# ------------------------------------------------------------------ L7


def test_redirect_to_url_asks_before_logging_a_browser_in(
        make_user: Callable[..., Account], browsers: Callable[[], Browser]) -> None:
    attacker, victim_account = make_user(), make_user(password=PASSWORD)
    victim = browsers()
    victim.login(victim_account.username)
    # The attacker's link, opened in the victim's browser: a page asks, nothing changes yet.
    r = victim.get("/api/v1/users/me.json", params={"auth_token": attacker.token, "redirect_to_url": "/"})
    page = victim.get(r.headers["location"])
    assert page.status_code == 200 and f"Log in as {attacker.username}?" in page.text
    assert victim.get("/api/v1/auth_token.json").json()["username"] == victim_account.username


def test_the_same_user_goes_straight_through(make_user: Callable[..., Account], browsers: Callable[[], Browser]) -> None:
    account = make_user(password=PASSWORD)
    b = browsers()
    b.login(account.username)
    r = b.get("/api/v1/users/me.json", params={"auth_token": account.token, "redirect_to_url": "/settings"})
    follow = b.get(r.headers["location"])
    assert follow.status_code == 303 and follow.headers["location"] == "/settings"


def test_a_login_ticket_dies_with_the_token_and_with_time(
        ctx: Context, make_user: Callable[..., Account], browsers: Callable[[], Browser], clock: ManualClock) -> None:
    account = make_user()
    b = browsers()
    r = b.get("/api/v1/users/me.json", params={"auth_token": account.token, "redirect_to_url": "/"})
    ticket_url = r.headers["location"]
    tokens.rotate(ctx, account.user)
    assert b.get(ticket_url).status_code == 400
    fresh = tokens.current_token(ctx, account.user)
    r = b.get("/api/v1/users/me.json", params={"auth_token": fresh, "redirect_to_url": "/"})
    clock.advance(3600)
    assert b.get(r.headers["location"]).status_code == 400


# ------------------------------------------------------------------ L6


def test_failed_logins_are_capped_per_name_across_addresses() -> None:
    limiter = LoginThrottle(per_name=10)
    for n in range(10):
        assert limiter.retry_after(f"10.0.0.{n}", "Victim") == 0
        limiter.failed(f"10.0.0.{n}", "victim")
    assert limiter.retry_after("10.0.0.99", "victim") > 0  # a fresh address doesn't help
    assert limiter.retry_after("10.0.0.99", "someone_else") == 0


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_x_forwarded_for_counts_only_behind_a_configured_proxy(ctx: Context, make_user: Callable[..., Account],
                                                               trusted: str) -> None:
    account = make_user(password=PASSWORD)
    live = CliServer(ctx, ServeLimits(trusted_proxies=trusted))
    live.start()
    try:
        b = Browser(live.url)
        statuses = []
        for n in range(7):  # each "from" another address, as a client would claim
            b.http.headers["X-Forwarded-For"] = f"203.0.113.{n}"
            statuses.append(b.post("/login", {"username": account.username, "password": "wrong"}).status_code)
        b.close()
    finally:
        live.stop()
    if trusted:  # the proxy's word is taken: seven addresses, one failure each
        assert statuses == [401] * 7
    else:  # the header is ignored: one address, throttled after five failures
        assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_ended_and_expired_sessions_are_forgotten_when_the_user_logs_in_again(
        ctx: Context, make_user: Callable[..., Account], clock: ManualClock) -> None:
    from sqlalchemy import func, select

    from brickroad.store.tables import web_sessions

    account = make_user()
    sessions.end(ctx, sessions.start(ctx, account.user, sessions.PASSWORD))
    sessions.start(ctx, account.user, sessions.PASSWORD)
    clock.advance(sessions.LIFETIME + 1)
    live = sessions.start(ctx, account.user, sessions.PASSWORD)
    with ctx.db.read() as conn:
        rows = conn.execute(select(func.count()).where(web_sessions.c.user_id == account.user.pk)).scalar_one()
    assert rows == 1 and sessions.lookup(ctx, live) is not None
