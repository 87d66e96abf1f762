"""Sign up, log in, log out, change password, and the session-backed /api/v1/auth_token.json."""

from __future__ import annotations

from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from brickroad.api.responses import JSON
from brickroad.errors import Conflict, Invalid, NotFound
from brickroad.services import accounts, charges, sessions, tokens
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.web import session as cookies
from brickroad.web.core import Web, current_login, field_errors, page, safe_target
from brickroad.web.throttle import SIGNUP_WINDOW, WINDOW, LoginThrottle, SignupThrottle, counter_for

WRONG_LOGIN = "Wrong username or password."
NOT_LOGGED_IN = "You need to log in or sign up before continuing."
NOT_FULL_LOGIN = "This session can't see the auth token: log in with your password or the token itself."
COMMON_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
    "Europe/London", "Europe/Paris", "Europe/Berlin", "Africa/Lagos", "Asia/Kolkata", "Asia/Shanghai",
    "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC",
)


def throttle(request: Request) -> LoginThrottle:
    state = request.app.state
    if not hasattr(state, "login_throttle"):
        state.login_throttle = LoginThrottle(counter=counter_for(state.ctx, "login", WINDOW))
    return state.login_throttle  # type: ignore[no-any-return]


def signup_throttle(w: Web) -> SignupThrottle:
    state = w.request.app.state
    if not hasattr(state, "signup_throttle"):
        state.signup_throttle = SignupThrottle(
            w.ctx.settings.signups_per_hour, counter=counter_for(w.ctx, "signup", SIGNUP_WINDOW)
        )
    return state.signup_throttle  # type: ignore[no-any-return]


def _address(w: Web) -> str:
    return w.request.client.host if w.request.client else "unknown"


def _try_again_in(wait: int) -> str:
    minutes = max(1, round(wait / 60))
    return f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def start_session(w: Web, user: User, via: str) -> None:
    if w.session.sid:  # a new login replaces the browser's old session, server-side too
        sessions.end(w.ctx, w.session.sid)
    w.session.login(sessions.start(w.ctx, user, via))
    w.user, w.via = user, via


def _next(w: Web) -> str:
    return safe_target(w.form.get("next") or w.query.get("next"), w.request.headers.get("host"))


def signup(w: Web) -> Response:
    if w.request.method == "GET":
        return w.render("signup.html", zones=COMMON_ZONES, values={}, next=_next(w))
    f = w.form
    values = {k: f.get(k, "") for k in ("username", "email", "timezone")}
    errors: dict[str, str] = {}
    limiter, address = signup_throttle(w), _address(w)
    wait = limiter.retry_after(address)
    if wait:
        errors["base"] = f"Too many new accounts from your network. {_try_again_in(wait)}"
        return w.render("signup.html", status=429, zones=COMMON_ZONES, values=values, errors=errors, next=_next(w))
    if f.get("password", "") != f.get("password_confirm", ""):
        errors["password_confirm"] = "doesn't match the password"
    else:
        try:
            user = accounts.create_user(
                w.ctx, values["username"].strip(), timezone=values["timezone"] or "America/New_York",
                password=f.get("password", ""), email=values["email"].strip() or None,
            )
        except (Invalid, Conflict) as exc:
            errors = field_errors(exc)
        else:
            limiter.signed_up(address)
            start_session(w, user, sessions.SIGNUP)
            return w.redirect(_next(w), f"Welcome, {user.username}! Make your first goal.")
    return w.render("signup.html", status=422, zones=COMMON_ZONES, values=values, errors=errors, next=_next(w))


def login(w: Web) -> Response:
    if w.request.method == "GET":
        if w.user is not None:
            return w.redirect(_next(w))
        return w.render("login.html", username="", next=_next(w))
    username = w.form.get("username", "").strip()
    address = _address(w)
    limiter = throttle(w.request)
    wait = limiter.retry_after(address, username)
    if wait:
        return w.render("login.html", status=429, username=username, next=_next(w),
                        errors={"base": f"Too many failed attempts. {_try_again_in(wait)}"})
    user = accounts.check_password(w.ctx, username, w.form.get("password", ""))
    if user is None:
        limiter.failed(address, username)
        # One message for both cases: it must not reveal whether the name exists.
        return w.render("login.html", status=401, username=username, next=_next(w), errors={"base": WRONG_LOGIN})
    limiter.succeeded(address, username)
    start_session(w, user, sessions.PASSWORD)
    return w.redirect(_next(w))


def logout(w: Web) -> Response:
    if w.session.sid:
        sessions.end(w.ctx, w.session.sid)  # a copy of the cookie dies with it
    w.session.logout()
    return w.redirect("/", "You're logged out.")


def logout_everywhere(w: Web) -> Response:
    sessions.end_all(w.ctx, w.require_user())
    w.session.logout()
    return w.redirect("/login", "You're logged out on every device.")


def _account_page(w: Web, status: int = 200, **extra: object) -> Response:
    user = w.require_user()
    zones = COMMON_ZONES if user.timezone in COMMON_ZONES else (user.timezone, *COMMON_ZONES)
    extra.setdefault("has_password", sessions.has_password(w.ctx, user))
    extra.setdefault("charges", charges.ledger(w.ctx, user, limit=charges.RECENT))
    return w.render("settings_account.html", status=status, section="account", zones=zones, **extra)


