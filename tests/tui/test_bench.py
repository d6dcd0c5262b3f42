"""Benchmarks in the TUI: progress run by run, cancel, the result kept and shown in the
grid's Tok/s column (sortable), the info panel and compare."""

import pytest

from tests.tui.helpers import grid_names, models_view, shows, wait_until
from tui.emulator.replies import timings
from tui.emulator.server import Emulator
from tui.ollama.names import parse_name
from tui.services.history import History, default_history_path
from tui.ui.screens.bench import BenchScreen


def speed_text(grid) -> str:
    column = next(c for c in grid.columns if c.key == "speed")
    return column.text(grid.highlighted)


def expected_speed(emulator: Emulator, name: str) -> float:
    model = emulator.store.find_installed(parse_name(name)).model
    warm = timings(model, 5, 19, cold=False)  # the default prompt has 5 words
    return warm["eval_count"] / (warm["eval_duration"] / 1e9)


@pytest.mark.size(140, 45)
async def test_a_benchmark_shows_progress_then_its_result_everywhere(
        pilot, emulator: Emulator) -> None:
    app = pilot.app
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("b")
    assert isinstance(app.screen, BenchScreen)
    assert shows(app, "Not measured here yet")
    await pilot.press("enter")  # Start has the focus
    await wait_until(pilot, lambda: not app.screen.running and shows(app, "tokens/s"))
    speed = expected_speed(emulator, "mistral")
    assert shows(app, f"{speed:.1f} tokens/s") and shows(app, "median of 2 warm runs")
    assert shows(app, "Cold start")
    generations = [r for r in emulator.requests if r.path == "/api/generate"]
    assert generations[0].body["keep_alive"] == 0  # unloaded first: the first run is cold
    assert sum(1 for r in generations if r.body.get("prompt")) == 3
    await pilot.press("escape")
    assert not isinstance(app.screen, BenchScreen)
    # The grid's Tok/s column and the info panel show it; it is kept for the next start.
    grid = models_view(app).grid
    assert speed_text(grid) == f"{speed:.1f}"
    assert shows(app, f"Speed here {speed:.1f} tokens/s")
    kept = History(default_history_path()).latest_benchmarks(emulator.url)
    assert [r.model for r in kept.values()] == ["mistral:latest"]


async def test_the_speed_column_sorts_measured_models_first(pilot) -> None:
    app = pilot.app
    for name in ("mistral:latest", "llama3.2:latest"):
        models_view(app).grid.select_name(name)
        await pilot.press("b", "enter")
        await wait_until(pilot, lambda: not app.screen.running and shows(app, "tokens/s"))
        await pilot.press("escape")
    grid = models_view(app).grid
    grid.sort_by("speed")
    # llama3.2 (2 GB) reads less memory a token than mistral (4 GB): faster.
    assert grid_names(app)[:2] == ["llama3.2:latest", "mistral:latest"]


async def test_cancel_stops_a_benchmark_and_keeps_nothing(pilot, emulator: Emulator) -> None:
    app = pilot.app
    emulator.reply_interval = 0.2  # about 4 s a run
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("b", "enter")
    await wait_until(pilot, lambda: shows(app, "Run 1 of 3"))
    await pilot.press("escape")
    await wait_until(pilot, lambda: shows(app, "Cancelled"))
    assert isinstance(app.screen, BenchScreen) and not app.screen.running
    sent = len([r for r in emulator.requests if r.path == "/api/generate"])
    await pilot.press("escape")
    await pilot.pause(0.5)
    assert len([r for r in emulator.requests if r.path == "/api/generate"]) == sent
    assert app.session.benchmarks == {}
    grid = models_view(app).grid
    assert speed_text(grid) == ""


async def test_bad_runs_are_refused_in_the_dialog(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("b", "shift+tab", "shift+tab", "backspace", "0", "enter")
    assert shows(app, "Runs: a whole number from 1 to 50")
    assert app.session.benchmarks == {}


async def test_an_embedding_model_is_measured_in_inputs_a_second(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("nomic-embed-text:latest")
    await wait_until(pilot, lambda: app.session.known_capabilities(
        models_view(app).grid.highlighted) is not None)
    await pilot.press("b")
    assert shows(app, "8 fixed inputs through /api/embed")
    await pilot.press("enter")
    await wait_until(pilot, lambda: not app.screen.running and shows(app, "inputs/s"))
    await pilot.press("escape")
    grid = models_view(app).grid
    assert speed_text(grid).endswith(" in/s")


@pytest.mark.size(80, 24)
async def test_the_dialog_fits_80_by_24(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("b")
    assert shows(app, "Start") and shows(app, "Esc cancels a run")
