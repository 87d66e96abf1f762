"""Public ids: Beeminder exposes 24-hex-digit strings; we keep integer keys and format them."""

from __future__ import annotations

from brickroad.errors import NotFound


def public_id(pk: int) -> str:
    return format(pk, "024x")


MAX_ID = 2**31 - 1  # most id columns are INTEGER (32-bit on PostgreSQL): nothing bigger exists
MAX_BIG_ID = 2**63 - 1  # datapoints and the outbox: BIGINT (tables.BIG_ID)


def parse_id(value: str, max_id: int = MAX_ID) -> int:
    """Integer key for a public id; anything that isn't one simply names nothing."""
    if not value or len(value) > 24:
        raise NotFound()
    try:
        pk = int(value, 16)
    except ValueError:
        raise NotFound() from None
    if pk <= 0 or pk > max_id:
        raise NotFound()
    return pk


def parse_pk(value: str) -> int:
    """A decimal key from a path (subscriptions, deliveries, apps): anything that can't be a
    stored key (not a number, or past 64 bits, which the database can't even compare) names
    nothing, so NotFound."""
    try:
        n = int(value)
    except ValueError:
        raise NotFound() from None
    if not 0 < n <= MAX_BIG_ID:
        raise NotFound()
    return n
