"""Queries on the datapoints table."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, RowMapping, String, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql

from brickroad.store.fastsql import Select, constraint_errors, cursor, insert_returning_id
from brickroad.store.tables import datapoints

_NEWEST = Select(datapoints, "goal_id = ?", "ORDER BY timestamp DESC, id DESC LIMIT ?")
COLUMNS = _NEWEST.names

SORTABLE = ("id", "timestamp", "daystamp", "value", "comment", "updated_at", "requestid")


def insert_point(conn: Connection, values: dict[str, Any]) -> int:
    return insert_returning_id(conn, datapoints, values)  # raw SQL: every datapoint create


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Core executemany: one statement, many parameter sets (fast path for batches)."""
    if rows:
        conn.execute(insert(datapoints), list(rows))


def by_id(conn: Connection, goal_id: int, point_id: int) -> RowMapping | None:
    stmt = select(datapoints).where(datapoints.c.id == point_id, datapoints.c.goal_id == goal_id)
    return conn.execute(stmt).mappings().first()


def by_requestid(conn: Connection, goal_id: int, requestid: str) -> RowMapping | None:
    stmt = select(datapoints).where(datapoints.c.goal_id == goal_id, datapoints.c.requestid == requestid)
    return conn.execute(stmt).mappings().first()


def initial_ids_between(conn: Connection, goal_id: int, lo: int, hi: int) -> list[int]:
    """Ids of the goal's automatic initial points timestamped lo..hi (an index range, not a scan)."""
    stmt = select(datapoints.c.id).where(
        datapoints.c.goal_id == goal_id, datapoints.c.timestamp.between(lo, hi), datapoints.c.is_initial.is_(True)
    )
    return [int(r[0]) for r in conn.execute(stmt)]


# One parameter for the whole list: Core's expanding IN renders and binds a
# placeholder per requestid on every call, and create_all asks for up to 5000.
_BY_REQUESTIDS = {
    "sqlite": Select(datapoints, "goal_id = ? AND requestid IN (SELECT value FROM json_each(?))"),
    "postgresql": Select(datapoints, "goal_id = ? AND requestid = ANY(?)"),
}


def by_requestids(conn: Connection, goal_id: int, requestids: Sequence[str]) -> list[dict[str, Any]]:
    """The goal's points carrying any of these requestids (in no particular order)."""
    if not requestids:
        return []
    dialect = conn.dialect.name
    wanted: Any = orjson.dumps(list(requestids)).decode() if dialect == "sqlite" else list(requestids)
    query = _BY_REQUESTIDS[dialect]
    return [dict(zip(query.names, r)) for r in query.rows(conn, (goal_id, wanted))]


def all_for_goal(conn: Connection, goal_id: int) -> list[RowMapping]:
    """Oldest first (timestamp, then id), the order the road engine and `datapoints=true` want."""
    stmt = select(datapoints).where(datapoints.c.goal_id == goal_id)
    return list(conn.execute(stmt.order_by(datapoints.c.timestamp, datapoints.c.id)).mappings())


def newest(conn: Connection, goal_id: int, limit: int) -> list[dict[str, Any]]:
    return [dict(zip(COLUMNS, r)) for r in newest_rows(conn, goal_id, limit)]


def newest_rows(conn: Connection, goal_id: int, limit: int) -> list[tuple[Any, ...]]:
    """The newest points as tuples in COLUMNS order (raw SQL: every goal GET reads them)."""
    return _NEWEST.rows(conn, (goal_id, limit))


