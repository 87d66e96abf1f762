"""Settings read from the environment, with defaults that need no setup."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BODY = 4 * 1024 * 1024

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDRs: "127.0.0.1,10.0.0.0/8"."""
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in text.split(",") if p.strip())


def env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class OutboundPolicy:
    """Where webhooks and callbacks may go beyond public addresses (services/outbound.py has the rule)."""

    allow_private: bool = False  # BRICKROAD_ALLOW_PRIVATE_WEBHOOKS
    allow_networks: tuple[Network, ...] = ()  # BRICKROAD_WEBHOOK_ALLOW

    @classmethod
    def from_env(cls) -> "OutboundPolicy":
        return cls(env_flag(os.environ.get("BRICKROAD_ALLOW_PRIVATE_WEBHOOKS")),
                   parse_networks(os.environ.get("BRICKROAD_WEBHOOK_ALLOW", "")))


class ConfigError(ValueError):
    """A setting from the environment is unusable; the message names the variable."""


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, not {raw!r}")
    return value


@dataclass(frozen=True)
class ServeLimits:
    """What one client may hold of the HTTP server (slowloris, huge headers): see README, SECURITY."""

    header_timeout: float = 10.0  # seconds from a connection's (or request's) first byte to its last header
    body_timeout: float = 60.0  # seconds from the last header to the last body byte
    keep_alive: float = 5.0  # idle seconds between requests on one connection
    max_header_bytes: int = 32 * 1024  # request line + headers; past it: 431 and close
    max_connections: int = 2000  # open connections per process; more are closed at once
    # Addresses of reverse proxies whose X-Forwarded-For/-Proto to believe; none by default, so a
    # client can't pick the address the login and sign-up limits count it under.
    trusted_proxies: str = ""

    @classmethod
    def from_env(cls) -> "ServeLimits":
        d = cls()
        return cls(
            header_timeout=_env_number("BRICKROAD_HEADER_TIMEOUT", d.header_timeout),
            body_timeout=_env_number("BRICKROAD_BODY_TIMEOUT", d.body_timeout),
            keep_alive=_env_number("BRICKROAD_KEEP_ALIVE", d.keep_alive),
            max_header_bytes=int(_env_number("BRICKROAD_MAX_HEADER_BYTES", d.max_header_bytes)),
            max_connections=int(_env_number("BRICKROAD_MAX_CONNECTIONS", d.max_connections)),
            trusted_proxies=os.environ.get("BRICKROAD_TRUSTED_PROXIES", "").strip(),
        )


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
    serve_limits: ServeLimits = field(default_factory=ServeLimits)
    outbound: OutboundPolicy = field(default_factory=OutboundPolicy)
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


MIN_SECRET_BYTES = 32


def check_secret(value: bytes, name: str = "BRICKROAD_SECRET") -> bytes:
    """At least 32 bytes, and not a short pattern repeated: tokens and sessions are keyed by it.

    Entropy can't be measured from one sample; length plus variety refuses the
    usual mistakes ("secret", "changeme", "aaaa…") without rejecting random keys.
    """
    if len(value) < MIN_SECRET_BYTES or len(set(value)) < 8:
        raise ConfigError(
            f"{name} must be at least {MIN_SECRET_BYTES} bytes of random data, e.g. the output of "
            "`python3 -c 'import secrets; print(secrets.token_hex(32))'` (or leave it unset to use secret.key)"
        )
    return value


def load_secret(data_dir: Path) -> bytes:
    """BRICKROAD_SECRET (checked by check_secret), else a random secret kept 0600 in the data dir.

    Auth tokens are derived from this secret, so it must survive restarts.
    """
    env = os.environ.get("BRICKROAD_SECRET")
    if env:
        return check_secret(env.encode())
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
        "serve_limits": ServeLimits.from_env(),
        "outbound": OutboundPolicy.from_env(),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
