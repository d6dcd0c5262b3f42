"""Snapshots of each screen and state (pytest-textual-snapshot); the SVGs are committed.

The app runs in demo mode, so its data is the emulator's fixed demo set.
Update them with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at the diff.
"""

from pathlib import Path

from tests.tui.conftest import wait_until
from tui.app import QGooseApp
from tui.config import Settings


def demo_app(tmp_path: Path) -> QGooseApp:
    settings = Settings(path=tmp_path / "config.toml")
    return QGooseApp(settings, demo=True)


async def loaded(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: bool(app.grid.shown))
    await wait_until(pilot, lambda: bool(app.info_cache))  # the info panel has its details
    await pilot.pause(0.2)


def test_main_screen_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=loaded)


def test_main_screen_120x40(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 40), run_before=loaded)


def test_main_screen_140x40(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        pilot.app.grid.select_name("llama3.2:latest")
        await wait_until(pilot, lambda: len(pilot.app.info_cache) >= 2)
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(140, 40), run_before=run_before)


def test_filtered_and_sorted(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("s", "slash", *"q4_k")

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_delete_confirmation(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("down", "down", "d")

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_offline(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        await app.emulator.stop()
        app.refresh_models()
        await wait_until(pilot, lambda: app.state.online is False)
        # A fixed clock: one second after Ollama went away.
        app.status_bar.clock = lambda: app.state.offline_since + 1
        app.state.next_check = app.state.offline_since + 2
        app.status_bar.show_state(app.state, app.settings.current_model)
        app.clear_notifications()  # the toast names the emulator's random port
        await pilot.pause(0.1)

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_pull_dialog(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("p")

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_pull_dialog_invalid_name(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("p", *"hf.co//repo")

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_pull_in_progress(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        emulator = app.emulator
        # 40% of llama3.1:8b already on disk, and no more arriving: a fixed picture.
        weights = emulator.store.catalog["registry.ollama.ai/library/llama3.1:8b"].layers[0]
        emulator.store.blobs[weights.digest] = int(weights.size * 0.4)
        emulator.pull_rate, emulator.progress_interval = 0, 0.05
        app.start_pull("llama3.1:8b")
        job = app.pull_jobs["llama3.1:8b"]
        await wait_until(pilot, lambda: job.progress.completed > 0)
        await pilot.press("P", "enter")  # show its layers
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_failed_pull(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        app.start_pull("nosuch:7b")
        await wait_until(pilot, lambda: bool(app.pull_jobs["nosuch:7b"].error))
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)
