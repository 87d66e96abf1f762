"""The OAuth 2 provider, built from oauthlib's grant and endpoint classes.

oauthlib does the protocol: parameter checks, duplicate-parameter and
redirect-URI rules, error codes and where they go, `state` round-trips, PKCE
verification. This module only answers its questions (`RequestValidator`)
from services/oauth.py. Two Beeminder-isms are configured, not coded:

* the implicit grant answers in the query string (`?access_token=…&username=…`)
  rather than the fragment, as Beeminder's docs say clients expect;
* tokens never expire, so `expires_in` is dropped and `username` added, and no
  refresh token is issued (there is nothing to refresh; a refresh token that
  was just another access token would outlive revoking the first).

The code grant insists on PKCE with S256 for every client; a client that also
sends its secret is authenticated with it.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2 import AuthorizationEndpoint, BearerToken, RequestValidator, RevocationEndpoint, TokenEndpoint
from oauthlib.oauth2.rfc6749.grant_types import AuthorizationCodeGrant, ImplicitGrant
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256

from brickroad.services import oauth
from brickroad.services.context import Context


class _S256OnlyCodeGrant(AuthorizationCodeGrant):
    # "plain" PKCE protects nothing against a code thief who also saw the request.
    _code_challenge_methods = {"S256": code_challenge_method_s256}


class Validator(RequestValidator):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- clients
    def validate_client_id(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        client = oauth.find_client(self.ctx, client_id)
        request.client = client
        return client is not None

    def _secret_from(self, request: OAuthRequest) -> tuple[str, str]:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                raw = base64.b64decode(header[6:].strip()).decode()
                cid, _, secret = raw.partition(":")
                return unquote(cid), unquote(secret)
            except (ValueError, UnicodeDecodeError):
                return "", ""
        return request.client_id or "", getattr(request, "client_secret", None) or ""

    def client_authentication_required(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        # Public clients (no secret sent) rely on PKCE, which the code grant requires anyway.
        return bool(self._secret_from(request)[1])

    def authenticate_client(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        client_id, secret = self._secret_from(request)
        client = oauth.check_client_secret(self.ctx, client_id, secret)
        request.client = client
        return client is not None

    def authenticate_client_id(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        return self.validate_client_id(client_id, request)

    # -- redirect URIs: exact string match with the registered one
    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        client = request.client or oauth.find_client(self.ctx, client_id)
        return client is not None and redirect_uri == client.redirect_uri

    def get_default_redirect_uri(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> str | None:
        client = request.client or oauth.find_client(self.ctx, client_id)
        return client.redirect_uri if client is not None else None

    # -- what each client may ask for: everything (Beeminder has no scopes)
    def validate_response_type(self, client_id: str, response_type: str, client: Any, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        # An app that opted out of the implicit grant can't be driven around PKCE through it.
        return response_type == "code" or (response_type == "token" and bool(client and client.implicit_allowed))

    def validate_grant_type(self, client_id: str, grant_type: str, client: Any, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        return grant_type == "authorization_code"

    def validate_scopes(self, client_id: str, scopes: list[str], client: Any, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        return True

    def get_default_scopes(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> list[str]:
        return []

    # -- PKCE
    def is_pkce_required(self, client_id: str, request: OAuthRequest) -> bool:
        return True

    def get_code_challenge(self, code: str, request: OAuthRequest) -> str | None:
        grant = getattr(request, "brickroad_grant", None)
        return grant.code_challenge if grant is not None else None

    def get_code_challenge_method(self, code: str, request: OAuthRequest) -> str | None:
        grant = getattr(request, "brickroad_grant", None)
        return grant.code_challenge_method if grant is not None else None

    # -- authorization codes
    def save_authorization_code(self, client_id: str, code: dict[str, str], request: OAuthRequest, *args: Any, **kwargs: Any) -> None:
        oauth.create_grant(
            self.ctx, request.client, request.user, code["code"], request.redirect_uri,
            request.code_challenge, request.code_challenge_method,
        )

    def validate_code(self, client_id: str, code: str, client: Any, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        # Redeemed (used up) right here, so two racing exchanges can't both succeed.
        grant = oauth.redeem_grant(self.ctx, client, code)
        if grant is None:
            return False
        request.brickroad_grant = grant
        request.user = grant.user
        request.scopes = []
        return True

    def confirm_redirect_uri(self, client_id: str, code: str, redirect_uri: str, client: Any, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        grant = getattr(request, "brickroad_grant", None)
        return grant is not None and redirect_uri == grant.redirect_uri

    def invalidate_authorization_code(self, client_id: str, code: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> None:
        pass  # already used up by validate_code

    # -- tokens: the generator below has already stored the row
    def save_bearer_token(self, token: dict[str, Any], request: OAuthRequest, *args: Any, **kwargs: Any) -> None:
        pass

    def revoke_token(self, token: str, token_type_hint: str | None, request: OAuthRequest, *args: Any, **kwargs: Any) -> None:
        # The hint is only a hint (RFC 7009 §2.1): whatever it says, the token is looked up and revoked.
        # Unknown or foreign tokens are ignored silently (§2.2: the client can't act on such an error).
        oauth.revoke_token(self.ctx, request.client, token)


class Provider:
    """The authorization endpoint (code and implicit), the token endpoint and RFC 7009 revocation."""

    def __init__(self, ctx: Context) -> None:
        validator = Validator(ctx)

        def generate(request: OAuthRequest) -> str:
            grant = getattr(request, "brickroad_grant", None)  # None in the implicit flow
            return oauth.issue_access_token(ctx, request.user, request.client, grant.pk if grant else None)

        def beeminder_shape(token: dict[str, Any], _handler: Any, request: OAuthRequest) -> dict[str, Any]:
            token.pop("expires_in", None)
            token.pop("scope", None)
            token["username"] = request.user.username
            return token

        bearer = BearerToken(validator, token_generator=generate)
        code = _S256OnlyCodeGrant(validator, refresh_token=False)
        implicit = ImplicitGrant(validator, default_response_mode="query")
        for grant in (code, implicit):
            grant.register_token_modifier(beeminder_shape)
        self.authorization = AuthorizationEndpoint(
            default_response_type="code", default_token_type=bearer,
            response_types={"code": code, "token": implicit},
        )
        self.token = TokenEndpoint(
            default_grant_type="authorization_code", default_token_type=bearer,
            grant_types={"authorization_code": code},
        )
        # "refresh_token" is accepted as a hint (and ignored) rather than refused as unsupported.
        self.revocation = RevocationEndpoint(validator, supported_token_types=("access_token", "refresh_token"))


def provider(ctx: Context) -> Provider:
    """One provider per context (the validator holds no per-request state)."""
    existing = getattr(ctx, "_oauth_provider", None)
    if existing is None:
        existing = Provider(ctx)
        ctx._oauth_provider = existing  # type: ignore[attr-defined]
    return existing
