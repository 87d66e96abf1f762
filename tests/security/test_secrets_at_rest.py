"""Secrets at rest: a weak BRICKROAD_SECRET is refused (L9); the SQLite file and its WAL are owner-only (L10)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from brickroad.config import ConfigError, load_settings
from brickroad.store.db import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("secret", ["x", "changeme", "a" * 64, "ab" * 20, "0123456" * 4])
def test_a_weak_secret_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      secret: str) -> None:
    monkeypatch.setenv("BRICKROAD_SECRET", secret)
    with pytest.raises(ConfigError, match="BRICKROAD_SECRET"):
        load_settings(data_dir=tmp_path)


def test_a_random_secret_is_accepted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRICKROAD_SECRET", "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c")
    assert load_settings(data_dir=tmp_path).secret == b"9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c"


def test_the_command_line_says_why_it_refuses_to_start(tmp_path: Path) -> None:
    env = dict(os.environ, BRICKROAD_SECRET="short", BRICKROAD_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "brickroad.cli.main", "migrate"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "BRICKROAD_SECRET must be at least 32 bytes" in done.stderr and "Traceback" not in done.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_file_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        path = tmp_path / "brickroad.sqlite3"
        db = Database(f"sqlite:///{path}")
        with db.write() as conn:
            conn.execute(text("PRAGMA journal_mode=WAL"))
            conn.execute(text("CREATE TABLE t (x TEXT)"))
            conn.execute(text("INSERT INTO t VALUES ('webhook secret')"))
        wal = Path(str(path) + "-wal")
        assert wal.exists()
        assert _mode(path) == 0o600 and _mode(wal) == 0o600
        db.dispose()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    Database(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600
