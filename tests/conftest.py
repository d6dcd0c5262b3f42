"""Shared fixtures: recorded Ollama answers, and emulators on a real loopback socket."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.emulator.server import Emulator, running_emulator
from tui.ollama import OllamaClient

FIXTURES = Path(__file__).parent / "fixtures"

# Fast enough that a test pull of a small model takes a fraction of a second.
TEST_PULL_RATE = 4e9
TEST_INTERVAL = 0.005
TEST_REPLY_INTERVAL = 0.001  # seconds a generated token


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


def fixture_ndjson(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in fixture_text(name).splitlines() if line.strip()]


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """An emulator in the test's own event loop, on 127.0.0.1 port 0."""
    async with running_emulator(pull_rate=TEST_PULL_RATE, progress_interval=TEST_INTERVAL,
                                reply_interval=TEST_REPLY_INTERVAL) as emu:
        yield emu


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[OllamaClient]:
    async with OllamaClient(emulator.url, timeout=5.0) as c:
        yield c


class ThreadedEmulator:
    """An emulator on its own loop in a thread, for synchronous callers (CLI, `ollama`)."""

    def __init__(self, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.emulator = Emulator(**options)
        self.call(self.emulator.start())

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def close(self) -> None:
        self.call(self.emulator.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@pytest.fixture
def threaded_emulator() -> Iterator[Emulator]:
    server = ThreadedEmulator(pull_rate=TEST_PULL_RATE, progress_interval=TEST_INTERVAL,
                              reply_interval=TEST_REPLY_INTERVAL)
    yield server.emulator
    server.close()


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return tmp_path / "qgoose" / "config.toml"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own config or Ollama settings."""
    for name in ("OLLAMA_HOST", "OLLAMA_BASE_URL", "DEFAULT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
