"""OAuth pages: /apps/authorize (consent, then redirect) and POST /oauth/token.

Errors about the client itself (unknown client_id, a redirect_uri that isn't
the registered one) are shown here and never redirected: sending the browser
to an unverified URL is exactly what the exact-match rule is for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from oauthlib.oauth2 import FatalClientError, OAuth2Error
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from brickroad.services import oauth
from brickroad.services.context import Context
from brickroad.web.core import Web, error_page, page
from brickroad.web.oauth_server import provider

# The parameters an authorization request may carry through the consent form.
AUTH_PARAMS = ("client_id", "redirect_uri", "response_type", "state", "code_challenge", "code_challenge_method", "scope")


def _auth_uri(w: Web, params: dict[str, str]) -> str:
    base = str(w.request.url.replace(query=""))
    return base + "?" + urlencode(params)


def _fatal(w: Web, exc: OAuth2Error) -> Response:
    return error_page(w.ctx, 400, "This app's request is broken",
                      f"{exc.description or exc.error}. Nothing was shared; tell the app's developer.", w.user)


def authorize(w: Web) -> Response:
    user = w.require_user()  # anonymous visitors log in first and come back here
    source = w.form if w.request.method == "POST" else w.query
    params = {k: source[k] for k in AUTH_PARAMS if source.get(k)}
    uri = _auth_uri(w, params)
    server = provider(w.ctx).authorization
    try:
        _scopes, info = server.validate_authorization_request(uri, "GET")
    except FatalClientError as exc:
        return _fatal(w, exc)
    except OAuth2Error as exc:
        # Non-fatal: the redirect URI is verified, so the app hears about it there.
        return RedirectResponse(exc.in_uri(exc.redirect_uri), status_code=302)
    client: oauth.OAuthClient = info["request"].client
    if w.request.method == "GET":
        # This page's form ends in a redirect to the app: allow that target in form-action.
        target = urlsplit(client.redirect_uri)
        w.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"form-action 'self' {target.scheme}://{target.netloc}; frame-ancestors 'none'; base-uri 'none'"
        )
        return w.render("oauth_authorize.html", client=client, params=params)
    if w.form.get("decision") != "allow":
        denied = {"error": "access_denied", **({"state": params["state"]} if "state" in params else {})}
        sep = "&" if "?" in client.redirect_uri else "?"
        return RedirectResponse(client.redirect_uri + sep + urlencode(denied), status_code=303)
    try:
        headers, _body, _status = server.create_authorization_response(uri, "GET", scopes=[], credentials={"user": user})
    except FatalClientError as exc:
        return _fatal(w, exc)
    except OAuth2Error as exc:
        return RedirectResponse(exc.in_uri(exc.redirect_uri), status_code=303)
    return RedirectResponse(headers["Location"], status_code=303)


def _has_nul(body: str) -> bool:
    """A NUL in any form field (PostgreSQL text can't hold one, and no OAuth value has one)."""
    return any("\x00" in k or "\x00" in v for k, v in parse_qsl(body, keep_blank_values=True))


def _invalid_request() -> Response:
    return JSONResponse({"error": "invalid_request", "error_description": "Parameters can't contain NUL characters"},
                        status_code=400)


async def token(request: Request) -> Response:
    """POST /oauth/token: authorization code (+ PKCE verifier) for an access token."""
    ctx: Context = request.app.state.ctx
    body = (await request.body()).decode("utf-8", "replace")
    if _has_nul(body):
        return _invalid_request()
    headers = {k: v for k, v in request.headers.items()}

    def run() -> Any:
        return provider(ctx).token.create_token_response(str(request.url), "POST", body, headers)

    out_headers, out_body, status = await run_in_threadpool(run)
    response = Response(out_body, status_code=status, media_type="application/json")
    response.headers.update({k: v for k, v in out_headers.items() if k.lower() != "content-type"})
    return response


async def revoke(request: Request) -> Response:
    """POST /oauth/revoke (RFC 7009): an app revokes one of its own access tokens."""
    ctx: Context = request.app.state.ctx
    body = (await request.body()).decode("utf-8", "replace")
    if _has_nul(body):
        return _invalid_request()
    headers = {k: v for k, v in request.headers.items()}

    def run() -> Any:
        return provider(ctx).revocation.create_revocation_response(str(request.url), "POST", body, headers)

    out_headers, out_body, status = await run_in_threadpool(run)
    response = Response(out_body or "", status_code=status, media_type="application/json" if out_body else None)
    response.headers.update({k: v for k, v in out_headers.items() if k.lower() != "content-type"})
    return response


def apps_index(w: Web) -> Response:
    """Beeminder's /apps and /apps/new live under Apps & API here."""
    return RedirectResponse("/settings/apps#developers", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/apps/authorize", page(authorize), methods=["GET", "POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
        Route("/apps", page(apps_index), methods=["GET"]),
        Route("/apps/new", page(apps_index), methods=["GET"]),
    ]
