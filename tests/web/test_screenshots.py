"""Main pages at desktop and phone widths: nothing overflows sideways, and screenshots for the docs.

Screenshots go to a temporary directory, or to BRICKROAD_SCREENSHOTS (e.g. docs/screenshots)
when set, which is how the committed ones are refreshed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from brickroad.clock import ManualClock
from brickroad.services import accounts, datapoints, goals, oauth, pledges, tokens
from brickroad.services.context import Context
from tests.conftest import START
from tests.web.browserkit import DESKTOP, PHONE, chromium  # noqa: F401 - fixture
from tests.web.webkit import PASSWORD, unique_name

DAY = 86400


def _seed(ctx: Context) -> tuple[str, str, str]:
    """A user with a few goals in different states; returns (username, app client_id, auth token)."""
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    name = unique_name("shot")
    user = accounts.create_user(ctx, name, password=PASSWORD, timezone="Europe/London")
    clock.set(START - 30 * DAY)
    goals.create(ctx, user, {"slug": "pushups", "title": "Pushups every day", "goal_type": "hustler",
                             "gunits": "pushups", "rate": "140", "runits": "w", "goalval": "5000"})
    goals.create(ctx, user, {"slug": "weight", "title": "Get to 75 kg", "goal_type": "fatloser",
                             "gunits": "kg", "initval": "82", "goalval": "75", "rate": "-0.5", "runits": "w"})
    goals.create(ctx, user, {"slug": "inbox", "title": "Inbox zero", "goal_type": "inboxer",
                             "gunits": "emails", "initval": "120", "goalval": "0", "rate": "-10", "runits": "w"})
    goals.create(ctx, user, {"slug": "coffee", "title": "Fewer coffees", "goal_type": "drinker",
                             "gunits": "cups", "goalval": "1000", "rate": "14", "runits": "w"})
    for day in range(30):
        clock.set(START - (29 - day) * DAY)
        datapoints.create(ctx, user, "pushups", {"value": 15 + (day * 7) % 11, "comment": "morning set" if day % 3 else ""}, origin="web")
        if day % 2 == 0:
            datapoints.create(ctx, user, "weight", {"value": 82 - day * 0.09 + (day % 5) * 0.2}, origin="web")
        if day < 27:
            datapoints.create(ctx, user, "inbox", {"value": max(5, 120 - day * 4)}, origin="web")
        datapoints.create(ctx, user, "coffee", {"value": 2, "comment": "flat white"}, origin="web")
    clock.set(START)
    goals.update(ctx, user, "coffee", {"burner": "backburner"})
    pledges.shortcircuit(ctx, user, "pushups")
    pledges.shortcircuit(ctx, user, "pushups")
    client, _ = oauth.register_client(ctx, user, f"Step Tracker {name[-4:]}", "https://steps.example/callback",
                                      "https://steps.example/deauth")
    oauth.issue_access_token(ctx, user, client)
    return name, client.client_id, tokens.current_token(ctx, user)


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_main_pages_fit_and_render(chromium: Any, server: Any, ctx: Context, tmp_path: Path, viewport_name: str) -> None:  # noqa: F811
    out = Path(os.environ.get("BRICKROAD_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    name, client_id, token = _seed(ctx)
    for _ in range(12):  # some API use for the Apps & API page to show
        httpx.get(server.url + "/api/v1/users/me.json", params={"auth_token": token})
    context = chromium.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    try:
        def shot(label: str) -> None:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{label} scrolls sideways by {overflow}px at {viewport_name} width"
            page.screenshot(path=str(out / f"{label}-{viewport_name}.png"), full_page=True)

        page.goto(server.url + "/")
        shot("landing")
        page.goto(server.url + "/login")
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('Log in')")
        page.wait_for_url(server.url + "/")
        page.wait_for_load_state("networkidle")
        shot("dashboard")
        page.goto(f"{server.url}/{name}/pushups")
        page.wait_for_load_state("networkidle")
        shot("goal")
        page.goto(server.url + "/goals/new")
        shot("new-goal")
        page.goto(server.url + "/settings/apps")
        shot("apps-and-api")
        page.goto(f"{server.url}/apps/authorize?client_id={client_id}&redirect_uri=https://steps.example/callback&response_type=token")
        shot("authorize")
    finally:
        context.close()
