"""Hot-path SELECTs run straight on the DBAPI cursor of the transaction's connection.

Core spends a few hundred microseconds on each statement (building it, walking
it for the cache key, result metadata, Row objects), more than the query
itself. The few SELECTs every API call makes (token, goal, recent points)
use SQL text built once from the Table instead, on the same connection, so
they stay inside the caller's transaction. Values come back as Core gives
them: Boolean columns are turned into bools on SQLite, which stores 0/1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Boolean, Connection, Table
from sqlalchemy.exc import IntegrityError


def cursor(conn: Connection) -> Any:
    """A DBAPI cursor inside the connection's transaction.

    On SQLite a sticky read (store/db.py) begins its transaction only when a
    statement needs one, so a read that finds everything cached runs none.
    """
    driver = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite" and not driver.in_transaction:  # type: ignore[union-attr]
        driver.execute("BEGIN")  # type: ignore[union-attr]
    return driver.cursor()  # type: ignore[union-attr]


class Select:
    """SELECT every column of `table` WHERE `where` ('?' placeholders), as tuples or dicts."""

    def __init__(self, table: Table, where: str, tail: str = "") -> None:
        self.names = tuple(c.name for c in table.columns)
        self._bools = tuple(i for i, c in enumerate(table.columns) if isinstance(c.type, Boolean))
        cols = ", ".join(f'"{n}"' for n in self.names)
        sql = f'SELECT {cols} FROM "{table.name}" WHERE {where}' + (f" {tail}" if tail else "")
        self._sql = {"sqlite": sql, "postgresql": sql.replace("?", "%s")}

    def rows(self, conn: Connection, params: Sequence[Any], suffix: str = "") -> list[tuple[Any, ...]]:
        rows = self.raw_rows(conn, params, suffix)
        return [self._fix(r) for r in rows] if self._bools and conn.dialect.name == "sqlite" else rows

    def raw_rows(self, conn: Connection, params: Sequence[Any], suffix: str = "") -> list[tuple[Any, ...]]:
        """Rows as the driver gives them (SQLite's Booleans still 0/1): see `fix`."""
        cur = cursor(conn)
        try:
            cur.execute(self._sql[conn.dialect.name] + suffix, tuple(params))
            return cur.fetchall()
        finally:
            cur.close()

    def fix(self, conn: Connection, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """A raw row with Booleans as Core gives them (callers that cache by raw row fix on a miss only)."""
        return self._fix(row) if self._bools and conn.dialect.name == "sqlite" else row

    def first(self, conn: Connection, params: Sequence[Any], suffix: str = "") -> tuple[Any, ...] | None:
        rows = self.rows(conn, params, suffix)
        return rows[0] if rows else None

    def first_raw(self, conn: Connection, params: Sequence[Any], suffix: str = "") -> tuple[Any, ...] | None:
        rows = self.raw_rows(conn, params, suffix)
        return rows[0] if rows else None

    def mapping(self, row: tuple[Any, ...] | None) -> dict[str, Any] | None:
        return dict(zip(self.names, row)) if row is not None else None

    def _fix(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(row)
        for i in self._bools:
            if out[i] is not None:
                out[i] = bool(out[i])
        return tuple(out)


def _execute(conn: Connection, sql: str, params: Sequence[Any], fetch: Callable[[Any], Any]) -> Any:
    if conn.dialect.name != "sqlite":
        sql = sql.replace("?", "%s")
    cur = cursor(conn)
    try:
        cur.execute(sql, tuple(params))
        return fetch(cur)
    finally:
        cur.close()


def raw_query(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """All rows of `sql` ('?' placeholders) as the driver gives them (SQLite Booleans as 0/1)."""
    return _execute(conn, sql, params, lambda cur: cur.fetchall())  # type: ignore[no-any-return]


def scalar(conn: Connection, sql: str, params: Sequence[Any]) -> Any:
    """The first column of the first row of `sql` ('?' placeholders), or None."""
    row = _execute(conn, sql, params, lambda cur: cur.fetchone())
    return row[0] if row is not None else None


_SQL_CACHE: dict[tuple[str, str, tuple[str, ...], str], str] = {}


def _statement(kind: str, table: Table, keys: tuple[str, ...], dialect: str) -> str:
    key = (kind, table.name, keys, dialect)
    sql = _SQL_CACHE.get(key)
    if sql is None:
        for k in keys:
            if k not in table.c:
                raise KeyError(f"{table.name} has no column {k!r}")
        mark = "?" if dialect == "sqlite" else "%s"
        if kind == "insert":
            cols = ", ".join(f'"{k}"' for k in keys)
            sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({", ".join([mark] * len(keys))}) RETURNING id'
        else:
            sets = ", ".join(f'"{k}" = {mark}' for k in keys)
            sql = f'UPDATE "{table.name}" SET {sets} WHERE id = {mark}'
        _SQL_CACHE[key] = sql
    return sql


@contextmanager
def constraint_errors(conn: Connection) -> Iterator[None]:
    """The driver's IntegrityError raised as Core's, which callers catch (a raw statement
    would otherwise slip past their `except IntegrityError`: a lost requestid race)."""
    try:
        yield
    except conn.dialect.loaded_dbapi.IntegrityError as exc:
        raise IntegrityError(None, None, exc) from exc


def insert_returning_id(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row of plain values (bools, numbers, strings, None); its new id."""
    keys = tuple(values)
    cur = cursor(conn)
    try:
        with constraint_errors(conn):
            cur.execute(_statement("insert", table, keys, conn.dialect.name), tuple(values.values()))
        return int(cur.fetchone()[0])
    finally:
        cur.close()


def update_by_id(conn: Connection, table: Table, row_id: int, values: dict[str, Any]) -> int:
    """UPDATE one row's columns to plain values; the number of rows changed."""
    if not values:
        return 0
    keys = tuple(values)
    cur = cursor(conn)
    try:
        with constraint_errors(conn):
            cur.execute(_statement("update", table, keys, conn.dialect.name), (*values.values(), row_id))
        return int(cur.rowcount)
    finally:
        cur.close()