def preferences(w: Web) -> Response:
    """Timezone and the reminder defaults new goals start with (the API's PUT /users/{u})."""
    from brickroad.web.goal_pages import deadline_from_clock, parse_clock

    user = w.require_user()
    f = w.form
    try:
        leadtime = f.get("default_leadtime", "").strip()
        accounts.update_settings(
            w.ctx, user, timezone=f.get("timezone") or None,
            default_deadline=deadline_from_clock(f["default_deadline"]) if f.get("default_deadline") else None,
            default_alertstart=parse_clock(f["default_alertstart"], "default_alertstart") if f.get("default_alertstart") else None,
            default_leadtime=int(leadtime) if leadtime.isdigit() else None,
        )
    except Invalid as exc:
        return _account_page(w, status=422, pref_errors=field_errors(exc))
    return w.redirect("/settings", "Preferences saved.")


def account(w: Web) -> Response:
    user = w.require_user()
    has_password = sessions.has_password(w.ctx, user)
    if w.request.method == "GET":
        return _account_page(w, has_password=has_password)
    w.require_full_login()
    errors: dict[str, str] = {}
    if has_password and accounts.check_password(w.ctx, user.username, w.form.get("current_password", "")) is None:
        errors["current_password"] = "isn't your current password"
    elif w.form.get("new_password", "") != w.form.get("new_password_confirm", ""):
        errors["new_password_confirm"] = "doesn't match the new password"
    else:
        try:
            accounts.set_password(w.ctx, user, w.form.get("new_password", ""))
        except Invalid as exc:
            errors = {"new_password": " ".join(exc.fields.get("password", [str(exc)]))}
        else:
            # Every session died with the old password; this browser carries on in a new one.
            start_session(w, user, w.via or sessions.PASSWORD)
            return w.redirect("/settings", "Password changed. Other devices have been logged out."
                              if has_password else "Password set. You can now log in with it.")
    return _account_page(w, status=422, errors=errors, has_password=has_password)


async def auth_token_json(request: Request) -> Response:
    """GET /api/v1/auth_token.json: the logged-in user's personal token (REFERENCE §2.1)."""
    from starlette.concurrency import run_in_threadpool

    ctx: Context = request.app.state.ctx
    session = cookies.load(request, ctx.settings.secret)

    def run() -> Response:
        login = current_login(ctx, session)
        if login is None:
            return JSON({"error": NOT_LOGGED_IN}, status_code=401)
        if not login.full:
            return JSON({"errors": {"message": NOT_FULL_LOGIN}}, status_code=403)
        return JSON({"username": login.user.username, "auth_token": tokens.current_token(ctx, login.user)})

    response = await run_in_threadpool(run)
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[BaseRoute]:
    return [
        Route("/signup", page(signup), methods=["GET", "POST"]),
        Route("/login", page(login), methods=["GET", "POST"]),
        Route("/logout", page(logout), methods=["POST"]),
        Route("/logout/everywhere", page(logout_everywhere), methods=["POST"]),
        Route(TOKEN_LOGIN, page(confirm_token_login), methods=["GET", "POST"]),
        Route("/settings", page(account), methods=["GET", "POST"]),
        Route("/settings/preferences", page(preferences), methods=["POST"]),
        Route("/api/v1/auth_token", auth_token_json, methods=["GET"]),
    ]


TOKEN_LOGIN = "/login/token"
TICKET_LIFETIME = 300  # seconds a redirect_to_url login waits for its confirmation


def _tickets(ctx: Context) -> URLSafeSerializer:
    return URLSafeSerializer(ctx.settings.secret, salt="brickroad.token-login")


def token_login(ctx: Context, user: User, target: str | None, host: str | None) -> Response:
    """GET /api/v1/users/{u}.json?redirect_to_url=…: send the browser on to log in as the token's owner.

    The API caller proved the personal token; the browser gets a short-lived
    ticket naming the user and the token's version (so rotating the token
    voids it) and confirms on our page before a session starts: a crafted link
    can't silently log a victim's browser into someone else's account (login CSRF).
    The target must be on this site, so the link can't bounce anyone elsewhere.
    """
    ticket = _tickets(ctx).dumps({"u": user.pk, "v": user.token_version, "e": ctx.clock.now() + TICKET_LIFETIME})
    query = urlencode({"ticket": ticket, "next": safe_target(target, host)})
    return RedirectResponse(f"{TOKEN_LOGIN}?{query}", status_code=302)


def _ticket_user(w: Web, ticket: str) -> User | None:
    """The user a valid, unexpired ticket names, if their token hasn't changed since and the API is on."""
    try:
        data = _tickets(w.ctx).loads(ticket)
        expired = int(data["e"]) < w.ctx.clock.now()
        user = accounts.get_user_by_pk(w.ctx, int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError, NotFound):
        return None
    if expired or user.token_version != data.get("v") or not user.api_enabled:
        return None
    return user


def confirm_token_login(w: Web) -> Response:
    """The confirmation page of a redirect_to_url login, and its POST that starts the session."""
    source = w.form if w.request.method == "POST" else w.query
    target = safe_target(source.get("next"), w.request.headers.get("host"))
    user = _ticket_user(w, source.get("ticket", ""))
    if user is None:
        return w.render("error.html", status=400, title="Login link expired",
                        message="This login link is invalid or has expired. Ask the app for a new one.")
    if w.user is not None and w.user.pk == user.pk:
        return w.redirect(target)  # already this user: nothing to confirm
    if w.request.method == "GET":
        return w.render("login_token.html", account=user.username, ticket=source["ticket"], next=target)
    start_session(w, user, sessions.TOKEN)
    return w.redirect(target)
