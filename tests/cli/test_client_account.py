"""`brickroad login/logout/whoami/call` and how failures look, against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cli.clientkit import cli_for
from tests.conftest import free_port

BIN = str(Path(sys.executable).with_name("brickroad"))


def isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRICKROAD_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path / "home"), COLUMNS="200", **extra)
    return env


def brickroad(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=60)


def test_login_stores_a_private_config_under_xdg(server: Any, alice: Any, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    login = brickroad(env, "login", "--server", server.url, "--token", alice.token)
    assert login.returncode == 0, login.stderr
    assert f"logged in as {alice.username}" in login.stdout
    path = tmp_path / "xdg" / "brickroad" / "config.json"
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert json.loads(path.read_text())["token"] == alice.token
    who = brickroad(env, "whoami")
    assert who.returncode == 0 and who.stdout.startswith(f"{alice.username} on {server.url}/api/v1/")
    assert brickroad(env, "logout").returncode == 0 and not path.exists()
    after = brickroad(env, "whoami")
    assert after.returncode == 1 and "not logged in" in after.stderr


def test_brickroad_config_env_overrides_the_location(server: Any, alice: Any, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "bee.json"
    env = isolated_env(tmp_path, BRICKROAD_CONFIG=str(target))
    assert brickroad(env, "login", "--server", server.url, "--token", alice.token).returncode == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "xdg" / "brickroad" / "config.json").exists()


def test_env_vars_override_the_file(server: Any, alice: Any, make_user: Any, tmp_path: Path) -> None:
    bob = make_user(prefix="bob")
    env = isolated_env(tmp_path)
    brickroad(env, "login", "--server", server.url, "--token", alice.token)
    env["BRICKROAD_TOKEN"] = bob.token
    assert brickroad(env, "whoami").stdout.startswith(bob.username)


def test_wrong_token_is_one_clear_line(server: Any, tmp_path: Path) -> None:
    env = isolated_env(tmp_path, BRICKROAD_SERVER=server.url, BRICKROAD_TOKEN="wrong-token")
    for args in (("goals",), ("whoami",), ("add", "x", "1")):
        proc = brickroad(env, *args)
        assert proc.returncode == 1
        assert proc.stderr.strip() == f"401: bad auth token for {server.url}/api/v1/"
    refused = brickroad(isolated_env(tmp_path), "login", "--server", server.url, "--token", "wrong-token")
    assert refused.returncode == 1 and refused.stderr.startswith("401: bad auth token")
    assert not (tmp_path / "xdg" / "brickroad" / "config.json").exists()


def test_unreachable_server_is_a_clear_message(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    proc = brickroad(isolated_env(tmp_path, BRICKROAD_SERVER=url, BRICKROAD_TOKEN="t"), "goals")
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: cannot reach {url}/api/v1/: connection refused"


def test_call_adds_auth_and_passes_headers_query_and_body(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    me = json.loads(cli.run("call", "GET", "/v1/me.json").stdout)
    assert me["username"] == alice.username
    put = cli.run("call", "PUT", "users/me.json", "-H", "X-Trace: 1", "--data", '{"default_leadtime": 3}', "-i")
    assert put.stdout.startswith("HTTP 200") and '"default_leadtime": 3' in put.stdout
    query = json.loads(cli.run("call", "GET", "/v1/users/me.json", "-q", "associations=true").stdout)
    assert query["goals"] == []
    body_file = tmp_path / "body.json"
    body_file.write_text('{"default_deadline": -7200}')
    assert json.loads(cli.run("call", "PATCH", "/v1/users/me.json", "--data", f"@{body_file}").stdout)["default_deadline"] == -7200
    missing = cli.run("call", "GET", "/v1/users/me/goals/nope.json", code=1)
    assert json.loads(missing.stdout)["error"] == "The requested resource was not found."
    assert missing.stderr.startswith("404:")
    bad = cli.run("call", "GET", "/v1/me.json", "-H", "nocolon", code=1)
    assert "key:value" in bad.stderr
