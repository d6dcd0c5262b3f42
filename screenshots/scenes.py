"""The scenes of the README's screenshots: the real app in demo mode, driven by Pilot.

The demo's data is fixed (its models were modified a fixed number of days before now, and the
app shows ages, not dates), so a scene gives the same SVG every time, except where it shows
something measured (pull speeds, benchmark figures and dates, a generated reply's timing).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.tui.helpers import models_view, wait_until
from tui.ollama.names import parse_name
from tui.services.config import Settings
from tui.ui.app import QGooseApp

Scene = Callable[[Pilot], Awaitable[None]]


def _set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def picture_taking() -> Iterator[None]:
    """The app as in a UTF-8 terminal with colours, whatever the caller's environment (the
    app draws its emoji badges and ⬆ marks only where the locale can show them), and with
    no wait before the update check (see `scene`): the app asks the registries 2 s after the
    first list so as not to slow its start, and a picture waits for the answers anyway."""
    wanted: dict[str, str | None] = {"LC_ALL": "C.UTF-8", "TERM": "xterm-256color",
                                     "NO_COLOR": None}
    saved = {name: os.environ.get(name) for name in wanted}
    try:
        _set_environment(wanted)
        yield
    finally:
        _set_environment(saved)


def demo(pilot: Pilot) -> QGooseApp:
    app = pilot.app
    assert isinstance(app, QGooseApp)
    return app


async def details_shown(pilot: Pilot) -> None:
    app = demo(pilot)
    grid = models_view(app).grid
    await wait_until(pilot, lambda: grid.highlighted is not None
                and app.session.cached_info(grid.highlighted) is not None)
    await pilot.pause(0.3)


async def ready(pilot: Pilot) -> None:
    """The Models view with everything it learns after the list: each model's badges, the
    ⬆ marks of the three outdated demo models, and the highlighted model's details."""
    app = demo(pilot)
    await wait_until(pilot, lambda: "models" in app.views and bool(models_view(app).grid.shown))
    session = app.session
    await wait_until(pilot, lambda: all(session.known_capabilities(m) is not None
                                   for m in session.state.models if not m.is_remote))
    await wait_until(pilot, lambda: all(session.model_updates.known(m) is not None
                                   for m in session.state.models))
    await details_shown(pilot)


async def main_screen(pilot: Pilot) -> None:
    await ready(pilot)
    models_view(demo(pilot)).grid.select_name("llama3.2:latest")
    await details_shown(pilot)


async def pull_in_progress(pilot: Pilot) -> None:
    app = demo(pilot)
    assert app.emulator is not None
    await ready(pilot)
    store = app.emulator.store
    for name, share in (("llama3.1:8b", 0.62), ("qwen3:8b", 0.18)):
        weights = store.catalog[f"registry.ollama.ai/library/{name}"].layers[0]
        store.blobs[weights.digest] = int(weights.size * share)
    app.emulator.pull_rate = 42e6  # a steady, realistic line: speed and ETA show
    app.start_pull("llama3.1:8b")
    app.start_pull("qwen3:8b")
    await wait_until(pilot, lambda: all(j.progress.completed for j in app.session.pulls.jobs))
    await pilot.pause(1.5)


async def pulls_view(pilot: Pilot) -> None:
    await pull_in_progress(pilot)
    await pilot.press("P", "enter")  # the Pulls view, with the first pull's layers
    await pilot.pause(0.5)


async def running_view(pilot: Pilot) -> None:
    app = demo(pilot)
    assert app.emulator is not None
    await ready(pilot)
    app.emulator.store.load(parse_name("qwen2.5:7b"), -1)
    app.refresh_models()
    await pilot.press("2")
    await pilot.pause(0.5)


async def delete_confirm(pilot: Pilot) -> None:
    await ready(pilot)
    await pilot.press("down", "down", "d")
    await pilot.pause(0.2)


async def pull_dialog(pilot: Pilot) -> None:
    await ready(pilot)
    await pilot.press("p", *"qwen2.5:14b")
    await pilot.pause(0.2)


