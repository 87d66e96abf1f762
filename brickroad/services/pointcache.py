"""A per-process cache of each goal's road-engine input, so a datapoint write appends instead of refetching.

Refetching a 10k-point goal costs far more than running the engine on it, and
a datapoint create would otherwise do that on every call. So each process
keeps the columns the engine reads (ordered by timestamp, then id) for the
goals it recently recomputed, keyed by goal id and the goal row's
`points_rev`.

Correctness rests on three rules, all in `goals.recompute`:
  - every recompute writes a fresh random `points_rev` in the same UPDATE as
    the derived fields (and every change to a goal's points is followed by a
    recompute in the same transaction, DESIGN "derived goal fields are a cache");
  - the cache is only used when the caller says exactly which points it
    added since the last recompute, and the rev read in this transaction
    (with the goal row locked) equals the cached one; anything else refetches;
  - an entry is taken out while a transaction uses it and put back under the
    new rev, so a rolled-back transaction leaves an entry whose rev no row
    holds: the next write misses and refetches.
Another process's write changes the stored rev, so this process misses too.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection

from brickroad.road.dates import SECS, days_from_civil_many
from brickroad.road.types import DataColumns
from brickroad.store import fastsql

SID = SECS["d"]
MAX_POINTS = 2_000_000  # across all cached goals (a few hundred bytes each, comments included)
SPLICE_MAX = 64  # new points at once past which one merge sort beats inserting each
MIN_POINTS = 200  # smaller goals refetch in well under a millisecond: not worth the memory


def new_rev() -> int:
    """A random positive 63-bit value: fits a BIGINT, never repeats in practice."""
    return secrets.randbits(63) or 1


def day_starts(daystamps: Sequence[str]) -> np.ndarray:
    """'YYYYMMDD' daystamps -> the engine's day times (unix seconds of the UTC day start), as floats."""
    if len(daystamps) <= 32:  # numpy's per-call overhead dwarfs a few dates
        return np.array([_day_start(d) for d in daystamps], dtype=float)
    x = np.array(daystamps, dtype=np.int64)
    return days_from_civil_many(x // 10000, x // 100 % 100, x % 100).astype(float) * SID


def _day_start(stamp: str) -> float:
    return float((date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8])).toordinal() - _EPOCH) * SID)


_EPOCH = date(1970, 1, 1).toordinal()


@dataclass
class GoalPoints:
    """A goal's points as the engine reads them, oldest first (timestamp, then id).

    Whoever holds one owns it: the cache hands an entry out with `take` and
    takes it back with `put`, so `add` may change it in place (copying 10k
    Python objects per datapoint would cost more than the engine's own work).
    """

    ts: np.ndarray  # int64 timestamps: the sort key with ids
    ids: np.ndarray  # int64
    daystamps: list[str]
    values: list[float]
    comments: list[str]
    t: np.ndarray  # float64 day starts, the engine's time column
    v: np.ndarray  # float64 values
    tare: bool  # some comment contains "TARE" (so the engine needn't scan 10k comments to know)

    def __len__(self) -> int:
        return len(self.daystamps)

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> "GoalPoints":
        """From (id, timestamp, daystamp, value, comment) rows already in order."""
        if not rows:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), [], [], [], np.zeros(0), np.zeros(0), False)
        ids, ts, stamps, values, comments = zip(*rows)
        stamps_l, values_l, comments_l = list(stamps), [float(v) for v in values], [str(c) for c in comments]
        return cls(
            np.array(ts, dtype=np.int64), np.array(ids, dtype=np.int64), stamps_l, values_l, comments_l,
            day_starts(stamps_l), np.array(values_l, dtype=float), "TARE" in "\x00".join(comments_l),
        )

    def columns(self) -> DataColumns:
        return DataColumns(self.t, self.v, self.comments, tare=self.tare)

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        """Put new (id, timestamp, daystamp, value, comment) rows in their places, in place."""
        if not rows:
            return
        new = sorted(rows, key=lambda r: (r[1], r[0]))
        ids_l, ts_l, stamps, values_t, comments_t = (list(c) for c in zip(*new))
        values = [float(x) for x in values_t]
        comments = [str(c) for c in comments_t]
        self.tare = self.tare or any("TARE" in c for c in comments)
        new_ts, new_ids = np.array(ts_l, dtype=np.int64), np.array(ids_l, dtype=np.int64)
        if len(new) > SPLICE_MAX:
            self._merge(new_ts, new_ids, stamps, values, comments)
            return
        # Few points (the usual create, or a few concurrent ones): each goes in at its place by
        # (timestamp, id), usually at or near the end, so the lists only shift a short tail.
        at = self._positions(new_ts, new_ids)
        for column, items in ((self.daystamps, stamps), (self.values, values), (self.comments, comments)):
            for pos, item in reversed(list(zip(at, items))):  # from the back: earlier positions still hold
                column.insert(pos, item)
        self.ts, self.ids = _insert(self.ts, at, new_ts), _insert(self.ids, at, new_ids)
        self.t, self.v = _insert(self.t, at, day_starts(stamps)), _insert(self.v, at, np.array(values))

    def _positions(self, ts: np.ndarray, ids: np.ndarray) -> list[int]:
        """Where each new (timestamp, id) goes among the existing points (indices into them)."""
        lo = np.searchsorted(self.ts, ts, side="left").tolist()
        hi = np.searchsorted(self.ts, ts, side="right").tolist()
        # Only a timestamp already present needs the ids to break the tie.
        return [a if a == b else int(a + np.searchsorted(self.ids[a:b], i)) for a, b, i in zip(lo, hi, ids.tolist())]

    def _merge(self, ts: np.ndarray, ids: np.ndarray, stamps: list[str], values: list[float],
               comments: list[str]) -> None:
        # Many points (a big create_all): one stable sort by (timestamp, id) of old and new together.
        all_ts = np.concatenate((self.ts, ts))
        all_ids = np.concatenate((self.ids, ids))
        order = np.lexsort((all_ids, all_ts))
        pick = order.tolist()
        all_stamps, all_values, all_comments = self.daystamps + stamps, self.values + values, self.comments + comments
        self.daystamps = [all_stamps[i] for i in pick]
        self.values = [all_values[i] for i in pick]
        self.comments = [all_comments[i] for i in pick]
        self.ts, self.ids = all_ts[order], all_ids[order]
        self.t = np.concatenate((self.t, day_starts(stamps)))[order]
        self.v = np.concatenate((self.v, np.array(values, dtype=float)))[order]


