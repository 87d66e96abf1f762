"""The whole web journey in a real browser, against the real server on loopback."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.web.browserkit import chromium, page  # noqa: F401 - fixtures
from tests.web.receiver import Receiver, deliver_outbox
from tests.web.webkit import PASSWORD, unique_name


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def sign_up(page: Any, base: str) -> str:
    name = unique_name("b")
    page.goto(base + "/signup")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.click("button:has-text('Create account')")
    page.wait_for_url(base + "/")
    return name


def test_sign_up_goal_datapoint_token_and_oauth_journey(page: Any, server: Any, ctx: Any, receiver: Receiver) -> None:
    base = server.url
    name = sign_up(page, base)
    assert page.locator("text=No goals yet").is_visible()

    # A goal through the wizard.
    page.click("text=+ New goal")
    page.check("input[name=goal_type][value=hustler]")
    page.fill("input[name=slug]", "pushups")
    page.fill("input[name=title]", "Daily pushups")
    page.fill("input[name=gunits]", "pushups")
    page.fill("input[name=goalval]", "500")
    page.fill("input[name=rate]", "20")
    assert page.is_disabled("input[name=goaldate]")  # two of three given: the date is computed
    page.fill("input[name=rate]", "")
    assert page.is_enabled("input[name=goaldate]")
    page.fill("input[name=rate]", "20")
    page.click("button:has-text('Create goal')")
    page.wait_for_url(f"{base}/{name}/pushups")
    assert page.locator("h1").inner_text() == "Daily pushups"

    # A datapoint, then it's in the table.
    page.fill("#add input[name=value]", "25")
    page.fill("#add input[name=comment]", "first set <b>strong</b>")
    page.click("#add button:has-text('Add')")
    page.wait_for_url(f"{base}/{name}/pushups")
    row = page.locator("table.points tbody tr", has_text="first set <b>strong</b>")
    assert row.count() == 1 and "25" in row.inner_text()
    # The graph, when the graph routes serve it, is drawn as an image.
    graph = page.locator("img.graph")
    if httpx.get(f"{base}/graphs/{name}+pushups.svg").status_code == 200:
        page.wait_for_function("document.querySelector('img.graph').complete")
        assert graph.evaluate("img => img.naturalWidth") > 0

    # The dashboard shows it.
    page.click("a.brand")
    assert page.locator(".tile", has_text="Daily pushups").is_visible()

    # Apps & API: rotate the token; the old one dies.
    page.click("text=Apps & API")
    old = page.input_value("#auth-token")
    assert httpx.get(f"{base}/api/v1/users/me.json", params={"auth_token": old}).status_code == 200
    page.click("button:has-text('Get a new token')")
    page.wait_for_url(f"{base}/settings/apps")
    new = page.input_value("#auth-token")
    assert new != old
    assert httpx.get(f"{base}/api/v1/users/me.json", params={"auth_token": old}).status_code == 401
    assert httpx.get(f"{base}/api/v1/users/me.json", params={"auth_token": new}).status_code == 200

    # Register an OAuth app, authorise it, use its token.
    app_name = f"Journey app {secrets.token_hex(3)}"
    redirect = receiver.url + "/callback"
    page.fill("input[name=name]", app_name)
    page.fill("input[name=redirect_uri]", redirect)
    page.fill("input[name=deauthorize_url]", receiver.url + "/deauth")
    page.click("button:has-text('Register app')")
    client_id = page.inner_text("#new-client-id")
    page.goto(f"{base}/apps/authorize?client_id={client_id}&redirect_uri={redirect}&response_type=token&state=abc")
    assert app_name in page.locator("h1").inner_text()
    page.click("button:has-text('Authorize')")
    page.wait_for_url(redirect + "?*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["username"] == [name] and query["state"] == ["abc"]
    access = query["access_token"][0]
    me = httpx.get(f"{base}/api/v1/users/me.json", params={"access_token": access})
    assert me.status_code == 200 and me.json()["goals"] == ["pushups"]

    # Revoke it: the deauthorize callback arrives and the token is dead.
    page.goto(base + "/settings/apps")
    page.locator(".app-list li", has_text=app_name).locator("button:has-text('Revoke')").click()
    page.wait_for_url(f"{base}/settings/apps")
    assert page.locator("text=No apps have access").is_visible()
    deliver_outbox(ctx)  # what the sweeper thread of `brickroad serve` does
    path, body = receiver.wait_for_post()
    assert path == "/deauth" and body["access_token"] == [access]
    assert httpx.get(f"{base}/api/v1/users/me.json", params={"access_token": access}).status_code == 401


def test_copy_button_copies_the_token(page: Any, server: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    sign_up(page, server.url)
    page.goto(server.url + "/settings/apps")
    page.click("button[data-copy]")
    # The label changes once the (asynchronous) clipboard write has finished.
    page.wait_for_function("document.querySelector('button[data-copy]').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == page.input_value("#auth-token")


def test_no_console_errors_or_csp_violations_on_main_pages(page: Any, server: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    name = sign_up(page, server.url)
    for path in ("/", "/goals/new", "/settings", "/settings/apps"):
        page.goto(server.url + path)
    page.goto(server.url + "/goals/new")
    page.fill("input[name=slug]", "c")
    page.fill("input[name=gunits]", "things")
    page.fill("input[name=goalval]", "10")
    page.fill("input[name=rate]", "1")
    page.click("button:has-text('Create goal')")
    page.wait_for_url(f"{server.url}/{name}/c")
    assert problems == []
