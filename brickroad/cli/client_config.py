"""Where the client commands find their server and token.

Order: BRICKROAD_SERVER / BRICKROAD_TOKEN from the environment, then the file
written by `brickroad login` ($BRICKROAD_CONFIG, else
$XDG_CONFIG_HOME/brickroad/config.json, else ~/.config/brickroad/config.json).
The file holds a secret, so it is created 0600 inside a 0700 directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_SERVER = "https://www.beeminder.com"
TOKEN_KINDS = ("auth_token", "access_token")


@dataclass
class ClientSettings:
    server: str = DEFAULT_SERVER
    token: str = ""
    token_kind: str = "auth_token"


def config_path() -> Path:
    explicit = os.environ.get("BRICKROAD_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "brickroad" / "config.json"


def load_file(path: Path | None = None) -> ClientSettings | None:
    path = path or config_path()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from exc
    kind = data.get("token_kind", "auth_token")
    return ClientSettings(
        server=str(data.get("server") or DEFAULT_SERVER),
        token=str(data.get("token") or ""),
        token_kind=kind if kind in TOKEN_KINDS else "auth_token",
    )


def save_file(settings: ClientSettings, path: Path | None = None) -> Path:
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    # Create with 0600 from the start (no window where the token is world-readable),
    # then rename over the old file so a crash never leaves half a config.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(asdict(settings), fh, indent=2)
        fh.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def remove_file(path: Path | None = None) -> bool:
    path = path or config_path()
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False


def current() -> ClientSettings:
    """Settings from the environment over the file; token may be empty (not logged in)."""
    settings = load_file() or ClientSettings()
    server = os.environ.get("BRICKROAD_SERVER")
    token = os.environ.get("BRICKROAD_TOKEN")
    if server:
        settings.server = server
    if token:
        settings.token = token
        settings.token_kind = os.environ.get("BRICKROAD_TOKEN_KIND", "auth_token")
    return settings
