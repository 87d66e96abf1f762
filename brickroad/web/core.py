"""The one place a browser request becomes a page: session, CSRF, user, errors, templates.

Page handlers are plain sync functions `(Web) -> Response` that call services;
`page()` wraps them into Starlette endpoints that run them in a worker thread.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from brickroad.errors import BrickroadError, Forbidden, Invalid, NotFound
from brickroad.services import sessions
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.web import filters
from brickroad.web import session as cookies

HERE = Path(__file__).resolve().parent

SECURITY_HEADERS = {
    # No inline script or style anywhere: an injected <script> can't run even if escaping failed.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",  # the consent page must never be framed (clickjacking)
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
filters.install(templates)


@dataclass
class Web:
    """Everything a page handler needs about the request."""

    request: Request
    ctx: Context
    session: cookies.Session
    user: User | None
    form: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    via: str | None = None  # how the session logged in (services/sessions.py)

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params)

    def require_user(self) -> User:
        if self.user is None:
            raise LoginRequired()
        return self.user

    def require_full_login(self) -> User:
        """The user, if this session's login proved the password or the personal token."""
        user = self.require_user()
        if self.via not in sessions.FULL_LOGINS:
            raise Forbidden("Log in with your password or your auth token to do this.")
        return user

    def render(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("errors", {})
        html = templates.get_template(name).render(
            user=self.user, csrf=self.session.csrf, flash=self.session.pop_flash(),
            path=self.request.url.path, **values,
        )
        return HTMLResponse(html, status_code=status)

    def redirect(self, url: str, message: str | None = None) -> RedirectResponse:
        if message:
            self.session.add_flash(message)
        return RedirectResponse(url, status_code=303)


class LoginRequired(Exception):
    """Raised by handlers that need a signed-in user; answered with a redirect to /login."""


class CsrfRejected(Exception):
    pass


def safe_target(url: str | None, host: str | None, default: str = "/") -> str:
    """`url` if it stays on this site (relative, or absolute to our own host); else `default`.

    Refuses scheme-relative (//evil), backslash tricks (/\\evil) and other
    schemes, so neither ?next= nor redirect_to_url can be an open redirect.
    """
    if not url or any(c in url for c in "\r\n\t\\") or len(url) > 2000:
        return default
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return url if url.startswith("/") and not url.startswith("//") else default
    if parts.scheme in ("http", "https") and host and parts.netloc.lower() == host.lower():
        return url
    return default


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


def error_page(ctx: Context, status: int, title: str, message: str, user: User | None = None) -> HTMLResponse:
    html = templates.get_template("error.html").render(
        user=user, csrf="", flash=[], path="", status=status, title=title, message=message
    )
    response = HTMLResponse(html, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def not_found_page(ctx: Context, user: User | None = None) -> HTMLResponse:
    return error_page(ctx, 404, "Not found", "There's nothing here, or it isn't yours to see.", user)


def _secure_cookies(ctx: Context) -> bool:
    return ctx.settings.base_url.startswith("https://")


def current_login(ctx: Context, session: cookies.Session) -> sessions.WebSession | None:
    if session.sid is None:
        return None
    login = sessions.lookup(ctx, session.sid)
    if login is None:
        session.logout()  # ended (logout elsewhere, password or token change), expired, or account gone
    return login


def check_csrf(session: cookies.Session, form: dict[str, str]) -> None:
    sent = form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise CsrfRejected()


Handler = Callable[[Web], Response]


def page(handler: Handler, csrf: bool = True) -> Callable[[Request], Any]:
    """A Starlette endpoint for a page handler; POSTs must carry the session's CSRF token."""

    async def endpoint(request: Request) -> Response:
        ctx: Context = request.app.state.ctx
        session = cookies.load(request, ctx.settings.secret)
        form: dict[str, str] = {}
        if request.method == "POST":
            try:
                data = await request.form()
            except ClientDisconnect:  # left mid-body (or timed out): nobody to answer, nothing to log
                return Response(status_code=400)
            # Last value wins: a hidden "false" followed by a checked checkbox's "true".
            form = {k: v for k, v in data.multi_items() if isinstance(v, str)}
        if any("\x00" in k + v for k, v in [*form.items(), *request.query_params.multi_items()]):
            # PostgreSQL text can't hold NUL, and no field of ours means anything by it.
            return error_page(ctx, 400, "Invalid request", "Form fields and parameters can't contain NUL characters.")

        def run() -> Response:
            login = current_login(ctx, session)
            user = login.user if login else None
            w = Web(request, ctx, session, user, form, via=login.via if login else None)
            try:
                if csrf and request.method == "POST":
                    check_csrf(session, form)
                response = handler(w)
                response.headers.update(w.headers)
                return response
            except LoginRequired:
                return RedirectResponse(login_url(request), status_code=303)
            except CsrfRejected:
                return error_page(ctx, 403, "Form expired",
                                  "This form's security token didn't match. Go back, reload the page and try again.", user)
            except NotFound:
                return not_found_page(ctx, user)
            except Forbidden as exc:
                return error_page(ctx, 403, "Not allowed", str(exc), user)
            except Invalid as exc:
                # Handlers that can re-render their form catch Invalid themselves.
                return error_page(ctx, 422, "That didn't work", _invalid_text(exc), user)
            except BrickroadError as exc:
                return error_page(ctx, exc.status, "That didn't work", str(exc), user)

        response = await run_in_threadpool(run)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        cookies.save(response, session, ctx.settings.secret, _secure_cookies(ctx))
        return response

    return endpoint


def _invalid_text(exc: Invalid) -> str:
    return "; ".join(f"{'' if k == 'base' else k + ' '}{' '.join(v)}" for k, v in exc.fields.items())


def field_errors(exc: Invalid) -> dict[str, str]:
    """Invalid's fields as one message per field, for showing beside the inputs."""
    return {k: " ".join(v) for k, v in exc.fields.items()}
