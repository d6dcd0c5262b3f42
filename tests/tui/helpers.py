"""Helpers for driving the real app with Pilot against an emulator."""

from __future__ import annotations

import asyncio
import html
import io
import re
from collections.abc import Callable

from textual import events
from textual.keys import _character_to_key  # the key names Pilot.press gives characters
from textual.pilot import Pilot
from textual.widgets import Input

from tui.ui.app import QGooseApp
from tui.ui.compat import shown_notifications
from tui.ui.screens.models import ModelsScreen
from tui.ui.screens.pulls import PullsScreen


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until `condition()` holds; fail the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.05)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type `text` into the box that has the focus: a key event a character, in order, as
    Pilot.press sends them, but without its wait for an idle process after each key (about
    0.1 s a key, most of a typing test's time); then that wait once, for them all. For
    characters only: a key that moves the focus needs Pilot.press's wait."""
    app = pilot.app
    for char in text:
        key = events.Key(char if char.isalnum() else _character_to_key(char), char)
        key.set_sender(app)
        app.post_message(key)
    await pilot.pause()
    await pilot.pause()


async def pull_named(pilot: Pilot, name: str) -> None:
    """Open the pull dialog, put `name` in its box and press Enter. The name is set, not
    typed: Pilot waits for an idle process after each key, which a running pull's stream
    never gives, so typing a name then took seconds (typing is tested on its own)."""
    await pilot.press("p")
    pilot.app.screen.query_one("#name", Input).value = name
    await pilot.press("enter")


def models_view(app: QGooseApp) -> ModelsScreen:
    view = app.views["models"]
    assert isinstance(view, ModelsScreen)
    return view


def pulls_view(app: QGooseApp) -> PullsScreen:
    view = app.views["pulls"]
    assert isinstance(view, PullsScreen)
    return view


def grid_names(app: QGooseApp) -> list[str]:
    return [m.name for m in models_view(app).grid.shown]


def screen_text(app: QGooseApp) -> str:
    """What a person would read on the screen right now."""
    svg = app.export_screenshot()
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(lines)).replace("\xa0", " ")


def notices(app: QGooseApp) -> str:
    """The text of every notification (toast) the app has shown and not yet expired."""
    return "\n".join(f"{n.title}: {n.message}" for n in shown_notifications(app))


def shows(app: QGooseApp, text: str) -> bool:
    """Whether `text` is on screen, ignoring how the columns are spaced."""
    return "".join(text.split()) in "".join(screen_text(app).split())


async def started(pilot: Pilot) -> None:
    """Until the grid has its first models."""
    app = pilot.app
    assert isinstance(app, QGooseApp)
    await wait_until(pilot, lambda: "models" in app.views and bool(grid_names(app)))


def info_text(app: QGooseApp) -> str:
    """The info panel's text as one string (whatever the panel's width wraps)."""
    from rich.console import Console

    console = Console(width=1000, record=True, file=io.StringIO())
    console.print(models_view(app).info_panel.body.content)
    return console.export_text()
