"""Run a benchmark on SQLite (a scratch file) and/or PostgreSQL (a scratch database), by --backend."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable

from sqlalchemy import text

from brickroad.store.db import admin_engine

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def on_backends(choice: str, pg_url: str, run: Callable[[str], None]) -> None:
    """Call run(database_url) for each chosen backend ("sqlite", "postgresql" or "both")."""
    if choice in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.sqlite3")
    if choice in ("postgresql", "both"):
        name = f"brickroad_bench_{uuid.uuid4().hex[:8]}"
        admin = admin_engine(pg_url)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(pg_url.rsplit("/", 1)[0] + "/" + name)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
