"""Running the client commands in-process (typer's CliRunner) against the test server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from brickroad.cli.main import app
from brickroad.client import Client


@dataclass
class Cli:
    env: dict[str, str]

    def run(self, *args: str, code: int = 0) -> Any:
        result = CliRunner().invoke(app, list(args), env=self.env, catch_exceptions=False)
        assert result.exit_code == code, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)


def cli_for(server: Any, token: str, tmp_path: Path) -> Cli:
    return Cli({
        "BRICKROAD_SERVER": server.url,
        "BRICKROAD_TOKEN": token,
        "BRICKROAD_CONFIG": str(tmp_path / "config.json"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "COLUMNS": "200",
    })


def make_goal(server: Any, token: str, slug: str, **fields: Any) -> None:
    params: dict[str, Any] = {"rate": 1, "runits": "d", "goalval": 100, "goaldate": None, **fields}
    with Client(server.url, token=token) as bee:
        bee.create_goal(slug, slug.title(), "hustler", "reps", **params)
