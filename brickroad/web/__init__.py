"""Server-rendered web UI: pages that call the same services as the API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

if TYPE_CHECKING:
    from starlette.responses import Response

    from brickroad.services.context import Context

STATIC = Path(__file__).resolve().parent / "static"


def web_routes() -> list[BaseRoute]:
    """Every web route but the catch-all /{user}/{slug} goal page (see late_routes)."""
    from brickroad.web import auth, dashboard, goal_pages, oauth, settings

    return [
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        *auth.routes(),
        *dashboard.routes(),
        *settings.routes(),
        *oauth.routes(),
        *goal_pages.routes(),
    ]


def late_routes() -> list[BaseRoute]:
    """Mounted after every other route, /api's catch-all included: /{user}/{slug} matches any two segments."""
    from brickroad.web import goal_pages

    return goal_pages.public_routes()


def not_found_page(ctx: Context) -> Response:
    """The HTML 404 for paths no route matched (the app's HTTP error handler calls this)."""
    from brickroad.web.core import not_found_page as page

    return page(ctx)
