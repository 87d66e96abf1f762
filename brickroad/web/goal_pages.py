"""Goal pages: /{user}/{slug} (owner's controls or the public view), datapoint forms,
settings, dialing the road, pledge stepdown, and the new-goal wizard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from brickroad.errors import Invalid, NotFound
from brickroad.services import accounts, days, pledges
from brickroad.services import charges as charge_service
from brickroad.services import datapoints as point_service
from brickroad.services import current
from brickroad.services import goals as goal_service
from brickroad.services.models import User
from brickroad.store.ids import public_id
from brickroad.web.core import Web, field_errors, page
from brickroad.web.dashboard import graph_path

PER_PAGE = 25

GOAL_TYPES = (
    ("hustler", "Do more", "Do something at least so many times a week: pushups, hours of study."),
    ("biker", "Odometer", "A total that only goes up, like pages read or kilometres cycled."),
    ("fatloser", "Lose weight", "Bring a measurement down at a steady pace, fluctuations forgiven."),
    ("gainer", "Gain weight", "Bring a measurement up at a steady pace."),
    ("inboxer", "Inbox fewer", "Get a count down to a target: emails in the inbox, items on a list."),
    ("drinker", "Do less", "Do something at most so many times a week: coffees, hours of TV."),
    ("custom", "Custom", "Start from a plain road and set the details through the API."),
)


# ------------------------------------------------------------------ helpers


def owned(w: Web, username: str) -> User:
    """The signed-in user if they own `username`'s pages; everyone else sees a 404, not a 403."""
    user = w.require_user()
    if username.lower() != user.username.lower():
        raise NotFound()
    return user


def date_to_ts(value: str, user: User, deadline: int, field: str) -> int | None:
    """An <input type=date> value as the end of that Beeminder day; blank means not given."""
    if not value.strip():
        return None
    return days.day_end(days.parse_daystamp(value, field), user.timezone, deadline)


def parse_clock(value: str, field: str) -> int:
    """"HH:MM" as seconds after midnight."""
    try:
        hh, mm = value.strip().split(":")[:2]
        seconds = int(hh) * 3600 + int(mm) * 60
    except ValueError:
        raise Invalid(field, "must be a time like 23:30") from None
    if not 0 <= seconds < 86400:
        raise Invalid(field, "must be a time like 23:30")
    return seconds


def deadline_from_clock(value: str) -> int:
    """A deadline time of day as Beeminder's offset: after midnight up to 6am is positive, else negative."""
    seconds = parse_clock(value, "deadline")
    return seconds if seconds <= 6 * 3600 else seconds - 86400


def goal_path(user: User | str, slug: str) -> str:
    name = user if isinstance(user, str) else user.username
    return f"/{name}/{slug}"


# ------------------------------------------------------------------ the goal page


def show(w: Web) -> Response:
    return render_goal(w, w.request.path_params["username"], w.request.path_params["slug"])


MAX_PAGE = 10**9


def render_goal(w: Web, username: str, slug: str, status: int = 200, **extra: Any) -> Response:
    owner = accounts.get_user(w.ctx, username)
    is_owner = w.user is not None and w.user.pk == owner.pk
    goal = current.get(w.ctx, owner, slug)
    if goal.secret and not is_owner:
        raise NotFound()  # secret goals don't exist for anyone else
    try:
        page_no = max(1, int(w.query.get("page", "1")))
    except ValueError:
        page_no = 1
    if page_no > MAX_PAGE:
        raise NotFound()  # no goal has that many points (and its offset would overflow 64 bits)
    points = []
    more = False
    if is_owner or goal.datapublic:
        points = point_service.listing(w.ctx, owner, slug, sort="timestamp", page=page_no, per=PER_PAGE)
        # Is there a next page? Ask for its first point alone (page n of size 1 = offset n-1).
        more = bool(point_service.listing(w.ctx, owner, slug, sort="timestamp", page=page_no * PER_PAGE + 1, per=1))
    tz = owner.timezone
    extra.setdefault("values", {})
    extra.setdefault("failed_form", None)
    today = days.day_of(w.ctx.clock.now(), tz, goal.deadline)
    return w.render(
        "goal.html", status=status, owner=owner, goal=goal, is_owner=is_owner, s=goal.stats or {},
        points=points, page_no=page_no, more=more, tz=tz, public_id=public_id,
        svg=graph_path(owner.username, goal.slug, ".svg") + f"?v={goal.graph_version}", path_base=goal_path(owner, goal.slug),
        today=today.isoformat(), horizon=(today + timedelta(days=goal_service.AKRASIA_DAYS)).isoformat(),
        akrasia_days=goal_service.AKRASIA_DAYS,
        charges=charge_service.ledger(w.ctx, owner, slug, limit=charge_service.RECENT) if is_owner else [], **extra,
    )


def _fail(w: Web, username: str, slug: str, exc: Invalid, form: str) -> Response:
    """Re-render the goal page with the failed form's errors and the user's input kept."""
    return render_goal(w, username, slug, status=422, errors=field_errors(exc), failed_form=form, values=w.form)


# ------------------------------------------------------------------ datapoints


def add_point(w: Web) -> Response:
    username, slug = w.request.path_params["username"], w.request.path_params["slug"]
    user = owned(w, username)
    f = w.form
    p = {"value": f.get("value", "").strip(), "comment": f.get("comment", "")}
    if not p["value"]:
        p.pop("value")
    if f.get("date", "").strip():
        p["daystamp"] = f["date"].strip()
    try:
        point_service.create(w.ctx, user, slug, p, origin="web")
    except Invalid as exc:
        return _fail(w, username, slug, exc, "add")
    return w.redirect(goal_path(user, slug), "Datapoint added.")


