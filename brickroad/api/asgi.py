"""ASGI entry point for running under any server: `uvicorn --factory brickroad.api.asgi:create`."""

from __future__ import annotations

from starlette.applications import Starlette

from brickroad.api.app import create_app
from brickroad.config import load_settings
from brickroad.services.context import Context
from brickroad.store.migrate import upgrade


def create() -> Starlette:
    return _create(sweeper=False)


def create_with_sweeper() -> Starlette:
    """What each process of `brickroad serve --workers N` runs: the API and a sweeper thread
    (sweepers claim goals and outbox rows with leases, so any number share the work)."""
    return _create(sweeper=True)


def _create(sweeper: bool) -> Starlette:
    ctx = Context.create(load_settings())
    upgrade(ctx.db)
    return create_app(ctx, sweeper=sweeper)
