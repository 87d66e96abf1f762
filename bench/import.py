"""Points per second for `brickroad import` of 100k datapoints into a brickroad server on loopback.

Starts `brickroad serve` on a fresh SQLite data dir (quotas off: a bulk load is
far beyond the default daily byte budget), creates a goal with the client
library, writes a CSV and times the CLI end to end (process start included),
then times the same import again (every row a duplicate). Prints figures only.

    .venv/bin/python bench/import.py [--points 100000] [--batch-size 5000]

Figures (2-core dev VM shared with other work; before/after alternated in one
session, so read the ranges, not the digits): 100k points end to end went from
10,000-17,800 points/s to 19,900-30,100 (the last alternated set: 10,000-13,200
before, 25,000-30,100 after; target 20,000). The all-duplicates re-import went
from 5,100-7,000 to 24,900-35,200 points/s. The CLI alone does 66k-78k against
the stub. What changed: graph renders wait two seconds and a request with a
newer one behind it is skipped (the in-process worker was drawing the growing
100k-point goal every second, about a third of the server's CPU during the
import); daystamps in integer arithmetic (2.8 -> 0.8 us a point); requestids
looked up with one bound list and repeats answered from that lookup (the
re-import did a query per point); `brickroad import` asks create_all for
compact=true answers (ids and statuses, not 2 MB of datapoints per batch).
On a quiet machine after the group-commit work (2026-11-27): 28,900-32,100
points/s end to end, re-import 26,800-31,300, CLI alone 75k-89k.
Where the server's time goes (py-spy, create_all ~ 87% of its samples):
SQLite's executemany ~ 27%, the road-engine recompute of the growing goal
~ 17%, per-point validation and row building ~ 15%.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BIN = str(Path(sys.executable).with_name("brickroad"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int, database_url: str | None) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRICKROAD_")}
    env.update(BRICKROAD_DATA_DIR=str(data_dir), BRICKROAD_QUOTAS="off", BRICKROAD_FIRST_USER="bench")
    if database_url:
        env["BRICKROAD_DATABASE_URL"] = database_url
    proc = subprocess.Popen([BIN, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        lines.append(line)
        if line.startswith("brickroad serving"):
            break
    token = lines[lines.index(next(x for x in lines if x.startswith("Created the first user"))) + 1]
    while time.monotonic() < deadline:  # "serving" is printed just before uvicorn listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, token


class StubHandler(BaseHTTPRequestHandler):
    """Answers create_all instantly (ids and statuses only): what's left is the CLI's own cost."""

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._send(b'{"slug": "bench", "id": "stub"}')

    def do_POST(self) -> None:  # noqa: N802
        items = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["datapoints"]
        if isinstance(items, str):  # the client sends a JSON-encoded string, as Beeminder's gem does
            items = json.loads(items)
        self._send(json.dumps([{"id": str(i), "status": "created"} for i in range(len(items))]).encode())


def stub_server() -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def write_csv(path: Path, n: int) -> None:
    # 100 points a day on the days before today, oldest first, like a history dump.
    now = int(time.time())
    days = max(1, n // 100)
    with path.open("w") as fh:
        fh.write("timestamp,value,comment\n")
        for i in range(n):
            ts = now - (days - i // 100) * 86400 + (i % 100) * 60
            fh.write(f"{ts},{(i % 7) + 0.5},row {i}\n")


def run_import(server: str, token: str, slug: str, csv_path: Path, batch: int) -> float:
    env = dict(os.environ, BRICKROAD_SERVER=server, BRICKROAD_TOKEN=token,
               BRICKROAD_CONFIG=str(csv_path.parent / "client.json"), XDG_STATE_HOME=str(csv_path.parent / "state"))
    start = time.perf_counter()
    proc = subprocess.run([BIN, "import", slug, str(csv_path), "--batch-size", str(batch), "--no-progress"],
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"import failed: {proc.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--database-url", default=None, help="Default: SQLite in a temporary data dir.")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from brickroad.client import Client

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        port = free_port()
        server, token = start_server(root / "data", port, args.database_url)
        try:
            url = f"http://127.0.0.1:{port}"
            with Client(url, token=token) as bee:
                bee.create_goal("bench", "Bench", "hustler", "reps", rate=1, runits="d", goalval=10**9, goaldate="null")
            csv_path = root / "points.csv"
            write_csv(csv_path, args.points)
            first = run_import(url, token, "bench", csv_path, args.batch_size)
            again = run_import(url, token, "bench", csv_path, args.batch_size)
            with Client(url, token=token) as bee:
                stored = bee.goal("bench").numpts
        finally:
            server.terminate()
            server.wait(timeout=30)
        stub, stub_url = stub_server()
        try:
            client_only = run_import(stub_url, "stub-token", "bench", csv_path, args.batch_size)
        finally:
            stub.shutdown()
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"backend: {backend}  points: {args.points}  batch: {args.batch_size}  stored: {stored}")
    print(f"import (CLI, end to end): {first:.2f} s  {args.points / first:,.0f} points/s")
    print(f"re-import (all duplicates): {again:.2f} s  {args.points / again:,.0f} points/s")
    print(f"CLI alone (stub server answering at once): {client_only:.2f} s  {args.points / client_only:,.0f} points/s")


if __name__ == "__main__":
    main()