def edit_point(w: Web) -> Response:
    username, slug = w.request.path_params["username"], w.request.path_params["slug"]
    user = owned(w, username)
    f = w.form
    p: dict[str, Any] = {"value": f.get("value", "").strip(), "comment": f.get("comment", "")}
    if f.get("date", "").strip():
        p["daystamp"] = f["date"].strip()
    try:
        point_service.update(w.ctx, user, slug, w.request.path_params["point_id"], p)
    except Invalid as exc:
        return _fail(w, username, slug, exc, "edit")
    return w.redirect(goal_path(user, slug), "Datapoint updated.")


def delete_point(w: Web) -> Response:
    username, slug = w.request.path_params["username"], w.request.path_params["slug"]
    user = owned(w, username)
    point_service.delete(w.ctx, user, slug, w.request.path_params["point_id"])
    return w.redirect(goal_path(user, slug), "Datapoint deleted.")


# ------------------------------------------------------------------ settings, road, pledge


def save_settings(w: Web) -> Response:
    username, slug = w.request.path_params["username"], w.request.path_params["slug"]
    user = owned(w, username)
    f = w.form
    try:
        p: dict[str, Any] = {
            "title": f.get("title", "").strip() or slug,
            "gunits": f.get("gunits", "").strip(),
            "secret": f.get("secret", "false"),
            "datapublic": f.get("datapublic", "false"),
            "burner": f.get("burner", "frontburner"),
            "callback_url": f.get("callback_url", "").strip(),  # blank removes the webhook
        }
        if not p["gunits"]:
            raise Invalid("gunits", "can't be blank")
        if f.get("deadline"):
            p["deadline"] = deadline_from_clock(f["deadline"])
        if f.get("alertstart"):
            p["alertstart"] = parse_clock(f["alertstart"], "alertstart")
        if f.get("leadtime", "").strip():
            p["leadtime"] = f["leadtime"].strip()
        goal_service.update(w.ctx, user, slug, p)
    except Invalid as exc:
        return _fail(w, username, slug, exc, "settings")
    return w.redirect(goal_path(user, slug), "Settings saved.")


def dial(w: Web) -> Response:
    username, slug = w.request.path_params["username"], w.request.path_params["slug"]
    user = owned(w, username)
    f = w.form
    try:
        goal = current.get(w.ctx, user, slug)
        p = {
            "goaldate": date_to_ts(f.get("goaldate", ""), user, goal.deadline, "goaldate"),
            "goalval": f.get("goalval", "").strip() or None,
            "rate": f.get("rate", "").strip() or None,
        }
        goal_service.dial_road(w.ctx, user, slug, p)
    except Invalid as exc:
        return _fail(w, username, slug, exc, "dial")
    return w.redirect(goal_path(user, slug), "Road dialed. Changes start after the akrasia horizon.")


def stepdown(w: Web) -> Response:
    username, slug = w.request.path_params["username"], w.request.path_params["slug"]
    user = owned(w, username)
    pledges.stepdown(w.ctx, user, slug)
    return w.redirect(goal_path(user, slug), "Pledge stepdown scheduled.")


def cancel_stepdown(w: Web) -> Response:
    username, slug = w.request.path_params["username"], w.request.path_params["slug"]
    user = owned(w, username)
    pledges.cancel_stepdown(w.ctx, user, slug)
    return w.redirect(goal_path(user, slug), "Stepdown cancelled.")


# ------------------------------------------------------------------ new goal wizard


def new_goal(w: Web) -> Response:
    user = w.require_user()
    if w.request.method == "GET":
        return w.render("goal_new.html", types=GOAL_TYPES, values={"goal_type": "hustler", "runits": "w"})
    f = w.form
    p: dict[str, Any] = {k: f.get(k, "").strip() for k in ("slug", "title", "goal_type", "gunits", "initval", "goalval", "rate", "runits")}
    p = {k: v for k, v in p.items() if v != ""}
    p["secret"] = f.get("secret", "false")
    try:
        p["goaldate"] = date_to_ts(f.get("goaldate", ""), user, user.default_deadline, "goaldate")
        view = goal_service.create(w.ctx, user, p)
    except Invalid as exc:
        return w.render("goal_new.html", status=422, types=GOAL_TYPES, values=f, errors=field_errors(exc))
    return w.redirect(goal_path(user, view.goal.slug), f"Goal '{view.goal.title}' created.")


def routes() -> list[BaseRoute]:
    one = "/{username}/{slug}"
    return [
        Route("/goals/new", page(new_goal), methods=["GET", "POST"]),
        Route(one + "/datapoints", page(add_point), methods=["POST"]),
        Route(one + "/datapoints/{point_id}", page(edit_point), methods=["POST"]),
        Route(one + "/datapoints/{point_id}/delete", page(delete_point), methods=["POST"]),
        Route(one + "/settings", page(save_settings), methods=["POST"]),
        Route(one + "/dial", page(dial), methods=["POST"]),
        Route(one + "/stepdown", page(stepdown), methods=["POST"]),
        Route(one + "/cancel_stepdown", page(cancel_stepdown), methods=["POST"]),
    ]


def public_routes() -> list[BaseRoute]:
    """Mounted last: /{user}/{slug} would otherwise shadow any two-segment path."""
    return [Route("/{username}/{slug}", page(show), methods=["GET"])]