def _insert(arr: np.ndarray, at: list[int], items: np.ndarray) -> np.ndarray:
    """np.insert(arr, at, items) for nondecreasing `at`; one block at one place (the usual) by slicing."""
    if at[0] == at[-1]:
        return np.concatenate((arr[: at[0]], items.astype(arr.dtype), arr[at[0]:]))
    return np.insert(arr, at, items)


def _select_sql(dialect: str) -> str:
    mark = "?" if dialect == "sqlite" else "%s"
    return ("SELECT id, timestamp, daystamp, value, comment FROM datapoints "
            f"WHERE goal_id = {mark} ORDER BY timestamp, id")


def fetch(conn: Connection, goal_id: int) -> GoalPoints:
    """All of a goal's points in engine order, straight from the DBAPI cursor (no Row objects)."""
    cur = fastsql.cursor(conn)
    try:
        cur.execute(_select_sql(conn.dialect.name), (goal_id,))
        rows = cur.fetchall()
    finally:
        cur.close()
    return GoalPoints.from_rows(rows)


class PointCache:
    """Goal id -> (points_rev, GoalPoints), least recently used dropped past MAX_POINTS."""

    def __init__(self, max_points: int = MAX_POINTS, min_points: int = MIN_POINTS) -> None:
        self.max_points = max_points
        self.min_points = min_points
        self._entries: OrderedDict[int, tuple[int, GoalPoints]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, goal_id: int, rev: int | None) -> GoalPoints | None:
        """The entry for exactly this rev, removed from the cache (put it back under the next rev)."""
        with self._lock:
            entry = self._entries.pop(goal_id, None)
            if entry is not None:
                self._size -= len(entry[1])
            if entry is None or rev is None or entry[0] != rev:
                self.misses += 1
                return None
            self.hits += 1
            return entry[1]

    def put(self, goal_id: int, rev: int, points: GoalPoints) -> None:
        if len(points) < self.min_points or len(points) > self.max_points:
            self.discard(goal_id)
            return
        with self._lock:
            old = self._entries.pop(goal_id, None)
            if old is not None:
                self._size -= len(old[1])
            self._entries[goal_id] = (rev, points)
            self._size += len(points)
            while self._size > self.max_points and self._entries:
                _gid, (_rev, dropped) = self._entries.popitem(last=False)
                self._size -= len(dropped)

    def peek(self, goal_id: int) -> tuple[int, GoalPoints] | None:
        """The entry as it stands, left in place (tests and diagnostics)."""
        with self._lock:
            return self._entries.get(goal_id)

    def discard(self, goal_id: int) -> None:
        with self._lock:
            old = self._entries.pop(goal_id, None)
            if old is not None:
                self._size -= len(old[1])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


CACHE = PointCache()
