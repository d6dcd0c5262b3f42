"""Run the web application on a socket, with the session it serves."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from tui.services.config import Settings
from tui.services.session import HostSession
from tui.web.api import ModelsApi
from tui.web.app import make_app
from tui.web.security import Guard


class CannotListen(Exception):
    """The address is taken, not this machine's, or needs privileges."""


@contextlib.asynccontextmanager
async def serving(session: HostSession, settings: Settings, guard: Guard,
                  port: int) -> AsyncIterator[str]:
    """Listen on `guard.bind`:`port` (0: a free port) for the `with` block; yields the URL.
    Pulls and creates still running at the end are stopped (Ollama keeps what they
    downloaded)."""
    api = ModelsApi(session, settings)
    runner = web.AppRunner(make_app(api, guard), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, guard.bind, port)
        try:
            await site.start()
        except OSError as exc:
            raise CannotListen(f"cannot listen on {guard.bind} port {port}: "
                               f"{exc.strerror or exc}") from None
        host, bound = runner.addresses[0][:2]
        yield f"http://{'[' + host + ']' if ':' in host else host}:{bound}/"
    finally:
        for job in session.pulls.running:
            session.pulls.cancel(job.name, job.kind)
        await api.creates.stop()
        await runner.cleanup()
