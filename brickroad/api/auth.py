"""Who is calling: auth_token, access_token, Bearer or HTTP Basic (Beebole style)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from brickroad.errors import Forbidden, Unauthorized
from brickroad.services import tokens
from brickroad.services.context import Context
from brickroad.services.models import User

BAD_AUTH_TOKEN = "No such auth_token found. (Did you mix up auth_token and access_token?)"
BAD_ACCESS_TOKEN = "No such access_token found. (Did you mix up auth_token and access_token?)"
NO_TOKEN = "No auth_token or access_token given: pass one as a parameter, a Bearer header or HTTP Basic."
API_DISABLED = "API calls are disabled for this account. Enable them under Account settings, Apps & API."


def _basic_credentials(header: str) -> list[str]:
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, IndexError):
        return []
    user, _, password = decoded.partition(":")
    return [c for c in (user, password) if c]


def _from_header(ctx: Context, header: str) -> User:
    scheme = header.split(" ", 1)[0].lower()
    if scheme == "bearer":
        token = header[7:].strip()
        user = tokens.user_for_access_token(ctx, token) or tokens.user_for_token(ctx, token)
        if user is None:
            raise Unauthorized("access_token", "bad_token", BAD_ACCESS_TOKEN)
        return user
    if scheme == "basic":
        for candidate in _basic_credentials(header):
            user = tokens.user_for_token(ctx, candidate) or tokens.user_for_access_token(ctx, candidate)
            if user is not None:
                return user
        raise Unauthorized("auth_token", "bad_token", BAD_AUTH_TOKEN)
    raise Unauthorized("token", "no_token", NO_TOKEN)


def credential(params: Mapping[str, object], headers: Mapping[str, str]) -> tuple[str, str] | None:
    """What `authenticate` will judge the caller by: equal credentials get equal answers."""
    for name in ("auth_token", "access_token"):
        if params.get(name) is not None:
            return name, str(params[name])
    header = headers.get("authorization")
    return ("authorization", header) if header else None


def is_personal_token(ctx: Context, credential: tuple[str, str] | None, user: User) -> bool:
    """Whether `credential` (from `credential()`) is `user`'s personal auth token, not an OAuth access token."""
    if credential is None or credential[0] == "access_token":
        return False
    kind, value = credential
    if kind == "authorization":
        scheme = value.split(" ", 1)[0].lower()
        candidates = [value[7:].strip()] if scheme == "bearer" else _basic_credentials(value) if scheme == "basic" else []
    else:
        candidates = [value]
    return any((owner := tokens.user_for_token(ctx, c)) is not None and owner.pk == user.pk for c in candidates)


def drop_credentials(params: dict[str, object]) -> None:
    """Remove credential params, so services never see them (as `authenticate` does)."""
    params.pop("auth_token", None)
    params.pop("access_token", None)


def authenticate(ctx: Context, params: dict[str, object], headers: Mapping[str, str]) -> User:
    """Resolve the caller; credential params are removed so services never see them."""
    auth_token, access_token = params.get("auth_token"), params.get("access_token")
    drop_credentials(params)
    if auth_token is not None:
        user = tokens.user_for_token(ctx, str(auth_token))
        if user is None:
            raise Unauthorized("auth_token", "bad_token", BAD_AUTH_TOKEN)
    elif access_token is not None:
        user = tokens.user_for_access_token(ctx, str(access_token))
        if user is None:
            raise Unauthorized("access_token", "bad_token", BAD_ACCESS_TOKEN)
    elif header := headers.get("authorization"):
        user = _from_header(ctx, header)
    else:
        raise Unauthorized("token", "no_token", NO_TOKEN)
    if not user.api_enabled:
        raise Forbidden(API_DISABLED)
    return user
