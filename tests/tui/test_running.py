"""Memory in the TUI: the Running view, loading with a keep-alive, unloading, the fit table."""

import pytest

from tests.tui.helpers import models_view, notices, screen_text, shows, type_text, wait_until
from tui.emulator.server import Emulator
from tui.ollama.names import model_key, parse_name
from tui.ui.screens.load_dialog import LoadDialog


def running_names(app) -> list[str]:
    return [r.name for r in app.session.state.running]


async def test_the_running_view_counts_down_and_checks_our_estimate(pilot) -> None:
    app = pilot.app
    await pilot.press("2")
    await wait_until(pilot, lambda: shows(app, "llama3.2:latest"))
    text = screen_text(app)
    assert "100% GPU" in text and "4,096" in text and "1 loaded" in text
    # The countdown moves on its own, without a key.
    before = app.views["running"].table.get_row_at(0)[4]
    await wait_until(pilot, lambda: app.views["running"].table.get_row_at(0)[4] != before,
                     timeout=4)
    # Our estimate, once the model's details are in, is within 10% of what Ollama says.
    await wait_until(pilot, lambda: "%" in str(app.views["running"].table.get_row_at(0)[5]))
    off = str(app.views["running"].table.get_row_at(0)[5]).split("(")[1].rstrip("%)")
    assert abs(int(off)) <= 10


