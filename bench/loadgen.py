"""A small HTTP/1.1 keep-alive load generator and server launcher shared by the benchmarks.

Raw asyncio sockets rather than an HTTP client library: the generator must be
much cheaper than the server it measures, and both share a 2-core machine.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_instance() -> tuple[dict[str, str], str]:
    """A fresh SQLite data dir with one user: (environment for brickroad, that user's token).

    Quotas stay on (they are part of every request) with limits out of the load's reach.
    """
    env = {"BRICKROAD_DATA_DIR": tempfile.mkdtemp(prefix="brickroad-bench-"), "BRICKROAD_SECRET": "bench-secret-0123456789-abcdefghijklmnop",
           "BRICKROAD_QUOTA_REQUESTS": "1000000000", "BRICKROAD_QUOTA_BYTES": "1000000000000"}
    brickroad = os.path.join(os.path.dirname(sys.executable), "brickroad")
    out = subprocess.run([brickroad, "user", "create", "bench"], env={**os.environ, **env},
                         capture_output=True, text=True, check=True)
    return env, out.stdout.strip().splitlines()[-1]


def start_server(module_app: str, port: int, env: dict[str, str] | None = None, factory: bool = False) -> subprocess.Popen[bytes]:
    """uvicorn in its own process, one worker, logs off (the bare reference app)."""
    args = [sys.executable, "-m", "uvicorn", module_app, "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", "--no-access-log"]
    if factory:
        args.append("--factory")
    return _spawn(args, port, env)


def start_brickroad(port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """brickroad as `brickroad serve --no-sweeper` runs it: its uvicorn options and connection guards
    (brickroad/api/serving.py) included, so the figures are the served stack's."""
    args = [sys.executable, "-m", "brickroad.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--no-sweeper"]
    return _spawn(args, port, env)


def _spawn(args: list[str], port: int, env: dict[str, str] | None) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, env={**os.environ, **(env or {})}, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{args[2]} did not start")


async def _worker(port: int, request: bytes, stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            status = int(head[9:12])
            counts[0 if 200 <= status < 300 else 1] += 1
    finally:
        writer.close()


def load(port: int, request: bytes, seconds: float = 3.0, connections: int = 16) -> Result:
    """Hammer one request over keep-alive connections for a bounded time."""

    async def main() -> Result:
        counts = [0, 0]
        start = time.monotonic()
        stop_at = start + seconds
        await asyncio.gather(*(_worker(port, request, stop_at, counts) for _ in range(connections)))
        return Result(counts[0], time.monotonic() - start, counts[1])

    return asyncio.run(main())


def get(path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def post(path: str, body: bytes, content_type: str = "application/x-www-form-urlencoded") -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body
