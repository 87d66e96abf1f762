"""What the sync and async clients share: URLs, auth, encoding, retries, decoding.

Each API operation is described once as a `Call` (see endpoints.py); the two
clients only differ in how they send it and how they sleep between retries.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from brickroad.client import errors

T = TypeVar("T")

DEFAULT_BASE_URL = "https://www.beeminder.com/api/v1/"
USER_AGENT = "brickroad-client/0.1"
# Statuses that mean "not processed, try again later" (rate limit, maintenance).
RETRY_STATUSES = (429, 503)


def normalize_base_url(url: str) -> str:
    """Accept `http://host:8080`, `…/api` or `…/api/v1[/]` and return `…/api/v1/`."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    path = url.rstrip("/")
    if path.endswith("/api/v1"):
        return path + "/"
    if path.endswith("/api"):
        return path + "/v1/"
    return path + "/api/v1/"


@dataclass(frozen=True)
class Config:
    base_url: str = DEFAULT_BASE_URL
    token: str | None = None
    # "auth_token" (personal token, sent as a parameter, as Beeminder documents)
    # or "access_token" (OAuth, sent as `Authorization: Bearer`).
    token_kind: str = "auth_token"
    max_retries: int = 3
    # Never sleep longer than this for one Retry-After; fail instead.
    max_retry_wait: float = 60.0
    backoff: float = 0.5

    @property
    def api_root(self) -> str:
        """The URL that `/v1/...` paths are relative to (Beeminder's `…/api/`)."""
        base = self.base_url
        return base[: -len("v1/")] if base.endswith("/v1/") else base


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request: path relative to the base URL, parameters, and how to read the answer."""

    method: str
    path: str
    parse: Callable[[Any], T]
    query: Mapping[str, Any] = field(default_factory=dict)
    form: Mapping[str, Any] | None = None
    json: Any = None


def param_text(value: Any) -> str:
    """Parameters on the wire: booleans as true/false, as Beeminder expects."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def clean(params: Mapping[str, Any]) -> dict[str, str]:
    return {k: param_text(v) for k, v in params.items() if v is not None}


def resolve(config: Config, path: str) -> str:
    """An absolute URL for `path`, refusing other hosts so the token never leaks."""
    if path.startswith(("http://", "https://")):
        target, base = urlsplit(path), urlsplit(config.base_url)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise ValueError(f"refusing to send the token to {target.netloc}; use a path relative to {config.base_url}")
        return path
    stripped = path.lstrip("/")
    if stripped.startswith("v1/") or stripped.startswith("api/v1/"):
        root = config.api_root
        if stripped.startswith("api/"):
            root = root[: -len("api/")] if root.endswith("api/") else root
        return urljoin(root, stripped)
    return urljoin(config.base_url, stripped)


def auth_query(config: Config) -> dict[str, str]:
    if config.token and config.token_kind == "auth_token":
        return {"auth_token": config.token}
    return {}


def auth_headers(config: Config) -> dict[str, str]:
    if config.token and config.token_kind == "access_token":
        return {"Authorization": f"Bearer {config.token}"}
    return {}


def build_request(http: httpx.Client | httpx.AsyncClient, config: Config, call: Call[Any]) -> httpx.Request:
    query = {**clean(call.query), **auth_query(config)}
    kwargs: dict[str, Any] = {"params": query, "headers": auth_headers(config)}
    if call.json is not None:
        kwargs["json"] = call.json
    elif call.form:
        kwargs["data"] = clean(call.form)
    return http.build_request(call.method, resolve(config, call.path), **kwargs)


def retry_delay(response: httpx.Response, attempt: int, config: Config) -> float | None:
    """Seconds to wait before retrying, or None to stop and report the response."""
    if response.status_code not in RETRY_STATUSES or attempt >= config.max_retries:
        return None
    header = response.headers.get("retry-after")
    delay = config.backoff * (2**attempt)
    if header:
        header = header.strip()
        try:
            delay = max(0.0, float(header))
        except ValueError:
            when = email.utils.parsedate_to_datetime(header) if header else None
            if when is not None:
                delay = max(0.0, when.timestamp() - time.time())
    return delay if delay <= config.max_retry_wait else None


def decode_body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def check(response: httpx.Response, config: Config) -> Any:
    """The decoded body of a successful response; raise the matching ApiError otherwise."""
    body = decode_body(response)
    if isinstance(body, dict) and "successes" in body and body.get("errors"):
        raise errors.PartialFailure(
            response.status_code, str(response.request.url.copy_remove_param("auth_token")),
            response.request.method, body, config.base_url,
        )
    if response.status_code >= 400:
        cls = errors.for_status(response.status_code)
        raise cls(
            response.status_code,
            str(response.request.url.copy_remove_param("auth_token")),
            response.request.method,
            body,
            response.text,
            config.base_url,
        )
    return body


def parse(call: Call[T], response: httpx.Response, config: Config) -> T:
    """check() the response, then read it into the call's dataclass(es)."""
    body = check(response, config)
    try:
        return call.parse(body)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        shown = " ".join(response.text.split())[:80]
        url = str(response.request.url.copy_remove_param("auth_token"))
        raise errors.UnexpectedResponse(url, f"{exc} (body starts {shown!r})") from exc


def connection_failed(exc: httpx.TransportError, config: Config) -> errors.ConnectionFailed:
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        reason = f"timed out ({type(exc).__name__})"
    elif isinstance(exc, httpx.ConnectError) and "refused" in reason.lower():
        reason = "connection refused"
    return errors.ConnectionFailed(config.base_url, reason)