async def offline(pilot: Pilot) -> None:
    app = demo(pilot)
    assert app.emulator is not None
    await ready(pilot)
    await app.emulator.stop()
    app.refresh_models()
    state = app.session.state
    await wait_until(pilot, lambda: state.online is False)
    # The clock pinned: "offline for 12 s, next try in 4 s" whenever the picture is taken.
    since = state.offline_since or 0.0
    status_bar = models_view(app).status_bar
    status_bar.clock = lambda: since + 12
    state.next_check = since + 16
    models_view(app).show_status()
    status_bar.refresh()  # the clock is no reactive: drawn again with the pinned one
    app.clear_notifications()  # the toast names the emulator's random port
    await pilot.pause(0.2)


async def hosts_view(pilot: Pilot) -> None:
    app = demo(pilot)
    await ready(pilot)
    await wait_until(pilot, lambda: all(s.state.online for s in app.sessions.values()))
    await pilot.press("4")
    await pilot.pause(0.5)


async def benchmark(pilot: Pilot) -> None:
    await ready(pilot)
    models_view(demo(pilot)).grid.select_name("llama3.2:latest")
    await pilot.press("b", "enter")
    app = pilot.app
    await wait_until(pilot, lambda: not getattr(app.screen, "running", True), timeout=30)
    await pilot.pause(0.3)


async def update_question(pilot: Pilot) -> None:
    await ready(pilot)
    await pilot.press("ctrl+u")
    await pilot.pause(0.3)


async def one_shot_prompt(pilot: Pilot) -> None:
    await ready(pilot)
    models_view(demo(pilot)).grid.select_name("qwen3:8b")
    await pilot.press("t", *"Say hello to the geese", "enter")
    await pilot.pause(2.5)
    pilot.app.screen.set_focus(None)
    await pilot.pause(0.2)


async def create_variant(pilot: Pilot) -> None:
    """The variant form filled in as the README tells: a 32k context and a system prompt."""
    await ready(pilot)
    models_view(demo(pilot)).grid.select_name("llama3.2:latest")
    await pilot.press("v")
    screen = pilot.app.screen
    await wait_until(pilot, lambda: bool(screen.query("#num_ctx")))
    screen.query_one("#name", Input).value = "llama3.2-32k"
    screen.query_one("#num_ctx", Input).value = "32k"
    screen.query_one("#system", TextArea).text = "You answer in one short paragraph."
    screen.query_one("#num_ctx", Input).focus()
    await pilot.pause(0.5)


# Every picture: its terminal size and scene. The README shows all but main-80x24.
SHOTS: dict[str, tuple[tuple[int, int], Scene]] = {
    "main": ((140, 36), main_screen),
    "main-80x24": ((80, 24), ready),
    "pull-progress": ((120, 32), pull_in_progress),
    "pulls-view": ((120, 32), pulls_view),
    "running-view": ((100, 30), running_view),
    "hosts-view": ((110, 30), hosts_view),
    "benchmark": ((110, 30), benchmark),
    "update-question": ((110, 30), update_question),
    "pull-dialog": ((100, 30), pull_dialog),
    "delete-confirm": ((100, 30), delete_confirm),
    "offline": ((100, 30), offline),
    "prompt": ((110, 30), one_shot_prompt),
    "create-variant": ((110, 40), create_variant),
}


async def settled_picture(pilot: Pilot, timeout: float = 3) -> str:
    """The screen as SVG once it has stopped changing (a panel still filling in, under a
    busy CPU, would make another picture), or as it is when `timeout` runs out (a pull
    under way never stops). Text cursors stay lit rather than blink: a picture of the same
    screen must be the same picture."""
    for field in pilot.app.screen.query("Input, TextArea"):
        if isinstance(field, Input | TextArea):
            field.cursor_blink = False
    picture = pilot.app.export_screenshot()
    for _ in range(int(timeout / 0.25)):
        await pilot.pause(0.25)
        again = pilot.app.export_screenshot()
        if again == picture:
            break
        picture = again
    return picture


async def take(name: str, workdir: Path) -> str:
    """The SVG of one scene, as Textual saves it."""
    size, scene = SHOTS[name]
    with picture_taking():
        app = QGooseApp(Settings(path=workdir / f"{name}.toml", update_check_delay=0.01),
                         demo=True)
        async with app.run_test(size=size) as pilot:
            await scene(pilot)
            return await settled_picture(pilot)
