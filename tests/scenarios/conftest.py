"""Fixtures for the scenarios: one `World` per story, on each backend.

The kit shares one database per backend across all its stories (package scope)
instead of the suite's one per module: creating, migrating and dropping a
PostgreSQL database per module was a fifth of the kit's time. Stories never see
each other's data (each makes its own users), and a finished story's goals and
deliveries are taken out of the sweeper's queue so later stories, whose clocks
start over, don't sweep them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from brickroad.api.app import create_app
from brickroad.jobs import outbox as delivery
from brickroad.jobs.config import JobSettings
from brickroad.services.context import Context
from brickroad.store import outbox as outbox_rows
from brickroad.store.tables import goals as goals_table
from tests.conftest import BACKENDS, START, _require_pg, pg_database, test_context
from tests.jobs.conftest import Sink, js, running_sink  # noqa: F401  (fixture reused)
from tests.jobs.kit import Receiver
from tests.scenarios.kit import World


@pytest.fixture(scope="package", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('scenarios') / 'scenarios.sqlite3'}"
        return
    _require_pg()
    with pg_database() as url:
        yield url


@pytest.fixture(scope="package")
def ctx(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    # Package-wide: all stories share one database per backend.
    with test_context(database_url, tmp_path_factory.mktemp("data")) as context:
        yield context


@pytest.fixture(scope="package")
def app(ctx: Context) -> Starlette:
    return create_app(ctx)


@pytest.fixture(scope="package")
def receiver() -> Iterator[Receiver]:
    """One webhook receiver for all stories (stopping one costs half a second); each World only
    keeps what arrives during its story."""
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture(scope="package")
def smtp_sink() -> Iterator[Sink]:
    with running_sink() as sink:
        yield sink


@pytest.fixture
def world(ctx: Context, app: Starlette, js: JobSettings, receiver: Receiver, smtp_sink: Sink,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    # Graph renders stay undone during a story: none looks at pictures, and drawing one per
    # write was half the kit's time. (Restored after the test for the graph tests.)
    monkeypatch.delitem(delivery._extra_handlers, "graph", raising=False)
    ctx.clock.set(START)  # type: ignore[attr-defined]
    mailing = replace(js, smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_from="bee@brickroad.test",
                      max_attempts=8)
    # Not entered as a context manager: the app's lifespan would close the shared quotas.
    api = TestClient(app, follow_redirects=False)
    w = World(ctx, mailing, receiver, smtp_sink, app, api,
              mail_offset=len(smtp_sink.messages), hook_offset=len(receiver.requests))
    yield w
    w.close()
    api.close()
    _retire(ctx, [a.user.pk for a in w.accounts])


def _retire(ctx: Context, user_ids: list[int]) -> None:
    """Take a finished story's goals and pending deliveries out of the sweeper's and workers' way."""
    if not user_ids:
        return
    with ctx.db.write() as conn:
        conn.execute(update(goals_table).where(goals_table.c.user_id.in_(user_ids)).values(next_check_at=None))
        conn.execute(update(outbox_rows.outbox).where(outbox_rows.outbox.c.user_id.in_(user_ids),
                                                      outbox_rows.outbox.c.state == outbox_rows.PENDING)
                     .values(state=outbox_rows.DEAD))
