"""A uvicorn server built exactly as `brickroad serve` builds it (server_options), with chosen limits."""

from __future__ import annotations

import dataclasses
import threading

import uvicorn

from brickroad.api.app import create_app
from brickroad.api.serving import server_options
from brickroad.config import ServeLimits
from brickroad.services.context import Context
from tests.conftest import LiveServer


class CliServer(LiveServer):
    def __init__(self, ctx: Context, limits: ServeLimits) -> None:
        super().__init__(ctx)
        settings = dataclasses.replace(ctx.settings, serve_limits=limits)
        config = uvicorn.Config(create_app(ctx), **server_options(settings, "127.0.0.1", self.port))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