def listing(
    conn: Connection, goal_id: int, sort: str, limit: int | None, offset: int = 0
) -> list[RowMapping]:
    """Descending by `sort` (Beeminder's only order), id breaking ties."""
    column = datapoints.c[sort]
    stmt = select(datapoints).where(datapoints.c.goal_id == goal_id).order_by(column.desc(), datapoints.c.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return list(conn.execute(stmt).mappings())


def recently_updated(conn: Connection, goal_id: int, limit: int) -> list[RowMapping]:
    """The n most recently updated points, returned oldest first."""
    stmt = (
        select(datapoints)
        .where(datapoints.c.goal_id == goal_id)
        .order_by(datapoints.c.updated_at.desc(), datapoints.c.id.desc())
        .limit(limit)
    )
    rows = list(conn.execute(stmt).mappings())
    rows.sort(key=lambda r: (r["timestamp"], r["id"]))
    return rows


def updated_since(conn: Connection, goal_id: int, since: int) -> list[RowMapping]:
    stmt = (
        select(datapoints)
        .where(datapoints.c.goal_id == goal_id, datapoints.c.updated_at >= since)
        .order_by(datapoints.c.timestamp, datapoints.c.id)
    )
    return list(conn.execute(stmt).mappings())


def count(conn: Connection, goal_id: int) -> int:
    stmt = select(func.count()).select_from(datapoints).where(datapoints.c.goal_id == goal_id)
    return int(conn.execute(stmt).scalar_one())


def update_point(conn: Connection, point_id: int, **values: Any) -> None:
    conn.execute(update(datapoints).where(datapoints.c.id == point_id).values(**values))


def delete_point(conn: Connection, point_id: int) -> None:
    conn.execute(delete(datapoints).where(datapoints.c.id == point_id))


def insert_many_returning(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Batched INSERTs that hand back the new ids in order."""
    if not rows:
        return []
    if conn.dialect.name == "sqlite":
        return _sqlite_insert_many(conn, rows)
    return _pg_insert_many(conn, rows)


def _pg_insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """One INSERT … SELECT FROM unnest(one array per column) … RETURNING id.

    The statement's text is the same for any number of rows, so psycopg parses
    and prepares it once; a multi-row VALUES list (Core's insertmanyvalues) is
    a new text for every batch size, parsed in Python each time. unnest yields
    the rows in array order and each takes its id from the sequence as it is
    inserted, so the ids in ascending order are the rows' ids in order.
    """
    cols = tuple(rows[0])
    values = itemgetter(*cols)
    cur = cursor(conn)
    try:
        with constraint_errors(conn):
            cur.execute(_pg_unnest_sql(cols), [list(column) for column in zip(*map(values, rows))])
        return sorted(int(r[0]) for r in cur.fetchall())
    finally:
        cur.close()


@lru_cache(maxsize=8)
def _pg_unnest_sql(cols: tuple[str, ...]) -> str:
    arrays = ", ".join(f"%s::{_pg_array_type(c)}[]" for c in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    return f"INSERT INTO datapoints ({names}) SELECT * FROM unnest({arrays}) RETURNING id"


def _pg_array_type(col: str) -> str:
    # Strings go as text: an explicit cast to varchar(n) would cut an over-long value short
    # without a word, where storing text in the column refuses it.
    column_type = datapoints.c[col].type
    return "text" if isinstance(column_type, String) else column_type.compile(dialect=postgresql.dialect())


def _sqlite_insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """One DBAPI executemany, no per-row type processing; ids follow from the last rowid.

    Writes hold SQLite's write lock (BEGIN IMMEDIATE), and the AUTOINCREMENT key
    (migration 0011) gives each row one more than the largest id the table ever
    had, so the n rows just inserted have the n ids ending at
    last_insert_rowid(), in order, and none of them was ever used before.
    """
    cols = list(rows[0])
    sql = f"INSERT INTO datapoints ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    values = itemgetter(*cols)  # a tuple per row (whole datapoint rows: always several columns), in C
    cur = cursor(conn)  # straight to the driver: Core's statement handling cost more than the inserts
    try:
        with constraint_errors(conn):
            cur.executemany(sql, list(map(values, rows)))
        last = int(cur.execute("SELECT last_insert_rowid()").fetchone()[0])
    finally:
        cur.close()
    return list(range(last - len(rows) + 1, last + 1))
