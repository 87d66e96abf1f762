"""How `brickroad serve` runs uvicorn: the options in one place, and the guards uvicorn lacks.

uvicorn's httptools protocol closes idle keep-alive connections, but nothing
else: a client that never finishes its headers or its body (slowloris) holds
its connection, and a file descriptor, forever; headers of any size are
buffered; and there is no cap on open connections. `GuardedHttpTools` adds,
per connection:

1. a header deadline: from the connection's (or the request's) first byte to
   its last header, else 408 and close;
2. a body deadline: from the last header to the last body byte, else 408 and close;
3. a cap on request line + headers: past it, 431 and close, having buffered
   at most one socket read beyond the cap;
4. a cap on open connections per process: past it, a new connection is
   closed at once, before it is read.

Limits come from `Settings.serve_limits` (BRICKROAD_HEADER_TIMEOUT, …).
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from brickroad.config import ServeLimits, Settings


class _Refused(Exception):
    """Raised in a parser callback to stop parsing a request that was already answered."""


class GuardedHttpTools(HttpToolsProtocol):
    # None: read the environment, as load_settings does (what spawned worker processes see).
    limits: ClassVar[ServeLimits | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limits = type(self).limits or ServeLimits.from_env()
        self._deadline: asyncio.TimerHandle | None = None
        self._in_headers = True
        self._header_bytes = 0

    @classmethod
    def bound(cls, limits: ServeLimits) -> type["GuardedHttpTools"]:
        """A protocol class with its own limits (single process only: it can't be pickled)."""
        return type(cls.__name__, (cls,), {"limits": limits})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections:
            transport.close()  # connection_lost takes it out of the count
            return
        self._arm(self._limits.header_timeout, "Request headers took too long")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._in_headers or self.transport.is_closing():
            return
        # Counted per read: a request that began mid-read is charged the whole read.
        self._header_bytes += len(data)
        if self._header_bytes > self._limits.max_header_bytes:
            self._refuse(431, f"Request line and headers exceed {self._limits.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers, self._header_bytes = True, 0
        if self._deadline is None:  # a keep-alive connection's next request
            self._arm(self._limits.header_timeout, "Request headers took too long")

    def on_headers_complete(self) -> None:
        self._in_headers = False
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self._limits.max_header_bytes:  # all of it came in one read
            self._refuse(431, f"Request line and headers exceed {self._limits.max_header_bytes} bytes")
            raise _Refused()  # stops the parser: the app never sees this request
        super().on_headers_complete()
        self._arm(self._limits.body_timeout, "Request body took too long")

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        if not self.transport.is_closing():  # else we refused it already, and said why
            super().send_400_response(msg)

    def _arm(self, seconds: float, message: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._refuse, 408, message)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _refuse(self, status: int, message: str) -> None:
        """Answer (unless a response has begun) and close: the client has had its chance."""
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            body = orjson.dumps({"errors": {"message": message}})
            reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
                b"connection: close\r\n\r\n%s" % (status, reason, len(body), body)
            )
        if self.cycle is not None:
            self.cycle.keep_alive = False
        self.transport.close()


def server_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """uvicorn.run / uvicorn.Config keyword arguments for `brickroad serve` (tests build servers from them too)."""
    limits = settings.serve_limits
    protocol = GuardedHttpTools if limits == ServeLimits.from_env() else GuardedHttpTools.bound(limits)
    return dict(
        host=host, port=port, http=protocol, timeout_keep_alive=limits.keep_alive,
        proxy_headers=bool(limits.trusted_proxies), forwarded_allow_ips=limits.trusted_proxies or None,
        log_level="warning", access_log=False,
    )
