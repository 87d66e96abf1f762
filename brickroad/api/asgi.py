"""ASGI entry point for running under any server: `uvicorn --factory brickroad.api.asgi:create`."""

from __future__ import annotations

from starlette.applications import Starlette

from brickroad.api.app import create_app
from brickroad.config import load_settings
from brickroad.services.context import Context
from brickroad.store.migrate import upgrade


def create() -> Starlette:
    ctx = Context.create(load_settings())
    upgrade(ctx.db)
    return create_app(ctx)
