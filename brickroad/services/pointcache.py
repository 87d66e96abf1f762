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
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import Connection

from brickroad.road.aggregate import Aggregated
from brickroad.road.dates import SECS, days_from_civil_many
from brickroad.road.types import DataColumns
from brickroad.store import fastsql

SID = SECS["d"]
MAX_POINTS = 2_000_000  # across all cached goals (a few hundred bytes each, comments included)
FEW = 64  # new points at once up to which inserting each in place beats one merging pass
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


@lru_cache(maxsize=4096)
def _day_start(stamp: str) -> float:
    return float((date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8])).toordinal() - _EPOCH) * SID)


_EPOCH = date(1970, 1, 1).toordinal()


class _Column:
    """A numpy column that grows at its end in place, with room to spare (amortised O(1) appends).

    Views are read-only, so the engine can't change the cache through them,
    and a view once handed out keeps its values: appends write past it.
    """

    __slots__ = ("buf", "n")

    def __init__(self, values: np.ndarray) -> None:
        self.buf, self.n = values, len(values)

    def view(self) -> np.ndarray:
        v = self.buf[: self.n]
        v.flags.writeable = False
        return v

    def append(self, items: np.ndarray) -> None:
        k = len(items)
        if self.n + k > len(self.buf):
            grown = np.empty(max(2 * len(self.buf), self.n + k, 64), dtype=self.buf.dtype)
            grown[: self.n] = self.buf[: self.n]
            self.buf = grown
        self.buf[self.n: self.n + k] = items
        self.n += k


class GoalPoints:
    """A goal's points as the engine reads them, oldest first (timestamp, then id).

    Whoever holds one owns it: the cache hands an entry out with `take` and
    takes it back with `put`, and `add` changes it in place (copying 10k
    Python objects per datapoint would cost more than the engine's own work).
    New points after all the others (the usual create) are appended to
    columns with room to spare, and the engine's aggregation of the points
    before them is carried on (DataColumns.prior), so a write costs about
    what its own points cost.
    """

    def __init__(self, ts: np.ndarray, ids: np.ndarray, daystamps: list[str], values: list[float],
                 comments: list[str], t: np.ndarray, v: np.ndarray, tare: bool) -> None:
        self._ts, self._ids, self._t, self._v = _Column(ts), _Column(ids), _Column(t), _Column(v)
        self.daystamps, self.values, self.comments = daystamps, values, comments
        self.tare = tare  # some comment contains "TARE" (so the engine needn't scan 10k comments to know)
        self.ascending = bool((t[1:] >= t[:-1]).all())  # day times in order, as well as timestamps
        self.sane = _sane(t, v)
        self.aggregated: Aggregated | None = None  # the engine's, for exactly these points (recompute sets it)

    ts = property(lambda self: self._ts.view(), doc="int64 timestamps: the sort key with ids")
    ids = property(lambda self: self._ids.view())
    t = property(lambda self: self._t.view(), doc="float64 day starts, the engine's time column")
    v = property(lambda self: self._v.view())

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
        vetted = self.ascending and self.sane
        return DataColumns(self.t, self.v, self.comments, tare=self.tare, vetted=vetted,
                           prior=self.aggregated if vetted and not self.tare else None)

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        """Put new (id, timestamp, daystamp, value, comment) rows in their places."""
        if not rows:
            return
        new = sorted(rows, key=lambda r: (r[1], r[0]))
        ids_l, ts_l, stamps, values_t, comments_t = (list(c) for c in zip(*new))
        values = [float(x) for x in values_t]
        comments = [str(c) for c in comments_t]
        self.tare = self.tare or any("TARE" in c for c in comments)
        new_ts, new_ids = np.array(ts_l, dtype=np.int64), np.array(ids_l, dtype=np.int64)
        new_t, new_v = day_starts(stamps), np.array(values, dtype=float)
        at = self._positions(new_ts, new_ids)
        self._vouch(at, new_t, new_v)
        if at[0] == len(self):  # after all the others (the usual create): in place
            for column, items in ((self._ts, new_ts), (self._ids, new_ids), (self._t, new_t), (self._v, new_v)):
                column.append(items)
            self.daystamps += stamps
            self.values += values
            self.comments += comments
            return
        # Between others: new arrays (views of the old ones keep their values).
        self._ts, self._ids = _Column(_insert(self.ts, at, new_ts)), _Column(_insert(self.ids, at, new_ids))
        self._t, self._v = _Column(_insert(self.t, at, new_t)), _Column(_insert(self.v, at, new_v))
        if len(at) <= FEW:  # each in its place, from the back so that earlier positions still hold
            for column, items in ((self.daystamps, stamps), (self.values, values), (self.comments, comments)):
                for pos, item in reversed(list(zip(at, items))):
                    column.insert(pos, item)
        else:  # many (a big create_all): one pass each
            self.daystamps, self.values = _merged(self.daystamps, at, stamps), _merged(self.values, at, values)
            self.comments = _merged(self.comments, at, comments)

    def _positions(self, ts: np.ndarray, ids: np.ndarray) -> list[int]:
        """Where each new (timestamp, id) goes among the existing points (indices into them)."""
        n = len(self)
        if n == 0 or (int(ts[0]), int(ids[0])) > (int(self._ts.buf[n - 1]), int(self._ids.buf[n - 1])):
            return [n] * len(ts)
        if ts[0] == ts[-1]:  # one timestamp (a burst within a second): one tie range for all
            a, b = np.searchsorted(self.ts, ts[:1], side="left")[0], np.searchsorted(self.ts, ts[:1], side="right")[0]
            return (a + np.searchsorted(self.ids[a:b], ids)).tolist()
        lo = np.searchsorted(self.ts, ts, side="left").tolist()
        hi = np.searchsorted(self.ts, ts, side="right").tolist()
        # Only a timestamp already present needs the ids to break the tie.
        return [a if a == b else int(a + np.searchsorted(self.ids[a:b], i)) for a, b, i in zip(lo, hi, ids.tolist())]

    def _vouch(self, at: list[int], t: np.ndarray, v: np.ndarray) -> None:
        """Keep what columns() vouches for true, from the new points and their neighbours only."""
        self.sane = self.sane and _sane(t, v)
        if self.ascending:
            old = self._t.buf
            for p, x in zip(at, t.tolist()):  # each new point against the old ones around it
                if (p > 0 and x < old[p - 1]) or (p < len(self) and x > old[p]):
                    self.ascending = False
            self.ascending = self.ascending and bool((t[1:] >= t[:-1]).all())
        # The engine's aggregation carries on past points that kept their places (DataColumns.prior).
        if self.aggregated is not None and (not len(self.aggregated.starts) or at[0] < self.aggregated.starts[-1]):
            self.aggregated = None


def _insert(arr: np.ndarray, at: list[int], items: np.ndarray) -> np.ndarray:
    """np.insert(arr, at, items) for nondecreasing `at`; one block at one place (the usual) by slicing."""
    if at[0] == at[-1]:
        return np.concatenate((arr[: at[0]], items, arr[at[0]:]))
    return np.insert(arr, at, items)


def _merged(old: list[Any], at: list[int], items: list[Any]) -> list[Any]:
    """`items` put at their (nondecreasing) positions among `old`, in one pass."""
    out: list[Any] = []
    done = 0
    for pos, item in zip(at, items):
        out += old[done:pos]
        done = pos
        out.append(item)
    return out + old[done:]


def _sane(t: np.ndarray, v: np.ndarray) -> bool:
    """What the engine checks of every point: positive, finite times and finite values."""
    return bool((np.isfinite(t) & (t > 0) & np.isfinite(v)).all())


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
