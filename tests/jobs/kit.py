"""Helpers for the time-engine tests: a scriptable loopback HTTP receiver, goals built through services."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from brickroad.services import datapoints, goals
from brickroad.services.context import Context
from brickroad.services.goal_models import Goal
from brickroad.services.models import User
from brickroad.store import goals as goal_rows

DAY = 86400


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


# A script answers one request: (status, extra headers), possibly after sleeping.
Script = Callable[["Receiver", Received], tuple[int, dict[str, str]]]


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records every POST and answers per path."""

    scripts: dict[str, Script] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                n = int(self.headers.get("content-length") or 0)
                got = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(n))
                with receiver.lock:
                    receiver.requests.append(got)
                script = receiver.scripts.get(self.path.split("?")[0], lambda _r, _g: (200, {}))
                status, headers = script(receiver, got)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # workers deliver in parallel; the default backlog of 5 resets them

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path.split("?")[0] == path]


def answers(*statuses: int) -> Script:
    """Answer with these statuses in turn, then keep repeating the last."""
    it = iter(statuses)
    last = [statuses[-1]]

    def script(_r: Receiver, _g: Received) -> tuple[int, dict[str, str]]:
        last[0] = next(it, last[0])
        return last[0], {}

    return script


def hangs(seconds: float) -> Script:
    def script(_r: Receiver, _g: Received) -> tuple[int, dict[str, str]]:
        time.sleep(seconds)
        return 200, {}

    return script


def redirects(location: str, status: int = 307) -> Script:
    return lambda _r, _g: (status, {"Location": location})


def make_goal(ctx: Context, user: User, slug: str, **params: Any) -> Goal:
    p: dict[str, Any] = {"slug": slug, "goal_type": "hustler", "gunits": "reps", "rate": 1, "runits": "d",
                         "goalval": 1000}
    p.update(params)
    return goals.create(ctx, user, {k: v for k, v in p.items() if v is not None}).goal


def reload(ctx: Context, user: User, slug: str) -> Goal:
    return goals.get(ctx, user, slug)


def add(ctx: Context, user: User, slug: str, value: float, **params: Any) -> None:
    datapoints.create(ctx, user, slug, {"value": value, **params})


def set_columns(ctx: Context, goal: Goal, **values: Any) -> None:
    """For settings the API doesn't expose yet (callback_url)."""
    with ctx.db.write() as conn:
        goal_rows.update_goal(conn, goal.id, **values)
