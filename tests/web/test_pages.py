"""Web pages over plain HTTP: sign-up, goals, datapoints, settings, the session-backed API bits."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.web.webkit import PASSWORD, Browser


@pytest.fixture
def browser(server) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    b = Browser(server.url)
    yield b
    b.close()


def test_signup_lands_on_an_empty_dashboard(browser: Browser) -> None:
    browser.signup()
    page = browser.get("/")
    assert page.status_code == 200
    assert "Your goals" in page.text and "No goals yet" in page.text


def test_new_goal_then_datapoint_shows_in_table(browser: Browser) -> None:
    browser.signup()
    r = browser.new_goal("pushups", title="Do pushups")
    assert r.status_code == 303 and r.headers["location"] == f"/{browser.username}/pushups"
    goal_path = f"/{browser.username}/pushups"
    r = browser.post(goal_path + "/datapoints", {"value": "17", "comment": "morning set"}, csrf_from=goal_path)
    assert r.status_code == 303
    page = browser.get(goal_path).text
    assert "morning set" in page and ">17<" in page
    dash = browser.get("/").text
    assert "Do pushups" in dash and "safe day" in dash


def test_goal_wizard_rejects_one_of_three_with_the_form_kept(browser: Browser) -> None:
    browser.signup()
    r = browser.post("/goals/new", {"slug": "half", "goal_type": "hustler", "gunits": "x", "rate": "1"},
                     csrf_from="/goals/new")
    assert r.status_code == 422
    assert "two of" in r.text and 'value="half"' in r.text


def test_edit_and_delete_datapoint(browser: Browser) -> None:
    browser.signup()
    browser.new_goal("reading", gunits="pages")
    path = f"/{browser.username}/reading"
    browser.post(path + "/datapoints", {"value": "3", "comment": "first"}, csrf_from=path)
    page = browser.get(path).text
    import re

    point_id = re.search(r'/datapoints/([0-9a-f]{24})"', page).group(1)  # type: ignore[union-attr]
    r = browser.post(f"{path}/datapoints/{point_id}", {"value": "4", "comment": "edited"}, csrf_from=path)
    assert r.status_code == 303
    assert "edited" in browser.get(path).text
    r = browser.post(f"{path}/datapoints/{point_id}/delete", {}, csrf_from=path)
    assert r.status_code == 303
    assert "edited" not in browser.get(path).text


def test_settings_and_callback_url_saved(browser: Browser) -> None:
    browser.signup()
    browser.new_goal("study", gunits="hours")
    path = f"/{browser.username}/study"
    r = browser.post(path + "/settings", {
        "title": "Study hard", "gunits": "hours", "deadline": "23:00", "alertstart": "09:30", "leadtime": "2",
        "callback_url": "https://hooks.example.net/study", "burner": "backburner", "secret": "true",
    }, csrf_from=path)
    assert r.status_code == 303, r.text
    page = browser.get(path).text
    assert "Study hard" in page and "https://hooks.example.net/study" in page and 'value="23:00"' in page
    assert "Study hard" in browser.get("/?filter=backburner").text
    assert "Study hard" not in browser.get("/?filter=frontburner").text
    bad = browser.post(path + "/settings", {"gunits": "hours", "callback_url": "ftp://x"}, csrf_from=path)
    assert bad.status_code == 422 and "callback_url" in bad.text
    browser.post(path + "/settings", {"title": "Study hard", "gunits": "hours", "callback_url": ""}, csrf_from=path)
    assert "https://hooks.example.net/study" not in browser.get(path).text


def test_dial_road_inside_horizon_is_refused_with_explanation(browser: Browser) -> None:
    browser.signup()
    browser.new_goal("dial")
    path = f"/{browser.username}/dial"
    page = browser.get(path).text
    assert "akrasia horizon" in page
    r = browser.post(path + "/dial", {"goaldate": "2026-11-25", "goalval": "100", "rate": ""}, csrf_from=path)
    assert r.status_code in (422, 200)
    assert "akrasia" in r.text


def test_password_change_logs_out_other_sessions(server) -> None:  # type: ignore[no-untyped-def]
    a, b = Browser(server.url), Browser(server.url)
    try:
        a.signup()
        assert b.login(a.username).status_code == 303
        r = a.post("/settings", {"current_password": PASSWORD, "new_password": "another long one",
                                 "new_password_confirm": "another long one"}, csrf_from="/settings")
        assert r.status_code == 303
        assert a.get("/settings").status_code == 200
        assert b.get("/settings").status_code == 303  # back to the login page
        assert b.login(a.username, "another long one").status_code == 303
    finally:
        a.close()
        b.close()


def test_auth_token_json_needs_a_session(browser: Browser, http: httpx.Client) -> None:
    r = http.get("/api/v1/auth_token.json")
    assert r.status_code == 401
    assert r.json() == {"error": "You need to log in or sign up before continuing."}
    browser.signup()
    body = browser.get("/api/v1/auth_token.json").json()
    assert body["username"] == browser.username
    me = http.get("/api/v1/users/me.json", params={"auth_token": body["auth_token"]})
    assert me.status_code == 200 and me.json()["username"] == browser.username


def test_redirect_to_url_logs_in_and_redirects(server, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user()
    b = Browser(server.url)
    try:
        r = b.token_login(account.token, "/settings/apps", account.username)
        assert r.status_code == 303 and r.headers["location"] == "/settings/apps"
        assert account.username in b.get("/settings/apps").text
    finally:
        b.close()


def test_rotate_token_kills_the_old_one(browser: Browser, http: httpx.Client) -> None:
    browser.signup()
    old = browser.get("/api/v1/auth_token.json").json()["auth_token"]
    r = browser.post("/settings/apps/token", {}, csrf_from="/settings/apps")
    assert r.status_code == 303
    new = browser.get("/api/v1/auth_token.json").json()["auth_token"]
    assert new != old
    assert http.get("/api/v1/users/me.json", params={"auth_token": old}).status_code == 401
    assert http.get("/api/v1/users/me.json", params={"auth_token": new}).status_code == 200


def test_api_switch_disables_tokens(browser: Browser, http: httpx.Client) -> None:
    browser.signup()
    token = browser.get("/api/v1/auth_token.json").json()["auth_token"]
    browser.post("/settings/apps/api", {"enabled": "false"}, csrf_from="/settings/apps")
    assert http.get("/api/v1/users/me.json", params={"auth_token": token}).status_code == 403
    assert "Disabled" in browser.get("/settings/apps").text
    browser.post("/settings/apps/api", {"enabled": "true"}, csrf_from="/settings/apps")
    assert http.get("/api/v1/users/me.json", params={"auth_token": token}).status_code == 200


def test_quota_usage_shown(browser: Browser, http: httpx.Client) -> None:
    browser.signup()
    token = browser.get("/api/v1/auth_token.json").json()["auth_token"]
    for _ in range(3):
        http.get("/api/v1/users/me.json", params={"auth_token": token})
    page = browser.get("/settings/apps").text
    assert "Today" in page and "of 4000" in page


def test_unknown_page_is_html_404_for_browsers_but_api_stays_json(http: httpx.Client) -> None:
    r = http.get("/no/such/page/here", headers={"accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    r = http.get("/api/v1/nothing.json")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")


def test_anonymous_visitor_is_sent_to_login(http: httpx.Client) -> None:
    r = http.get("/goals/new")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert "Keep your promises" in http.get("/").text


def test_public_goal_page_for_visitors(browser: Browser, server) -> None:  # type: ignore[no-untyped-def]
    browser.signup()
    browser.new_goal("open", title="Open goal")
    with httpx.Client(base_url=server.url) as anon:
        r = anon.get(f"/{browser.username}/open")
        assert r.status_code == 200 and "Open goal" in r.text
        assert "Add data" not in r.text and "csrf_token" not in r.text.split("<main>")[1]


def test_passwordless_account_signs_in_by_token_then_sets_a_password(server, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user()  # like the first user `brickroad serve` creates: no password
    b = Browser(server.url)
    try:
        assert b.login(account.username, PASSWORD).status_code == 401
        assert b.token_login(account.token, "/settings").status_code == 303
        page = b.get("/settings").text
        assert "Set a password" in page and "current_password" not in page
        r = b.post("/settings", {"new_password": PASSWORD, "new_password_confirm": PASSWORD}, csrf_from="/settings")
        assert r.status_code == 303
        b.post("/logout", {}, csrf_from="/settings")
        assert b.login(account.username, PASSWORD).status_code == 303
    finally:
        b.close()


def test_wrong_current_password_is_refused(browser: Browser) -> None:
    browser.signup()
    r = browser.post("/settings", {"current_password": "nope nope", "new_password": "x" * 10,
                                   "new_password_confirm": "x" * 10}, csrf_from="/settings")
    assert r.status_code == 422 and "t your current password" in r.text


def test_datapoints_are_paginated_newest_first(browser: Browser, ctx) -> None:  # type: ignore[no-untyped-def]
    from brickroad.services import accounts, datapoints

    browser.signup()
    browser.new_goal("many")
    user = accounts.get_user(ctx, browser.username)
    for i in range(30):
        datapoints.create(ctx, user, "many", {"value": i + 1, "comment": f"point-{i + 1:02d}",
                                              "timestamp": ctx.clock.now() - (30 - i) * 3600}, origin="web")
    path = f"/{browser.username}/many"
    first = browser.get(path).text
    assert first.index("point-30") < first.index("point-29") and "point-05" not in first
    assert "Older" in first
    second = browser.get(path, params={"page": "2"}).text
    assert "point-05" in second and "point-30" not in second and "Newer" in second
    # 31 points (the initial one too): 25 then 6, none skipped or repeated.
    shown = [f"point-{i:02d}" for i in range(1, 31) if f"point-{i:02d}" in first + second]
    assert len(shown) == 30 and "Older" not in second
    assert sum(f"point-{i:02d}" in first for i in range(1, 31)) == 24


def test_stepdown_and_cancel_from_the_goal_page(browser: Browser, ctx) -> None:  # type: ignore[no-untyped-def]
    from brickroad.services import accounts, pledges

    browser.signup()
    browser.new_goal("money")
    user = accounts.get_user(ctx, browser.username)
    for _ in range(3):
        pledges.shortcircuit(ctx, user, "money")  # $0 → $5 → $10 → $30
    path = f"/{browser.username}/money"
    assert "Step pledge down" in browser.get(path).text
    assert browser.post(path + "/stepdown", {}, csrf_from=path).status_code == 303
    page = browser.get(path).text
    assert "$30 → $10" in page and "Cancel stepdown" in page
    assert browser.post(path + "/cancel_stepdown", {}, csrf_from=path).status_code == 303
    assert "Step pledge down" in browser.get(path).text


def test_timezone_and_reminder_defaults(browser: Browser, http: httpx.Client) -> None:
    browser.signup()
    r = browser.post("/settings/preferences", {"timezone": "Asia/Tokyo", "default_deadline": "02:00",
                                               "default_alertstart": "08:15", "default_leadtime": "3"},
                     csrf_from="/settings")
    assert r.status_code == 303
    token = browser.get("/api/v1/auth_token.json").json()["auth_token"]
    me = http.get("/api/v1/users/me.json", params={"auth_token": token}).json()
    assert (me["timezone"], me["default_deadline"], me["default_alertstart"], me["default_leadtime"]) == (
        "Asia/Tokyo", 7200, 29700, 3)
    page = browser.get("/settings").text
    assert 'value="Asia/Tokyo" selected' in page and 'value="02:00"' in page
    bad = browser.post("/settings/preferences", {"timezone": "Mars/Olympus"}, csrf_from="/settings")
    assert bad.status_code == 422 and "timezone" in bad.text
