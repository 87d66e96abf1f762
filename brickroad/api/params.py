"""Request parameters merged the way Beeminder clients send them: query, form or JSON body."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

import orjson

from brickroad.errors import BadRequest, Invalid, NotAcceptable

Params = dict[str, Any]

_TRUE = frozenset({"true", "True", "TRUE", "1", "yes", "on"})
_FALSE = frozenset({"false", "False", "FALSE", "0", "no", "off"})


# Empty or null means "not given", so a client that sends every field blank changes nothing;
# these few settings can only be removed by sending them empty or null, so for them it means "none".
CLEARABLE = frozenset({"callback_url"})


def _absent(value: Any) -> bool:
    return value is None or value == "" or value == "null"


def given(key: str, value: Any) -> bool:
    """Whether a parameter counts as sent (blank ones don't, except the CLEARABLE)."""
    return not _absent(value) or key in CLEARABLE


def _collect(pairs: Iterable[tuple[str, Any]]) -> Params:
    """Pairs to a dict; Rails-style `key[]` repeats become a list under `key`."""
    out: Params = {}
    for key, value in pairs:
        if key.endswith("[]"):
            out.setdefault(key[:-2], [])
            if isinstance(out[key[:-2]], list) and not _absent(value):
                out[key[:-2]].append(value)
        elif given(key, value):
            out[key] = value
    return out


def _pairs(text: str) -> list[tuple[str, str]]:
    """parse_qsl(text, keep_blank_values=True, errors="strict"), with a shortcut when nothing is escaped."""
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    return [(k, v) for k, _eq, v in (part.partition("=") for part in text.split("&") if part)]


def parse_query(raw: bytes) -> Params:
    try:
        return _collect(_pairs(raw.decode("latin-1")))
    except UnicodeDecodeError:
        raise BadRequest("The query string is not valid UTF-8") from None


def parse_body(content_type: str, body: bytes) -> Params:
    if not body.strip():
        return {}
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BadRequest(f"Malformed JSON body: {exc}") from None
        if not isinstance(doc, dict):
            raise BadRequest("The JSON body must be an object of parameters")
        return {k: v for k, v in doc.items() if given(k, v)}
    if media in ("application/x-www-form-urlencoded", ""):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The request body is not valid UTF-8") from None
        try:
            return _collect(_pairs(text))
        except UnicodeDecodeError:
            raise BadRequest("The request body is not valid UTF-8") from None
    raise NotAcceptable(
        f"Unsupported Content-Type '{media}': send application/json, "
        "application/x-www-form-urlencoded or multipart/form-data"
    )


def merge(query: Params, body: Params) -> Params:
    """The body wins where both carry a parameter."""
    return {**query, **body}


MAX_DEPTH = 64  # no parameter of ours nests deeper than a few levels


def refuse_nul(params: Params) -> None:
    """422 for a NUL character anywhere in a parameter (nested JSON included): PostgreSQL text
    can't hold one, and no field of ours means anything by it. 400 for JSON nested deeper
    than MAX_DEPTH: the walk is iterative, so no depth can exhaust the stack."""
    for key, value in params.items():
        if "\x00" in key or _has_nul(value):
            raise Invalid(key.replace("\x00", ""), "can't contain NUL characters")


def _has_nul(value: Any) -> bool:
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, (list, dict)):
            if depth >= MAX_DEPTH:
                raise BadRequest(f"JSON nested more than {MAX_DEPTH} levels deep")
            if isinstance(item, dict):
                if any("\x00" in str(k) for k in item):
                    return True
                item = item.values()
            pending.extend((v, depth + 1) for v in item)
    return False


def as_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    raise Invalid(field, "must be true or false")


def get_bool(params: Params, field: str, default: bool = False) -> bool:
    return as_bool(params[field], field) if field in params else default


def as_int(value: Any, field: str) -> int:
    """An integer parameter, within what the database stores (64-bit)."""
    n = _whole(value, field)
    if not -INT64_MAX <= n <= INT64_MAX:
        raise Invalid(field, "is out of range")
    return n


INT64_MAX = 2**63 - 1


def _whole(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise Invalid(field, "is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
        try:
            f = float(value)
        except ValueError:
            f = float("nan")
        if f.is_integer():
            return int(f)
    raise Invalid(field, "is not an integer")


def as_json_value(value: Any, field: str) -> Any:
    """Arrays and objects arrive as real JSON or as a JSON string in a form field."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise Invalid(field, "is not valid JSON") from None
    return value
