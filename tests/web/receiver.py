"""A loopback HTTP server that records what apps would receive: OAuth redirects and callbacks."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Receiver:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, list[str]]]] = []
        self.gets: list[tuple[str, dict[str, list[str]]]] = []
        self.arrived = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                parts = urlsplit(self.path)
                outer.gets.append((parts.path, parse_qs(parts.query)))
                self._ok(b"<!doctype html><title>app</title><p>Thanks, you can close this page.</p>")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode()
                outer.posts.append((self.path, parse_qs(body)))
                outer.arrived.set()
                self._ok(b"ok")

            def _ok(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for_post(self, timeout: float = 10) -> tuple[str, dict[str, list[str]]]:
        assert self.arrived.wait(timeout), "no callback arrived"
        return self.posts[-1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def deliver_outbox(ctx: object) -> int:
    """Run one outbox delivery round, as the sweeper of `brickroad serve` would (loopback allowed)."""
    from brickroad.jobs import outbox
    from brickroad.jobs.config import JobSettings

    return outbox.deliver_batch(ctx, JobSettings(allow_private=True, http_timeout=5))  # type: ignore[arg-type]
