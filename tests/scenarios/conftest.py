"""Fixtures for the scenarios: one `World` per test on each backend (the conftest's `ctx`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from brickroad.api.app import create_app
from brickroad.jobs import outbox as delivery
from brickroad.jobs.config import JobSettings
from brickroad.services.context import Context
from tests.conftest import START
from tests.jobs.conftest import Sink, js, receiver, smtp_sink  # noqa: F401  (fixtures reused)
from tests.jobs.kit import Receiver
from tests.scenarios.kit import World


@pytest.fixture(scope="module")
def app(ctx: Context):  # type: ignore[no-untyped-def]
    return create_app(ctx)


@pytest.fixture
def world(ctx: Context, app, js: JobSettings, receiver: Receiver, smtp_sink: Sink,  # type: ignore[no-untyped-def]
          monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    # Graph renders stay undone during a scenario: no story looks at pictures, and drawing one
    # per write was half the kit's time. (Restored after the test for the graph tests.)
    monkeypatch.delitem(delivery._extra_handlers, "graph", raising=False)
    ctx.clock.set(START)  # type: ignore[attr-defined]
    mailing = replace(js, smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_from="bee@brickroad.test",
                      max_attempts=8)
    # Not entered as a context manager: the app's lifespan would close the module's shared quotas.
    api = TestClient(app, follow_redirects=False)
    w = World(ctx, mailing, receiver, smtp_sink, app, api)
    yield w
    w.close()
    api.close()
