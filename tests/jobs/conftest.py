"""Fixtures for the time engine: worker settings for loopback, an HTTP receiver, an SMTP sink."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest

from brickroad.jobs.config import JobSettings, parse_networks
from tests.conftest import free_port
from tests.jobs.kit import Receiver


@pytest.fixture
def js() -> JobSettings:
    # Tests allow exactly 127.0.0.1: everything else private stays refused.
    return JobSettings(allow_networks=parse_networks("127.0.0.1/32"), http_timeout=2.0, max_attempts=3,
                       backoff_base=10, lease=60, batch=50, poll=0.05, worker_id="test-worker")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


@dataclass
class Sink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, _server, _session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[Sink]:
    with running_sink() as sink:
        yield sink


@contextmanager
def running_sink() -> Iterator[Sink]:
    """A real SMTP server on loopback collecting what it receives."""
    from aiosmtpd.controller import Controller

    sink = Sink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
