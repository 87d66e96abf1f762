"""Account settings → Apps & API: the auth token, the API switch, today's quota, the callback
signing secret, authorised apps (revoke), and registering OAuth clients for developers."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from brickroad.errors import Conflict, Invalid
from brickroad.services import accounts, oauth, quotas, sessions, signing, tokens
from brickroad.services.models import User
from brickroad.store.ids import parse_pk
from brickroad.web.core import Web, field_errors, page

APPS = "/settings/apps"


def apps_page(w: Web, status: int = 200, **extra: object) -> Response:
    user = w.require_user()
    usage = quotas.for_context(w.ctx).today(user)
    # Example authorize URLs use the address the developer is looking at, else the configured one.
    host = w.request.headers.get("host")
    origin = f"{w.request.url.scheme}://{host}" if host else w.ctx.settings.base_url
    return w.render(
        "settings_apps.html", status=status, section="apps", token=_token_for(w, user), usage=usage,
        authorised=oauth.authorised_apps(w.ctx, user), clients=oauth.clients_of(w.ctx, user),
        signing_secret=signing.current_user_secret(w.ctx, user),
        app_secret=lambda client: signing.app_secret(w.ctx.settings, client.pk),
        origin=origin, values=extra.pop("values", {}), **extra,
    )


def _token_for(w: Web, user: User) -> str:
    if w.via not in sessions.FULL_LOGINS:
        return "(log in with your password to see your auth token)"
    return tokens.current_token(w.ctx, user)


def show(w: Web) -> Response:
    return apps_page(w)


def rotate_token(w: Web) -> Response:
    user = w.require_full_login()
    tokens.rotate(w.ctx, user, keep_session=w.session.sid)  # every other browser is logged out
    return w.redirect(APPS, "New auth token issued. The old one no longer works, and other devices have been logged out.")


def rotate_signing_secret(w: Web) -> Response:
    user = w.require_user()
    signing.rotate_user_secret(w.ctx, user)
    return w.redirect(APPS, "New callback signing secret. Deliveries from now on are signed with it.")


def api_switch(w: Web) -> Response:
    user = w.require_user()
    enabled = w.form.get("enabled") == "true"
    accounts.set_api_enabled(w.ctx, user, enabled)
    return w.redirect(APPS, "API calls enabled." if enabled else "API calls disabled: tokens are refused until you enable them again.")


def revoke(w: Web) -> Response:
    user = w.require_user()
    client_pk = parse_pk(w.request.path_params["client_pk"])
    oauth.revoke_app(w.ctx, user, client_pk)  # the deauthorize callback goes out through the outbox
    return w.redirect(APPS, "Access revoked. The app will be told.")


def register_client(w: Web) -> Response:
    user = w.require_user()
    f = w.form
    try:
        client, secret = oauth.register_client(
            w.ctx, user, f.get("name", ""), f.get("redirect_uri", ""),
            f.get("deauthorize_url", ""), f.get("autofetch_url", ""), implicit=f.get("implicit") != "false",
        )
    except (Invalid, Conflict) as exc:
        return apps_page(w, status=422, errors=field_errors(exc), values=f)
    return apps_page(w, new_client=client, new_secret=secret)


def routes() -> list[BaseRoute]:
    return [
        Route(APPS, page(show), methods=["GET"]),
        Route(APPS + "/token", page(rotate_token), methods=["POST"]),
        Route(APPS + "/signing", page(rotate_signing_secret), methods=["POST"]),
        Route(APPS + "/api", page(api_switch), methods=["POST"]),
        Route(APPS + "/revoke/{client_pk}", page(revoke), methods=["POST"]),
        Route("/apps/new", page(register_client), methods=["POST"]),
    ]