async def test_load_for_an_hour_from_the_models_view_then_unload_all(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("qwen2.5:7b")
    await pilot.press("l")
    assert isinstance(app.screen, LoadDialog)
    await pilot.press("down", "enter")  # "1 hour"
    await wait_until(pilot, lambda: "qwen2.5:7b" in running_names(app))
    await wait_until(pilot, lambda: "Loaded qwen2.5:7b for 1h" in notices(app))
    await wait_until(pilot, lambda: model_key("qwen2.5:7b") in models_view(app).grid._loaded)
    await pilot.press("2")
    await wait_until(pilot, lambda: shows(app, "59m"))
    await pilot.press("X")
    await pilot.press("y")
    await wait_until(pilot, lambda: running_names(app) == [])
    assert shows(app, "No models are loaded")


async def test_a_typed_keep_alive_is_checked_as_you_type(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("l", "tab")
    await type_text(pilot, "10x")
    assert shows(app, 'unknown unit "x"')
    await pilot.press("enter")
    assert isinstance(app.screen, LoadDialog)  # refused: nothing loaded
    await pilot.press(*["backspace"] * 3)
    await type_text(pilot, "forever")
    assert shows(app, "until unloaded")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "mistral:latest" in running_names(app))
    await pilot.press("2")
    await wait_until(pilot, lambda: shows(app, "forever"))


@pytest.mark.parametrize(("model", "reason"), [
    ("nomic-embed-text:latest", "embedding models load when first used"),
    ("glm-4.6:cloud", "cloud model"),
])
async def test_what_cannot_be_loaded_says_why(pilot, model: str, reason: str) -> None:
    app = pilot.app
    models_view(app).grid.select_name(model)
    await pilot.press("l", "enter")
    await wait_until(pilot, lambda: reason in notices(app))
    assert model not in running_names(app)


async def test_x_unloads_the_highlighted_model_in_either_view(pilot, emulator: Emulator) -> None:
    app = pilot.app
    emulator.store.load(parse_name("gemma3:4b"), 600)
    app.refresh_models()
    await wait_until(pilot, lambda: "gemma3:4b" in running_names(app))
    models_view(app).grid.select_name("gemma3:4b")
    await pilot.press("x")
    await wait_until(pilot, lambda: "gemma3:4b" not in running_names(app))
    await wait_until(pilot, lambda: "Unloaded gemma3:4b" in notices(app))
    await pilot.press("x")  # no longer loaded: said, nothing sent
    assert "gemma3:4b is not loaded" in notices(app)
    await pilot.press("2")
    await wait_until(pilot, lambda: shows(app, "llama3.2:latest"))
    await pilot.press("x")
    await wait_until(pilot, lambda: running_names(app) == [])


@pytest.mark.settings(vram="6GB", kv_cache_type="q8_0")
@pytest.mark.size(160, 50)
async def test_the_info_panel_says_what_fits(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("qwen3:8b")
    await wait_until(pilot, lambda: "Memory (q8_0 KV cache on 6.0 GB)" in screen_text(app))
    text = screen_text(app)
    assert "2,048 ctx" in text and "40,960 ctx" in text
    assert "  fits" in text and "partly on CPU" in text
    models_view(app).grid.select_name("llava:7b")  # no grouped KV heads: a big cache
    await wait_until(pilot, lambda: "does not fit" in screen_text(app))


@pytest.mark.settings(vram="8GB", fit_context=8192)
@pytest.mark.size(120, 30)
async def test_the_fits_column_fills_in_and_sorts(pilot) -> None:
    app = pilot.app
    grid = models_view(app).grid
    fits = next(i for i, c in enumerate(grid.columns) if c.key == "fits")

    def verdicts() -> dict[str, str]:
        return {grid.shown[row].name: grid.cells(row)[fits + 1] for row in range(len(grid.shown))}

    await wait_until(pilot, lambda: "…" not in verdicts().values())
    found = verdicts()
    assert found["llama3.2:latest"] == "✓ fits" and found["phi4:14b"] == "½ CPU"
    assert found["glm-4.6:cloud"] == "cloud" and shows(app, "Fits 8k")
    grid.sort_by("fits", reverse=False)
    await pilot.pause()
    assert list(verdicts().values())[0] == "✓ fits" and list(verdicts().values())[-1] == "cloud"


@pytest.mark.size(120, 30)
async def test_no_fits_column_without_a_vram_figure(pilot) -> None:
    assert "fits" not in {c.key for c in models_view(pilot.app).grid.columns}


async def test_a_slow_load_shows_as_loading_and_the_app_goes_on(pilot,
                                                                emulator: Emulator) -> None:
    app = pilot.app
    emulator.faults.latency = 1.5  # a real box takes minutes to read a model into memory
    emulator.faults.paths = ("/api/generate",)
    await pilot.press("2")
    app.load_model("phi4:14b", "1h")
    await wait_until(pilot, lambda: shows(app, "loading…"))
    await pilot.press("1")  # the user goes on meanwhile
    assert app.current_mode == "models"
    await wait_until(pilot, lambda: "Loaded phi4:14b for 1h" in notices(app), timeout=6)
    await wait_until(pilot, lambda: running_names(app) == ["phi4:14b"])  # llama3.2 made room
    assert not app.session.loading


async def test_l_in_the_running_view_changes_the_keep_alive(pilot) -> None:
    app = pilot.app
    await pilot.press("2")
    await wait_until(pilot, lambda: shows(app, "llama3.2:latest"))
    await pilot.press("l")
    # It is loaded already: the question is how long it stays, not whether to load it.
    assert isinstance(app.screen, LoadDialog)
    assert shows(app, "Keep llama3.2:latest loaded for how long?")
    assert shows(app, "Enter sets it") and not shows(app, "Enter loads")
    await pilot.press("down", "down", "enter")  # "until unloaded"
    await wait_until(pilot, lambda: shows(app, "forever"))
    assert "Keeping llama3.2:latest loaded until unloaded" in notices(app)


async def test_a_load_that_evicts_other_models_says_which(pilot, emulator: Emulator) -> None:
    app = pilot.app
    emulator.max_loaded_models = 1  # room for one model: loading another evicts llama3.2
    await wait_until(pilot, lambda: running_names(app) == ["llama3.2:latest"])
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("l", "enter")
    await wait_until(pilot, lambda: "Loaded mistral:latest" in notices(app))
    assert "to make room, Ollama unloaded llama3.2:latest" in notices(app)
