"""`qgoose-tui serve` against the emulator, over real loopback sockets.

Every answer the API gives a test through `Web` is checked against the OpenAPI description
the server publishes: a test of an endpoint is also a test of its description.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import fixture_json
from tests.web.openapi_check import response_problems
from tui.emulator.server import Emulator
from tui.services.config import Settings
from tui.services.history import History
from tui.services.session import HostSession
from tui.web.openapi import openapi
from tui.web.security import Guard
from tui.web.server import serving

SPEC = openapi()
SEED = fixture_json("seed_api_examples.json")
TOKEN = "a-test-token-of-some-length"
JSON = {"Content-Type": "application/json"}


@dataclass
class Web:
    url: str
    http: httpx.AsyncClient
    session: HostSession
    settings: Settings
    emulator: Emulator

    async def call(self, method: str, path: str, **options: Any) -> httpx.Response:
        """An API request whose answer must match the published description."""
        response = await self.http.request(method, path, **options)
        body = response.json()
        found = response_problems(SPEC, path.split("?")[0], method, response.status_code, body)
        assert not found, found
        assert response.headers["Content-Type"].startswith("application/json")
        return response

    async def get(self, path: str, **options: Any) -> httpx.Response:
        return await self.call("GET", path, **options)

    async def post(self, path: str, body: Any, **options: Any) -> httpx.Response:
        return await self.call("POST", path, json=body, **options)

    async def delete(self, path: str, **options: Any) -> httpx.Response:
        return await self.call("DELETE", path, **options)

    async def pulls(self) -> dict[str, dict[str, Any]]:
        data = (await self.get("/api/models/pulls/")).json()
        return {p["model"]: p for p in data["pulls"]}

    async def wait_pull(self, name: str, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Poll …/pulls/ until `name` stops running; every state seen on the way."""
        seen = []
        async with asyncio.timeout(timeout):
            while True:
                pull = (await self.pulls())[name]
                seen.append(pull)
                if pull["state"] != "running":
                    return seen
                await asyncio.sleep(0.01)


Start = Callable[..., Awaitable[Web]]


@pytest.fixture
async def start_web(emulator: Emulator, config_path: Path) -> AsyncIterator[Start]:
    """Start `serve` (options as keywords: a Guard, Settings) on a free loopback port."""
    async with contextlib.AsyncExitStack() as stack:
        async def start(guard: Guard | None = None, settings: Settings | None = None,
                        headers: dict[str, str] | None = None) -> Web:
            settings = settings or Settings(host=emulator.url, path=config_path)
            session = HostSession(emulator.url, history=History(None), registry=emulator.url)
            stack.push_async_callback(session.aclose)
            url = await stack.enter_async_context(
                serving(session, settings, guard or Guard(), 0))
            http = await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, timeout=10, headers=headers))
            return Web(url, http, session, settings, emulator)

        yield start


@pytest.fixture
async def web(start_web: Start) -> Web:
    return await start_web()


class ThreadedWeb:
    """The emulator and `serve` on their own loop in a thread, for synchronous callers (the
    browser tests, the benchmark)."""

    def __init__(self, config: Path, guard: Guard | None = None, **emulator: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.emulator = Emulator(**emulator)
        self.settings = Settings(path=config)
        self._stack = contextlib.AsyncExitStack()
        self.url = self.call(self._start(guard or Guard()))

    async def _start(self, guard: Guard) -> str:
        await self.emulator.start()
        self.settings.host = self.emulator.url
        self.session = HostSession(self.emulator.url, history=History(None),
                                   registry=self.emulator.url)
        self._stack.push_async_callback(self.session.aclose)
        return await self._stack.enter_async_context(
            serving(self.session, self.settings, guard, 0))

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def close(self) -> None:
        self.call(self._stack.aclose())
        self.call(self.emulator.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
