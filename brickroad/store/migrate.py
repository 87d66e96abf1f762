"""Run Alembic migrations from code, against the engine we already have."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from brickroad.store.db import Database

HERE = Path(__file__).resolve().parent


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    cfg = alembic_config(db)
    with _migrating(db) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(db: Database, revision: str) -> None:
    cfg = alembic_config(db)
    with _migrating(db) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


@contextmanager
def _migrating(db: Database) -> Iterator[Connection]:
    """One transaction for the migrations; on SQLite with foreign keys off while it runs.

    A SQLite table rebuild (copy, drop the old table, rename) would otherwise
    cascade the drop into every child row. The pragma only takes effect outside
    a transaction, so it is set before BEGIN, and the keys are checked before
    the commit instead: a migration that broke a reference rolls back.
    """
    if db.dialect != "sqlite":
        with db.engine.begin() as conn:
            yield conn
        return
    with db.engine.connect() as outer:
        driver = outer.connection.driver_connection
        driver.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with outer.begin():
                yield outer
                broken = outer.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            driver.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
