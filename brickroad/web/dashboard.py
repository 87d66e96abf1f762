"""The front page: a landing page for visitors, the goal gallery for a signed-in user."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from brickroad.services import current
from brickroad.services.goal_models import Goal
from brickroad.services.models import User
from brickroad.web.core import Web, page

FILTERS = ("all", "frontburner", "backburner")


def graph_path(username: str, slug: str, suffix: str) -> str:
    """Same-origin path of a goal's graph (the API's svg_url/thumb_url without the base URL)."""
    return f"/graphs/{username}+{slug}{suffix}"


@dataclass(frozen=True)
class Tile:
    goal: Goal
    url: str
    thumb: str
    colorhex: str
    colorkey: str
    baremin: str | None
    limsum: str | None


def tile(user: User, goal: Goal) -> Tile:
    s = goal.stats or {}
    return Tile(
        goal=goal, url=f"/{user.username}/{goal.slug}",
        # ?v= changes with the goal, so a browser never shows a cached graph of older data.
        thumb=graph_path(user.username, goal.slug, "-thumb.png") + f"?v={goal.graph_version}",
        colorhex=str(s.get("colorhex", "#808080")), colorkey=str(s.get("colorkey", "gray")),
        baremin=s.get("baremin"), limsum=s.get("limsum"),
    )


def home(w: Web) -> Response:
    if w.user is None:
        return w.render("landing.html")
    burner = w.query.get("filter", "all")
    if burner not in FILTERS:
        burner = "all"
    views = current.list_goals(w.ctx, w.user, burner=None if burner == "all" else burner)
    tiles = [tile(w.user, v.goal) for v in views]  # list_goals sorts by urgency
    return w.render("dashboard.html", tiles=tiles, burner=burner, filters=FILTERS)


def routes() -> list[BaseRoute]:
    return [Route("/", page(home), methods=["GET"])]
