"""Fixtures for the TUI tests: the real app against an emulator over a real socket.

`pilot` runs the app until its grid has models. Mark a test `@pytest.mark.size(W, H)` for
another terminal size, `@pytest.mark.settings(key=value)` for other settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.helpers import started
from tui.emulator.server import Emulator
from tui.services.config import Settings
from tui.services.list_cache import ListCache
from tui.ui.app import QGooseApp


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(host: str = "", **values: object) -> Settings:
        settings = Settings(host=host, path=tmp_path / "config.toml")
        settings.refresh_interval = 0.3
        settings.update_check_delay = 0.01  # tests wait for no start-up courtesy
        settings.registry = host  # the emulator serves the registry side too
        for key, value in values.items():
            setattr(settings, key, value)
        return settings

    return make


@pytest.fixture
def make_app(make_settings: Callable[..., Settings], tmp_path: Path) -> Callable[..., QGooseApp]:
    def make(host: str, **values: object) -> QGooseApp:
        return QGooseApp(make_settings(host, **values), list_cache=ListCache(tmp_path / "cache"))

    return make


@pytest.fixture
async def pilot(request: pytest.FixtureRequest, emulator: Emulator,
                make_app: Callable[..., QGooseApp]) -> AsyncIterator[Pilot]:
    size = request.node.get_closest_marker("size")
    values = request.node.get_closest_marker("settings")
    app = make_app(emulator.url, **(values.kwargs if values else {}))
    async with app.run_test(size=tuple(size.args) if size else (100, 30)) as running:
        await started(running)
        yield running
