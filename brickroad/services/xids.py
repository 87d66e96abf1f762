"""External ids (Beebole's `xid`): an outside system names goals and datapoints by its own ids.

A goal's xid is unique among its owner's goals, a datapoint's among its goal's
points. The unique indexes enforce it; these checks turn a collision into a
clear validation error before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from brickroad.errors import Invalid
from brickroad.store import xids as xid_rows

MAX_XID = 100


def parse(value: Any, field: str = "xid") -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid(field, "must be a string")
    text = str(value)
    if not text or len(text) > MAX_XID or any(ord(c) < 32 for c in text):
        raise Invalid(field, f"must be 1 to {MAX_XID} printable characters")
    return text


def ensure_goal_xid_free(conn: Connection, user_id: int, xid: str | None) -> None:
    if xid is not None and xid_rows.goal_xid_taken(conn, user_id, xid):
        raise Invalid("xid", f"'{xid}' is already used by another of your goals")


def ensure_point_xid_free(conn: Connection, goal_id: int, xid: str | None) -> None:
    if xid is not None and xid_rows.point_xids_taken(conn, goal_id, [xid]):
        raise Invalid("xid", f"'{xid}' is already used by another datapoint of this goal")


def batch_conflicts(conn: Connection, goal_id: int, xids: Sequence[str | None]) -> list[dict[str, Any]]:
    """Per-index problems for a batch: xids repeated within it or already taken on the goal."""
    taken = xid_rows.point_xids_taken(conn, goal_id, [x for x in xids if x is not None])
    seen: set[str] = set()
    problems = []
    for i, xid in enumerate(xids):
        if xid is None:
            continue
        if xid in taken or xid in seen:
            problems.append({"index": i, "errors": {"xid": [f"'{xid}' is already used by another datapoint of this goal"]}})
        seen.add(xid)
    return problems
