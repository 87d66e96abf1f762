"""Errors raised by services; the HTTP layer maps each to a status and a Beeminder-shaped body."""

from __future__ import annotations

from typing import Any

NOT_FOUND_MESSAGE = "The requested resource was not found."


class BrickroadError(Exception):
    status = 400
    headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        return {"errors": {"message": str(self)}}


class BadRequest(BrickroadError):
    """The request itself is unreadable: bad JSON, bad encoding."""

    status = 400


class NotAcceptable(BrickroadError):
    """Parameters arrived in a format we can't read (Beeminder's 406)."""

    status = 406


class PayloadTooLarge(BrickroadError):
    status = 413


class Unauthorized(BrickroadError):
    status = 401

    def __init__(self, key: str, code: str, message: str) -> None:
        super().__init__(message)
        self.key, self.code = key, code

    def body(self) -> dict[str, Any]:
        return {"errors": {self.key: self.code, "message": str(self)}}


class Forbidden(BrickroadError):
    status = 403


class NotFound(BrickroadError):
    status = 404

    def __init__(self, message: str = NOT_FOUND_MESSAGE) -> None:
        super().__init__(message)

    def body(self) -> dict[str, Any]:
        # Beeminder answers 404s with a singular "error"; we add "errors" so
        # every error body has the same key for our own clients.
        return {"error": str(self), "errors": {"message": str(self)}}


class Invalid(BrickroadError):
    """Validation failure: one or more fields, each with messages (422)."""

    status = 422

    def __init__(self, field: str | dict[str, list[str]], message: str = "") -> None:
        self.fields: dict[str, list[str]] = (
            {k: list(v) for k, v in field.items()} if isinstance(field, dict) else {field: [message]}
        )
        super().__init__("; ".join(f"{k} {' '.join(v)}" for k, v in self.fields.items()))

    def body(self) -> dict[str, Any]:
        return {"errors": self.fields}


class Refused(BrickroadError):
    """An action that can't be done now; Beeminder sends a bare string (422)."""

    status = 422

    def body(self) -> dict[str, Any]:
        return {"errors": str(self)}


class Conflict(Invalid):
    """A uniqueness violation, reported in the validation shape but with 409."""

    status = 409
