"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

Never a downloaded browser. Without chromium (or the playwright package) the
browser tests are reported as not run, unless BRICKROAD_REQUIRE_BROWSER=1 (CI),
where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("BRICKROAD_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("BRICKROAD_REQUIRE_BROWSER") == "1"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def _unavailable() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"{CHROMIUM} not found"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    problem = _unavailable()
    if problem:
        message = f"browser tests not run: {problem}"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
    yield pg
    context.close()
