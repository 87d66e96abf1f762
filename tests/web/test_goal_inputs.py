"""The goal page refuses what would break a goal, and says so when a goal can't be computed (issue 16.6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brickroad.services import accounts, goals
from tests.jobs.test_uncomputable import store_unplaceable_point
from tests.web.webkit import Browser


@pytest.fixture
def browser(server) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    b = Browser(server.url)
    yield b
    b.close()


def _points(ctx, username: str) -> list[float]:  # type: ignore[no-untyped-def]
    user = accounts.get_user(ctx, username)
    return [p.value for p in goals.get_view(ctx, user, "g", datapoints=True).datapoints or []]


@pytest.mark.parametrize("form,field", [({"value": "1e308"}, "value"), ({"value": "nan"}, "value"),
                                        ({"value": "3", "date": "1970-01-01"}, "daystamp")])
def test_the_add_form_refuses_what_the_engine_cant_use(browser: Browser, ctx, form, field) -> None:  # type: ignore[no-untyped-def]
    browser.signup()
    browser.new_goal("g")
    path = f"/{browser.username}/g"
    before = _points(ctx, browser.username)
    r = browser.post(path + "/datapoints", form, csrf_from=path)
    assert r.status_code == 422 and 'class="error"' in r.text
    assert _points(ctx, browser.username) == before


def test_a_goal_that_cant_be_computed_shows_a_banner(browser: Browser, ctx) -> None:  # type: ignore[no-untyped-def]
    browser.signup()
    browser.new_goal("g")
    path = f"/{browser.username}/g"
    assert "data-road-error" not in browser.get(path).text
    store_unplaceable_point(ctx, accounts.get_user(ctx, browser.username), "g")
    page = browser.get(path).text
    assert "data-road-error" in page and "can't be computed" in page and "still stands" in page


def test_preferences_move_the_goals_with_them(browser: Browser, ctx) -> None:  # type: ignore[no-untyped-def]
    browser.signup()
    browser.new_goal("g")
    user = accounts.get_user(ctx, browser.username)
    before = goals.get(ctx, user, "g")
    r = browser.post("/settings/preferences", {"timezone": "Europe/Berlin", "default_deadline": "23:00"},
                     csrf_from="/settings")
    assert r.status_code == 303
    after = goals.get(ctx, user, "g")
    # The same derail day now ends at 23:00 Berlin time: six hours for the zone and one for the deadline.
    assert after.deadline == -3600 and before.losedate is not None
    assert after.losedate == before.losedate - 7 * 3600
