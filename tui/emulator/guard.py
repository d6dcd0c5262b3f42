"""Connections that send no request are closed: a slow-header (slowloris) client or an idle
socket cannot hold the emulator's file descriptors.

aiohttp has no timeout for a request's headers, so the emulator wraps each connection's
protocol: a connection is "waiting" from the moment it opens, and again once an answer is
done, until its next request's headers are complete (the app then sees the request). A
waiting connection is closed after a timeout, and when too many wait at once the oldest is
closed first, so new (real) clients still get a descriptor.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

HEADER_TIMEOUT = 10.0  # seconds a new connection has to send its request's headers
IDLE_TIMEOUT = 60.0  # seconds a kept-alive connection may sit between requests


def default_max_waiting() -> int:
    """A quarter of the file descriptors this process may open, at most 256."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource  # POSIX only

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft > 0:
            return max(8, min(256, soft // 4))
    return 256


class ConnectionGuard:
    def __init__(self, header_timeout: float = HEADER_TIMEOUT,
                 idle_timeout: float = IDLE_TIMEOUT, max_waiting: int = 0) -> None:
        self.header_timeout = header_timeout
        self.idle_timeout = idle_timeout
        self.max_waiting = max_waiting or default_max_waiting()
        # Waiting connections, oldest first (dicts keep insertion order).
        self._waiting: dict[asyncio.BaseTransport, asyncio.TimerHandle] = {}

    def protocol_factory(self, make: Callable[[], asyncio.Protocol]) -> Callable[[], Any]:
        return lambda: _Guarded(make(), self)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    # -- called by the connection and by the app -----------------------------------------
    def opened(self, transport: asyncio.BaseTransport) -> None:
        self._wait(transport, self.header_timeout)

    def request_started(self, transport: asyncio.BaseTransport | None) -> None:
        handle = self._waiting.pop(transport, None) if transport is not None else None
        if handle is not None:
            handle.cancel()

    def request_finished(self, transport: asyncio.BaseTransport | None) -> None:
        if transport is not None and not transport.is_closing():
            self._wait(transport, self.idle_timeout)

    def closed(self, transport: asyncio.BaseTransport) -> None:
        self.request_started(transport)  # no longer waiting

    # -- the timers ------------------------------------------------------------------------
    def _wait(self, transport: asyncio.BaseTransport, timeout: float) -> None:
        self.request_started(transport)
        loop = asyncio.get_running_loop()
        self._waiting[transport] = loop.call_later(timeout, self._expire, transport, timeout)
        while len(self._waiting) > self.max_waiting:
            self._close(next(iter(self._waiting)))

    def _expire(self, transport: asyncio.BaseTransport, timeout: float) -> None:
        self._waiting.pop(transport, None)
        writing = getattr(transport, "get_write_buffer_size", lambda: 0)()
        if writing and not transport.is_closing():
            self._wait(transport, timeout)  # still sending an answer to a slow reader
            return
        self._close(transport)

    def _close(self, transport: asyncio.BaseTransport) -> None:
        handle = self._waiting.pop(transport, None)
        if handle is not None:
            handle.cancel()
        transport.close()


class _Guarded(asyncio.Protocol):
    """aiohttp's protocol for one connection, with the guard told when it opens and closes."""

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._guard.opened(transport)
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._guard.closed(self._transport)
        self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()
