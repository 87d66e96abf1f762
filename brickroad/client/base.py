"""Constructor options shared by Client and AsyncClient, and the free-form `call()` request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx

from brickroad.client.models import CallResult
from brickroad.client.transport import (
    DEFAULT_BASE_URL,
    USER_AGENT,
    Config,
    auth_headers,
    auth_query,
    check,
    clean,
    decode_body,
    normalize_base_url,
    resolve,
)


class ClientBase:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        token: str | None = None,
        *,
        access_token: str | None = None,
        username: str = "me",
        timeout: float | httpx.Timeout = 30.0,
        max_retries: int = 3,
        max_retry_wait: float = 60.0,
        backoff: float = 0.5,
        user_agent: str = USER_AGENT,
        transport: Any = None,
    ) -> None:
        """`token` is a personal auth token; `access_token` an OAuth one (sent as Bearer).

        `base_url` may be a bare server (`http://127.0.0.1:8080`): `/api/v1/` is added.
        `username` is used in `/users/{username}/…` paths; `me` works everywhere.
        `transport` is handed to httpx (tests pass an `httpx.MockTransport`).
        """
        if token and access_token:
            raise ValueError("pass either token or access_token, not both")
        self.config = Config(
            base_url=normalize_base_url(base_url),
            token=token or access_token,
            token_kind="access_token" if access_token else "auth_token",
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            backoff=backoff,
        )
        self.username = username
        self.timeout = timeout
        self.default_headers = {"User-Agent": user_agent, "Accept": "application/json"}
        self._resolved_username: str | None = None if username == "me" else username
        self._setup_http(transport)

    def _setup_http(self, transport: Any) -> None:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self.config.base_url


@dataclass(frozen=True)
class RawCall:
    """A request described by the caller (`call()`): any method, path, headers, query, body."""

    method: str
    path: str
    headers: Mapping[str, str] | None = None
    query: Mapping[str, Any] | str | None = None
    body: Any = None

    def build(self, http: httpx.Client | httpx.AsyncClient, config: Config) -> httpx.Request:
        if isinstance(self.query, str):
            query: dict[str, str] = dict(parse_qsl(self.query.lstrip("?"), keep_blank_values=True))
        else:
            query = clean(self.query or {})
        headers = {**auth_headers(config), **dict(self.headers or {})}
        if "auth_token" not in query and "access_token" not in query:
            query.update(auth_query(config))
        kwargs: dict[str, Any] = {"params": query, "headers": headers}
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if isinstance(self.body, (dict, list)):
            if "x-www-form-urlencoded" in content_type and isinstance(self.body, dict):
                kwargs["data"] = clean(self.body)
            else:
                kwargs["json"] = self.body
        elif isinstance(self.body, (str, bytes)):
            kwargs["content"] = self.body
        return http.build_request(self.method.upper(), resolve(config, self.path), **kwargs)

    def result(self, response: httpx.Response, config: Config, raise_for_status: bool) -> CallResult:
        data = check(response, config) if raise_for_status else decode_body(response)
        return CallResult(response.status_code, dict(response.headers), data, response.text)
