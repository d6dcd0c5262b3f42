"""Pushing from the Models view (`O`): the push is a job beside the pulls, with its progress
in the strip, the Pulls view and the status bar, cancelled there with `c` (or `O` again),
and the registry's refusals shown with what to do."""

import pytest

from tests.tui.helpers import models_view, notices, pull_named, shows, wait_until
from tui.core.pulls import PullState
from tui.core.recipes import Recipe
from tui.emulator.server import Emulator
from tui.emulator.store import key_of
from tui.ollama.progress import Phase
from tui.ops.variants import create_variant
from tui.ui.screens.text_dialog import TextDialog

MINE = "demo/llama3.2-32k:latest"  # the emulator's server is signed in as "demo"


async def push_mine(pilot, emulator: Emulator) -> None:
    """Make demo/llama3.2-32k (a variant: its layers are llama3.2's) and press O on it. The
    registry is emptied first: it would skip the layers it has, and the push be over at once."""
    emulator.store.registry_blobs.clear()
    app = pilot.app
    await create_variant(app.session, MINE, Recipe("llama3.2", {"num_ctx": 32768}))
    await app.session.refresh()
    grid = models_view(app).grid

    def selected() -> bool:
        grid.select_name(MINE)
        return grid.highlighted is not None and grid.highlighted.name == MINE

    await wait_until(pilot, selected)
    await pilot.press("O")


def published(emulator: Emulator) -> bool:
    from tui.ollama.names import parse_name

    return key_of(parse_name(MINE)) in emulator.store.catalog


@pytest.mark.size(120, 30)
async def test_a_push_shows_its_progress_beside_the_pulls_and_is_cancelled_there(
        pilot, emulator: Emulator) -> None:
    # A progress line each quarter second, slow enough to be seen and cancelled mid-blob.
    emulator.pull_rate, emulator.progress_interval = 20e6, 0.25
    app = pilot.app
    await push_mine(pilot, emulator)
    job = app.session.pulls.get(MINE, "push")
    assert job is not None and job.kind == "push"
    await wait_until(pilot, lambda: job.progress.completed > 0)
    assert job.progress.phase is Phase.DOWNLOADING
    await wait_until(pilot, lambda: shows(app, f"⇡ {MINE}") and shows(app, "uploading"))
    assert shows(app, "⇡ 1 ·")  # the status bar counts it as a push
    await pilot.press("P")  # the Pulls view lists it, its figures with speed and ETA
    assert app.current_mode == "pulls"
    await wait_until(pilot, lambda: shows(app, "ETA") and shows(app, "MB/s"))
    await pilot.press("enter")  # its layers, as a pull's
    layer = next(iter(job.progress.layers.values()))
    await wait_until(pilot, lambda: shows(app, layer.short_digest))
    await pilot.press("c")  # cancelled with the key a pull is cancelled with
    await wait_until(pilot, lambda: job.state is PullState.CANCELLED)
    await wait_until(pilot, lambda: shows(app, "push cancelled"))
    assert not published(emulator)
    assert not app.session.pulls.get(MINE)  # no pull was started by it


async def test_o_again_cancels_the_push(pilot, emulator: Emulator) -> None:
    emulator.pull_rate, emulator.progress_interval = 20e6, 0.25
    app = pilot.app
    await push_mine(pilot, emulator)
    job = app.session.pulls.get(MINE, "push")
    await wait_until(pilot, lambda: job.progress.completed > 0)
    await pilot.press("O")
    await wait_until(pilot, lambda: job.state is PullState.CANCELLED)
    assert f"Push of {MINE} cancelled" in notices(app)
    assert not published(emulator)


async def test_a_finished_push_says_so(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await push_mine(pilot, emulator)
    job = app.session.pulls.get(MINE, "push")
    await wait_until(pilot, lambda: job.state is PullState.DONE)
    await wait_until(pilot, lambda: f"Pushed {MINE} (2.0 GB)" in notices(app))
    assert published(emulator)
    await wait_until(pilot, lambda: shows(app, "pushed"))


@pytest.mark.size(120, 30)
async def test_an_unauthorized_push_fails_with_what_to_do(pilot, emulator: Emulator) -> None:
    emulator.account = ""  # the server is not signed in to ollama.com
    app = pilot.app
    await push_mine(pilot, emulator)
    job = app.session.pulls.get(MINE, "push")
    await wait_until(pilot, lambda: job.state is PullState.FAILED)
    assert "unauthorized: unknown ollama key" in job.error
    await wait_until(pilot, lambda: "run `ollama signin` on it" in notices(app))
    await wait_until(pilot, lambda: shows(app, "push failed"))
    await pilot.press("P", "enter")  # the whole reason, with its hint
    assert isinstance(app.screen, TextDialog)
    await pilot.pause()
    assert shows(app, f"The push of {MINE} failed")
    assert shows(app, "ollama signin")


async def test_quitting_names_the_pulls_and_the_pushes_running(
        pilot, emulator: Emulator) -> None:
    emulator.pull_rate, emulator.progress_interval = 20e6, 0.25
    app = pilot.app
    await push_mine(pilot, emulator)
    await pull_named(pilot, "llama3.1:8b")
    await wait_until(pilot, lambda: shows(app, "⇣ 1 ⇡ 1"))
    await pilot.press("q")
    assert shows(app, "1 pull and 1 push are still running")
    await pilot.press("n")
    assert app.is_running
