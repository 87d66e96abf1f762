"""Exceptions raised by the client, each carrying what the server said.

Beeminder is inconsistent about error bodies: `{"error": "…"}` for 401-login
and 404, `{"errors": {...}}` for validation (field -> [messages]),
`{"errors": "…"}` for refused actions. We keep both keys verbatim and derive one
readable line from whichever is present.
"""

from __future__ import annotations

from typing import Any


def describe(errors: Any, error: Any) -> str:
    """One human line from Beeminder's `errors` (dict, list or str) / `error` (str)."""
    if isinstance(errors, str) and errors:
        return errors
    if isinstance(errors, dict) and errors:
        if isinstance(errors.get("message"), str):
            return errors["message"]
        parts = []
        for key, val in errors.items():
            msgs = val if isinstance(val, list) else [val]
            text = ", ".join(str(m) for m in msgs)
            parts.append(text if key == "base" else f"{key}: {text}")
        return "; ".join(parts)
    if isinstance(errors, list) and errors:
        return "; ".join(describe(e, None) if not isinstance(e, str) else e for e in errors)
    if isinstance(error, str) and error:
        return error
    return ""


class BeeminderError(Exception):
    """Base class for everything the client raises."""


class ConnectionFailed(BeeminderError):
    """The server could not be reached (DNS, refused, TLS, timeout)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach {url}: {reason}")
        self.url, self.reason = url, reason


class UnexpectedResponse(BeeminderError):
    """A 2xx answer that isn't the JSON the endpoint promises (wrong URL, a proxy page, …)."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"unexpected answer from {url}: {detail}")
        self.url = url


class ApiError(BeeminderError):
    """The server answered with an error status."""

    def __init__(
        self,
        status: int,
        url: str,
        method: str = "GET",
        body: Any = None,
        text: str = "",
        base_url: str = "",
    ) -> None:
        self.status, self.url, self.method = status, url, method
        self.body = body
        self.base_url = base_url or url
        self.errors: Any = body.get("errors") if isinstance(body, dict) else None
        self.error: Any = body.get("error") if isinstance(body, dict) else None
        # A proxy's HTML error page must still come out as one line.
        self.message = describe(self.errors, self.error) or " ".join(text.split())[:200] or "error"
        super().__init__(self.line())

    def line(self) -> str:
        return f"{self.status}: {self.message}"


class AuthError(ApiError):
    """401: the token is missing, wrong or revoked."""

    def line(self) -> str:
        return f"{self.status}: bad auth token for {self.base_url} ({self.message})"


class Forbidden(ApiError):
    """403: authenticated, but not allowed (other user's data, API disabled)."""


class NotFound(ApiError):
    """404: no such user, goal, datapoint or endpoint."""


class ValidationError(ApiError):
    """422 (and 400/406/409): the server refused the parameters or the action."""


class RateLimited(ApiError):
    """429 that persisted through the retries."""


class ServerError(ApiError):
    """5xx, including 503 that persisted through the retries."""


class PartialFailure(ValidationError):
    """create_all answered `{"successes": [...], "errors": [...]}`.

    brickroad refuses the whole batch (successes empty, 422); Beeminder documents
    the shape without saying whether the successes were kept. Items of `errors`
    are kept verbatim (brickroad: `{"index": i, "errors": {field: [msg]}}`).
    """

    def __init__(self, status: int, url: str, method: str, body: dict[str, Any], base_url: str = "") -> None:
        self.successes: list[Any] = list(body.get("successes") or [])
        self.failures: list[Any] = list(body.get("errors") or [])
        super().__init__(status, url, method, body, "", base_url)
        self.message = f"{len(self.failures)} datapoint(s) refused, {len(self.successes)} saved: " + "; ".join(
            item_message(e) for e in self.failures[:3]
        )
        self.args = (self.line(),)


def item_message(item: Any) -> str:
    if isinstance(item, dict) and "errors" in item:
        where = f"item {item['index']}: " if "index" in item else ""
        return where + describe(item["errors"], None)
    return describe(item, None) if not isinstance(item, str) else item


def for_status(status: int) -> type[ApiError]:
    if status == 401:
        return AuthError
    if status == 403:
        return Forbidden
    if status == 404:
        return NotFound
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    return ValidationError if status in (400, 406, 409, 413, 422) else ApiError
