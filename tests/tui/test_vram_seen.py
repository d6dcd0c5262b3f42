"""Without `vram` in the config, the pull dialog and the info panel judge by what /api/ps
shows in use: the whole GPU once a model has spilled to the CPU, else only a lower bound
(which can say "fits", never "does not fit")."""

import pytest
from textual.widgets import Input, Static

from tests.tui.helpers import models_view, screen_text, type_text, wait_until
from tui.emulator.server import Emulator
from tui.ui.screens.create_dialog import CreateDialog
from tui.ui.screens.pull_dialog import PullDialog


def fit_line(app) -> str:
    return str(app.screen.query_one("#fit", Static).content) \
        if isinstance(app.screen, PullDialog) else ""


async def spill_past(app, emulator: Emulator, gpu: int) -> None:
    """Load qwen3:8b (6.4 GB loaded) on an emulated GPU of `gpu` bytes."""
    emulator.vram = gpu
    await app.session.client.load("qwen3:8b")
    await app.session.refresh_running()


@pytest.mark.settings(fit_context=8192)
@pytest.mark.size(120, 30)
async def test_the_pull_dialog_judges_by_the_gpu_seen_in_use(pilot, emulator: Emulator) -> None:
    app = pilot.app
    assert app.vram is None  # nothing configured: only llama3.2 (2.7 GB) is in use
    await pilot.press("p")
    await type_text(pilot, "qwen3:0.6b")
    await wait_until(pilot, lambda: "to download" in fit_line(app))
    assert fit_line(app) == ("523 MB to download · fits at 8k · needs 3.3 GB at 32k"
                             " · ≥ 2.7 GB seen in use; set vram in the config")
    await pilot.press("escape")
    await spill_past(app, emulator, 5 * 10**9)
    await pilot.press("p")
    await type_text(pilot, "qwen3:32b")
    await wait_until(pilot, lambda: "to download" in fit_line(app))
    assert fit_line(app) == ("20.0 GB to download"
                             " · does not fit: 23.3 GB at 8k vs 5.0 GB (seen in use)"
                             " · does not fit: 33.0 GB at 32k vs 5.0 GB (seen in use)")
    assert "-too-big" in app.screen.query_one("#fit", Static).classes


@pytest.mark.size(160, 50)
async def test_the_info_panel_says_the_gpu_seen_in_use(pilot, emulator: Emulator) -> None:
    app = pilot.app
    models_view(app).grid.select_name("qwen3:8b")
    await wait_until(pilot, lambda: "on ≥ 2.7 GB seen in use" in screen_text(app))
    assert "Memory (f16 KV cache)" in screen_text(app)
    assert "set vram in the config for the rest" in screen_text(app)
    await spill_past(app, emulator, 5 * 10**9)
    models_view(app).grid.select_name("llama3.2:latest")

    def judged_whole(text: str) -> bool:  # the header and the table's rows, drawn again
        return "on 5.0 GB seen in use" in text and "  fits" in text \
            and "does not fit" in text and "set vram" not in text

    await wait_until(pilot, lambda: judged_whole(screen_text(app)))


@pytest.mark.size(100, 40)
async def test_the_variant_form_judges_by_the_gpu_seen_in_use(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await spill_past(app, emulator, 5 * 10**9)
    models_view(app).grid.select_name("llama3.2:latest")
    await pilot.press("v")
    await wait_until(pilot, lambda: isinstance(app.screen, CreateDialog))
    fit = app.screen.query_one("#fit", Static)
    await wait_until(pilot, lambda: "in memory at" in str(fit.render()))
    assert str(fit.render()).endswith(": fits (GPU 5.0 GB seen in use)")
    app.screen.query_one("#num_ctx", Input).value = "128k"
    await wait_until(pilot, lambda: "at 131,072 tokens" in str(fit.render()))
    assert str(fit.render()).endswith(": does not fit (GPU 5.0 GB seen in use)")
