"""Settings read from the environment, with defaults that need no setup."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BODY = 4 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret: bytes
    first_user: str = "admin"
    max_body_bytes: int = DEFAULT_MAX_BODY
    base_url: str = "http://127.0.0.1:8080"
    quotas_enabled: bool = True
    quota_requests: int = 4000
    quota_bytes: int = 2048 * 1024
    redis_url: str | None = None
    redis_prefix: str = "brickroad:"
    signups_per_hour: int = 20  # new accounts per client address per hour (web sign-up form)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def key(self, purpose: str) -> bytes:
        return derive_key(self.secret, purpose)


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose ("session", "auth_token", "callback-signing", …), derived from the server secret.

    Nothing signs with the server secret itself: a value signed or derived for
    one purpose can never pass as one of another, and a key whose derivatives
    leave the server (receivers' signing secrets) reveals nothing about the rest.
    """
    return hmac.new(secret, b"brickroad key for " + purpose.encode(), hashlib.sha256).digest()


def load_secret(data_dir: Path) -> bytes:
    """BRICKROAD_SECRET, else a random secret kept 0600 in the data dir.

    Auth tokens are derived from this secret, so it must survive restarts.
    """
    env = os.environ.get("BRICKROAD_SECRET")
    if env:
        return env.encode()
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(value)
    return value


def load_settings(**overrides: object) -> Settings:
    env = os.environ
    data_dir = Path(str(overrides.pop("data_dir", None) or env.get("BRICKROAD_DATA_DIR", "./data"))).resolve()
    url = str(overrides.pop("database_url", None) or env.get("BRICKROAD_DATABASE_URL", ""))
    if not url:
        url = f"sqlite:///{data_dir / 'brickroad.sqlite3'}"
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": url,
        "secret": load_secret(data_dir),
        "first_user": env.get("BRICKROAD_FIRST_USER", "admin"),
        "max_body_bytes": int(env.get("BRICKROAD_MAX_BODY_BYTES", DEFAULT_MAX_BODY)),
        "base_url": env.get("BRICKROAD_BASE_URL", "http://127.0.0.1:8080").rstrip("/"),
        "quotas_enabled": env.get("BRICKROAD_QUOTAS", "on").lower() not in ("off", "0", "false", "no"),
        "quota_requests": int(env.get("BRICKROAD_QUOTA_REQUESTS", 4000)),
        "quota_bytes": int(env.get("BRICKROAD_QUOTA_BYTES", 2048 * 1024)),
        "redis_url": env.get("BRICKROAD_REDIS_URL") or None,
        "redis_prefix": env.get("BRICKROAD_REDIS_PREFIX", "brickroad:"),
        "signups_per_hour": int(env.get("BRICKROAD_SIGNUPS_PER_HOUR", 20)),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
