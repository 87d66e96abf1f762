"""`brickroad serve`, `migrate` and `user …` as a person runs them, on both backends."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port, pg_database

BIN = str(Path(sys.executable).with_name("brickroad"))


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    e = dict(os.environ)
    e.update(BRICKROAD_DATA_DIR=str(tmp_path / "data"), BRICKROAD_DATABASE_URL=database_url)
    e.pop("BRICKROAD_SECRET", None)
    return e


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=60)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def last_line(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout.strip().splitlines()[-1]


def test_user_create_and_token_print_the_token_last(env: dict[str, str]) -> None:
    run(env, "migrate")
    token = last_line(run(env, "user", "create", "carol", "--timezone", "Europe/Berlin", "--password", "s3cret-pass"))
    assert len(token) == 20
    assert last_line(run(env, "user", "token", "carol")) == token
    rotated = last_line(run(env, "user", "token", "carol", "--rotate"))
    assert rotated != token and last_line(run(env, "user", "token", "carol")) == rotated
    secret = Path(env["BRICKROAD_DATA_DIR"]) / "secret.key"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_user_commands_fail_clearly(env: dict[str, str]) -> None:
    run(env, "user", "create", "dave")
    dup = run(env, "user", "create", "dave", ok=False)
    assert dup.returncode == 1 and "already been taken" in dup.stderr
    bad_tz = run(env, "user", "create", "erin", "--timezone", "Nowhere/Land", ok=False)
    assert bad_tz.returncode == 1 and "timezone" in bad_tz.stderr
    missing = run(env, "user", "token", "nobody", ok=False)
    assert missing.returncode == 1 and "no user" in missing.stderr


def test_serve_creates_first_user_and_its_token_works(env: dict[str, str]) -> None:
    # serve only creates a first user in an empty database: give it one
    if env["BRICKROAD_DATABASE_URL"].startswith("sqlite"):
        del env["BRICKROAD_DATABASE_URL"]  # the default: SQLite in the data dir
        serve_and_check(env)
    else:
        with pg_database() as url:
            env["BRICKROAD_DATABASE_URL"] = url
            serve_and_check(env)


def serve_and_check(env: dict[str, str]) -> None:
    env["BRICKROAD_FIRST_USER"] = "firstie"
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        token = _first_token(proc)
        r = _get_when_up(port, token)
        assert r.status_code == 200 and r.json()["username"] == "firstie"
        api_off = run(env, "user", "api", "firstie", "false")
        assert "disabled" in api_off.stdout
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/users/me.json", params={"auth_token": token}).status_code == 403
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # a second start finds a user and creates none
    assert last_line(run(env, "user", "token", "firstie")) == token


def _first_token(proc: subprocess.Popen[str]) -> str:
    """The first user's token from serve's output (the line after "Created the first user")."""
    lines = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line.strip())
        if "serving on" in line:
            break
    return lines[lines.index(next(l for l in lines if l.startswith("Created the first user"))) + 1]


def _get_when_up(port: int, token: str) -> httpx.Response:
    for _ in range(150):
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/v1/users/me.json", params={"auth_token": token})
        except httpx.ConnectError:
            time.sleep(0.1)
    raise AssertionError("the server never answered")


def test_serve_with_workers_runs_that_many_processes(env: dict[str, str]) -> None:
    with contextlib.ExitStack() as stack:  # an empty database, so serve creates the first user
        if env["BRICKROAD_DATABASE_URL"].startswith("sqlite"):
            del env["BRICKROAD_DATABASE_URL"]  # the default: SQLite in the data dir
        else:
            env["BRICKROAD_DATABASE_URL"] = stack.enter_context(pg_database())
        port = free_port()
        proc = subprocess.Popen([BIN, "serve", "--port", str(port), "--workers", "2"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            token = _first_token(proc)
            assert all(_get_when_up(port, token).json()["username"] == "admin" for _ in range(20))
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            assert len(children) >= 2  # uvicorn's two workers (beside any helper it spawns)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    bad = run(env, "serve", "--workers", "0", ok=False)
    assert bad.returncode == 2 and "workers" in bad.stderr


def test_quota_set_and_show(env: dict[str, str]) -> None:
    run(env, "user", "create", "quinn")
    assert "limits for quinn: requests=10" in run(env, "quota", "set", "quinn", "--requests", "10").stdout
    shown = run(env, "quota", "show", "quinn").stdout
    assert "0/10 requests" in shown and f"0/{2048 * 1024} bytes" in shown
    bad = run(env, "quota", "set", "quinn", "--requests", "-1", ok=False)
    assert bad.returncode == 1 and "zero or more" in bad.stderr
