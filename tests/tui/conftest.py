"""Helpers for driving the real app with Pilot against an emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui.app import QGooseApp
from tui.config import Settings
from tui.emulator.server import Emulator


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds; fail the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.05)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(host: str = "", **values: object) -> Settings:
        settings = Settings(host=host, path=tmp_path / "config.toml")
        settings.refresh_interval = 0.3
        for key, value in values.items():
            setattr(settings, key, value)
        return settings

    return make


def grid_names(app: QGooseApp) -> list[str]:
    return [m.name for m in app.grid.shown]


def screen_text(app: QGooseApp) -> str:
    """What a person would read on the screen right now."""
    import html
    import re

    svg = app.export_screenshot()
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(lines)).replace("\xa0", " ")


def notices(app: QGooseApp) -> str:
    """The text of every notification (toast) the app has shown and not yet expired."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def shows(app: QGooseApp, text: str) -> bool:
    """Whether `text` is on screen, ignoring how the columns are spaced."""
    return "".join(text.split()) in "".join(screen_text(app).split())


def app_for(emulator: Emulator, make_settings: Callable[..., Settings],
            **values: object) -> QGooseApp:
    """The app, pointed at `emulator`, with a private config file."""
    return QGooseApp(make_settings(emulator.url, **values))


async def started(pilot: Pilot) -> None:
    """Until the grid has its first models."""
    await wait_until(pilot, lambda: bool(pilot.app.grid.shown))  # type: ignore[attr-defined]
