"""Charges are visible: a goal derails under the sweeper, and the charge shows up in
GET /api/v1/users/{u}/charges.json, on the goal and account pages, and in `brickroad charges`."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from brickroad.jobs.sweeper import sweep_all
from brickroad.services import pledges
from tests.cli.clientkit import cli_for
from tests.jobs.kit import add, make_goal, reload
from tests.web.webkit import PASSWORD, Browser


@pytest.fixture
def derailed(ctx: Any, clock: Any, make_user: Any, js: Any, http: Any) -> dict[str, Any]:
    """A user with three charges: manual (no goal), a shortcircuit on `other`, then a derailment of `dl`."""
    alice = make_user(password=PASSWORD)
    make_goal(ctx, alice.user, "dl")
    make_goal(ctx, alice.user, "other")
    add(ctx, alice.user, "other", 30)  # a month of buffer: only `dl` derails
    pledges.shortcircuit(ctx, alice.user, "dl")  # $0 -> $5: nothing charged yet
    manual = http.post("/api/v1/charges.json", data={"auth_token": alice.token, "amount": 3, "note": "self-imposed"})
    assert manual.status_code == 200, manual.text
    clock.advance(60)
    pledges.shortcircuit(ctx, alice.user, "other")  # $0 -> $5
    pledges.shortcircuit(ctx, alice.user, "other")  # charges $5, -> $10
    losedate = reload(ctx, alice.user, "dl").losedate
    clock.set(losedate + 1)
    sweep_all(ctx, js)
    assert reload(ctx, alice.user, "dl").pledge == 10.0  # it derailed: $5 charged, pledge stepped up
    return {"alice": alice, "manual_id": manual.json()["id"], "derailed_at": losedate + 1}


def test_the_api_lists_charges_newest_first_with_kind_goal_and_time(http: Any, derailed: dict[str, Any]) -> None:
    alice = derailed["alice"]
    r = http.get("/api/v1/users/me/charges.json", params={"auth_token": alice.token})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(c["amount"], c["kind"], c["slug"]) for c in body] == [
        (5, "derail", "dl"), (5, "shortcircuit", "other"), (3, "manual", None)]
    newest = body[0]
    assert list(newest) == ["amount", "id", "note", "status", "username", "created_at", "kind", "slug"]
    assert newest["created_at"] == derailed["derailed_at"] and newest["username"] == alice.username
    assert body[2]["id"] == derailed["manual_id"] and body[2]["note"] == "self-imposed"
    assert body[0]["created_at"] > body[1]["created_at"]


def test_the_api_filters_by_goal_and_limits(http: Any, derailed: dict[str, Any]) -> None:
    token = derailed["alice"].token
    only_dl = http.get("/api/v1/users/me/charges.json", params={"auth_token": token, "slug": "dl"}).json()
    assert [(c["kind"], c["slug"]) for c in only_dl] == [("derail", "dl")]
    one = http.get("/api/v1/users/me/charges.json", params={"auth_token": token, "count": 1}).json()
    assert [c["kind"] for c in one] == ["derail"]
    second_page = http.get("/api/v1/users/me/charges", params={"auth_token": token, "page": 2, "per": 2}).json()
    assert [c["kind"] for c in second_page] == ["manual"]


@pytest.mark.parametrize("query, status", [
    ({"count": "many"}, 422), ({"count": -1}, 422), ({"page": 0}, 422), ({"per": "x"}, 422),
    ({"page": 2**62}, 422), ({"slug": "nosuchgoal"}, 404),
])
def test_bad_queries_are_refused_with_errors(http: Any, derailed: dict[str, Any], query: dict[str, Any],
                                             status: int) -> None:
    r = http.get("/api/v1/users/me/charges.json", params={"auth_token": derailed["alice"].token, **query})
    assert r.status_code == status and "errors" in r.json()


def test_only_the_owner_reads_charges(http: Any, derailed: dict[str, Any], make_user: Any) -> None:
    bob = make_user()
    r = http.get(f"/api/v1/users/{derailed['alice'].username}/charges.json", params={"auth_token": bob.token})
    assert r.status_code == 403 and "errors" in r.json()
    assert http.get("/api/v1/users/me/charges.json").status_code == 401
    assert http.get("/api/v1/users/me/charges.json", params={"auth_token": bob.token}).json() == []


def _charge_rows(page: str) -> list[str]:
    table = re.search(r'<section class="card" id="charges">(.*?)</section>', page, re.S)
    assert table, "no charges section on the page"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>", 1)[-1], re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", r)).split()) for r in rows]


def test_the_goal_page_and_the_account_page_show_the_history(server: Any, derailed: dict[str, Any]) -> None:
    alice = derailed["alice"]
    web = Browser(server.url)
    try:
        assert web.login(alice.username).status_code == 303
        goal_rows = _charge_rows(web.get(f"/{alice.username}/dl").text)
        assert len(goal_rows) == 1 and "$5" in goal_rows[0] and "derail" in goal_rows[0]
        assert "derailed dl" in goal_rows[0]
        account_rows = _charge_rows(web.get("/settings").text)
        assert ["derail" in account_rows[0], "shortcircuit" in account_rows[1], "manual" in account_rows[2]] == [True] * 3
        assert "$3" in account_rows[2] and "self-imposed" in account_rows[2] and " other " in f" {account_rows[1]} "
    finally:
        web.close()
    # Someone else looking at the (public) goal page sees no charges.
    stranger = Browser(server.url)
    try:
        assert 'id="charges"' not in stranger.get(f"/{alice.username}/dl").text
    finally:
        stranger.close()


def test_the_cli_lists_charges(server: Any, derailed: dict[str, Any], tmp_path: Path) -> None:
    cli = cli_for(server, derailed["alice"].token, tmp_path)
    listed = cli.json("charges", "--goal", "dl")
    assert [(c["amount"], c["kind"], c["slug"]) for c in listed] == [(5, "derail", "dl")]
    text = cli.run("charges").stdout
    lines = [line for line in text.splitlines() if "$" in line]
    assert ["derail" in lines[0], "shortcircuit" in lines[1], "manual" in lines[2]] == [True] * 3
    assert "$5.00" in lines[0] and "dl" in lines[0]
