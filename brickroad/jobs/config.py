"""Settings of the background workers, from the environment (or given directly by tests)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

from brickroad.config import Network, OutboundPolicy, env_flag, parse_networks

__all__ = ["JobSettings", "parse_networks"]


@dataclass(frozen=True)
class JobSettings:
    # Outbound HTTP: private/loopback/link-local targets are refused unless allowed.
    allow_private: bool = False
    allow_networks: tuple[Network, ...] = ()
    http_timeout: float = 10.0
    max_redirects: int = 3
    # Retries: attempt n waits about backoff_base * 2**(n-1) (capped), with jitter.
    max_attempts: int = 8
    backoff_base: int = 30
    backoff_cap: int = 6 * 3600
    lease: int = 120  # seconds a claim lasts; a dead worker's rows come back after this
    batch: int = 50
    sweep_threads: int = 4  # goals processed at once per worker (PostgreSQL only)
    poll: float = 1.0  # idle sleep between rounds (seconds)
    keep_delivered: int = 7 * 86400  # finished outbox rows are kept this long for the delivery log
    keep_dead: int = 30 * 86400
    prune_every: int = 3600
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "brickroad@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    @property
    def outbound(self) -> OutboundPolicy:
        return OutboundPolicy(self.allow_private, self.allow_networks)

    @classmethod
    def from_env(cls, **overrides: object) -> "JobSettings":
        env = os.environ
        outbound = OutboundPolicy.from_env()
        values: dict[str, object] = {
            "allow_private": outbound.allow_private,
            "allow_networks": outbound.allow_networks,
            "http_timeout": float(env.get("BRICKROAD_WEBHOOK_TIMEOUT", 10)),
            "max_attempts": int(env.get("BRICKROAD_OUTBOX_MAX_ATTEMPTS", 8)),
            "backoff_base": int(env.get("BRICKROAD_OUTBOX_BACKOFF", 30)),
            "lease": int(env.get("BRICKROAD_WORKER_LEASE", 120)),
            "batch": int(env.get("BRICKROAD_WORKER_BATCH", 50)),
            "sweep_threads": int(env.get("BRICKROAD_SWEEP_THREADS", 4)),
            "poll": float(env.get("BRICKROAD_WORKER_POLL", 1.0)),
            "smtp_host": env.get("SMTP_HOST") or None,
            "smtp_port": int(env.get("SMTP_PORT", 25)),
            "smtp_from": env.get("SMTP_FROM", "brickroad@localhost"),
            "smtp_user": env.get("SMTP_USER") or None,
            "smtp_password": env.get("SMTP_PASSWORD") or None,
            "smtp_starttls": env_flag(env.get("SMTP_STARTTLS")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
