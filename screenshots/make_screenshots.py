"""Make the README's screenshots: the real app in demo mode, driven by Pilot, saved as SVG
and turned into PNG (with Debian's `rsvg-convert`, or cairosvg if that is installed).

    python screenshots/make_screenshots.py

The emulator's demo data is fixed, so running it again gives the same pictures. The SVG
renderers here have no emoji font, so the grid's capability badges are drawn as the letters a
console shows (V T R E I C) rather than as empty boxes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from tui.app import QGooseApp
from tui.config import Settings
from tui.ollama.names import parse_name
from tui.screens.models import ModelsScreen

HERE = Path(__file__).resolve().parent
os.environ["LC_ALL"] = "C"  # letters for badges: see above
Scene = Callable[[Pilot], Awaitable[None]]


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise RuntimeError("the app never got there")


def models_view(app: QGooseApp) -> ModelsScreen:
    view = app.views["models"]
    assert isinstance(view, ModelsScreen)
    return view


async def details_shown(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, QGooseApp)
    grid = models_view(app).grid
    await until(pilot, lambda: grid.highlighted is not None
                and app.session.cached_info(grid.highlighted) is not None)
    await pilot.pause(0.3)


async def ready(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, QGooseApp)
    await until(pilot, lambda: "models" in app.views and bool(models_view(app).grid.shown))
    await details_shown(pilot)


async def main_screen(pilot: Pilot) -> None:
    await ready(pilot)
    assert isinstance(pilot.app, QGooseApp)
    models_view(pilot.app).grid.select_name("llama3.2:latest")
    await details_shown(pilot)


async def pull_in_progress(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, QGooseApp) and app.emulator is not None
    await ready(pilot)
    store = app.emulator.store
    for name, share in (("llama3.1:8b", 0.62), ("qwen3:8b", 0.18)):
        weights = store.catalog[f"registry.ollama.ai/library/{name}"].layers[0]
        store.blobs[weights.digest] = int(weights.size * share)
    app.emulator.pull_rate = 42e6  # a steady, realistic line: speed and ETA show
    app.start_pull("llama3.1:8b")
    app.start_pull("qwen3:8b")
    await until(pilot, lambda: all(j.progress.completed for j in app.session.pulls.jobs))
    await pilot.pause(1.5)


async def pulls_view(pilot: Pilot) -> None:
    await pull_in_progress(pilot)
    await pilot.press("P", "enter")  # the Pulls view, with the first pull's layers
    await pilot.pause(0.5)


async def running_view(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, QGooseApp) and app.emulator is not None
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
    app = pilot.app
    assert isinstance(app, QGooseApp) and app.emulator is not None
    await ready(pilot)
    await app.emulator.stop()
    app.refresh_models()
    state = app.session.state
    await until(pilot, lambda: state.online is False)
    since = state.offline_since or 0.0
    status_bar = models_view(app).status_bar
    status_bar.clock = lambda: since + 12
    state.next_check = since + 16
    status_bar.refresh()
    app.clear_notifications()  # the toast names the emulator's random port
    await pilot.pause(0.2)


async def updates_known(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, QGooseApp)
    await ready(pilot)
    await until(pilot, lambda: all(app.session.update_check(m) is not None
                                   for m in app.session.state.models))


async def hosts_view(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, QGooseApp)
    await ready(pilot)
    await until(pilot, lambda: all(s.state.online for s in app.sessions.values()))
    await pilot.press("4")
    await pilot.pause(0.5)


async def benchmark(pilot: Pilot) -> None:
    await updates_known(pilot)
    models_view(pilot.app).grid.select_name("llama3.2:latest")
    await pilot.press("b", "enter")
    app = pilot.app
    await until(pilot, lambda: not getattr(app.screen, "running", True), timeout=30)
    await pilot.pause(0.3)


async def update_question(pilot: Pilot) -> None:
    await updates_known(pilot)
    await pilot.press("ctrl+u")
    await pilot.pause(0.3)


async def one_shot_prompt(pilot: Pilot) -> None:
    await ready(pilot)
    models_view(pilot.app).grid.select_name("qwen3:8b")
    await pilot.press("t", *"Say hello to the geese", "enter")
    await pilot.pause(2.5)
    pilot.app.screen.set_focus(None)
    await pilot.pause(0.2)


SHOTS: list[tuple[str, tuple[int, int], Scene]] = [
    ("hosts-view", (110, 30), hosts_view),
    ("benchmark", (110, 30), benchmark),
    ("update-question", (110, 30), update_question),
    ("prompt", (110, 30), one_shot_prompt),
    ("main", (140, 36), main_screen),
    ("main-80x24", (80, 24), ready),
    ("pull-dialog", (100, 30), pull_dialog),
    ("pull-progress", (120, 32), pull_in_progress),
    ("pulls-view", (120, 32), pulls_view),
    ("running-view", (100, 30), running_view),
    ("delete-confirm", (100, 30), delete_confirm),
    ("offline", (100, 30), offline),
]


async def shoot(name: str, size: tuple[int, int], scene: Scene, workdir: Path) -> Path:
    app = QGooseApp(Settings(path=workdir / f"{name}.toml"), demo=True)
    svg = HERE / f"{name}.svg"
    async with app.run_test(size=size) as pilot:
        await scene(pilot)
        app.save_screenshot(filename=svg.name, path=str(HERE))
    return svg


def to_png(svg: Path) -> Path:
    png = svg.with_suffix(".png")
    if shutil.which("rsvg-convert"):
        subprocess.run(["rsvg-convert", str(svg), "-o", str(png)], check=True)
    else:
        import cairosvg  # type: ignore[import-not-found]

        cairosvg.svg2png(url=str(svg), write_to=str(png))
    return png


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for name, size, scene in SHOTS:
            svg = await shoot(name, size, scene, Path(tmp))
            print(to_png(svg).relative_to(HERE.parent))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
