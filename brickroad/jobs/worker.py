"""The worker loop: sweep due goals, deliver due outbox rows, sleep when idle.

Runs as `brickroad worker` (any number, on PostgreSQL) or as a thread inside
`brickroad serve` (the embedded default). Stopping is cooperative: the loop
finishes the row in hand; a killed process just lets its leases run out.
"""

from __future__ import annotations

import logging
import threading
import time

from brickroad.jobs import outbox, sweeper
from brickroad.jobs.config import JobSettings
from brickroad.services.context import Context

log = logging.getLogger("brickroad.worker")


def run_once(ctx: Context, js: JobSettings) -> int:
    """One round of both kinds of work; returns how many items were claimed."""
    n = 0
    try:
        n += sweeper.sweep_batch(ctx, js)
    except Exception:
        log.exception("sweep round failed")
    try:
        n += outbox.deliver_batch(ctx, js)
    except Exception:
        log.exception("delivery round failed")
    return n


def install_handlers() -> None:
    """Kinds other packages deliver (graph renders), so a standalone worker takes those rows too."""
    try:
        from brickroad.jobs import graph_render
    except ImportError:  # pragma: no cover - the graph package is optional for the time engine
        return
    graph_render.install()


def run_forever(ctx: Context, js: JobSettings, stop: threading.Event) -> None:
    install_handlers()
    log.info("worker %s started", js.worker_id)
    next_prune = time.monotonic()
    while not stop.is_set():
        if time.monotonic() >= next_prune:
            next_prune = time.monotonic() + js.prune_every
            try:
                outbox.prune(ctx, js)
            except Exception:
                log.exception("pruning the outbox failed")
        if run_once(ctx, js) == 0:
            stop.wait(js.poll)  # idle: wait, but wake at once when asked to stop
    log.info("worker %s stopped", js.worker_id)


class Background:
    """The sweeper thread of `brickroad serve`, started and stopped by the app's lifespan."""

    def __init__(self, ctx: Context, js: JobSettings | None = None) -> None:
        self.ctx = ctx
        self.js = js or JobSettings.from_env()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=run_forever, args=(ctx, self.js, self.stop_event),
                                       name="brickroad-sweeper", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)
