"""Snapshots of each screen and state (pytest-textual-snapshot); the SVGs are committed.

The app runs in demo mode, so its data is the emulator's fixed demo set.
Update them with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at the diff.
"""

from pathlib import Path

from textual.widgets import Input, TextArea

from tests.tui.helpers import models_view, screen_text, wait_until
from tui.core.pulls import PullState
from tui.ollama.names import parse_name
from tui.services.config import Settings
from tui.ui.app import QGooseApp
from tui.ui.screens.create_dialog import CreateDialog


def demo_app(tmp_path: Path) -> QGooseApp:
    # No wait before the update check: a picture waits for its answers anyway.
    settings = Settings(path=tmp_path / "config.toml", update_check_delay=0.01)
    return QGooseApp(settings, demo=True)


async def loaded(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: "models" in app.views and bool(models_view(app).grid.shown))
    grid = models_view(app).grid
    # The info panel has its details, and the Caps column every model's capabilities.
    await wait_until(pilot, lambda: app.session.cached_info(grid.highlighted) is not None)
    await wait_until(pilot, lambda: all(app.session.known_capabilities(m) is not None
                                        for m in app.session.state.models if not m.is_remote))
    # And the ⬆ column every model's update state (the demo has three outdated).
    await wait_until(pilot, lambda: all(app.session.model_updates.known(m) is not None
                                        for m in app.session.state.models))
    await pilot.pause(0.2)


async def start_a_pull_stuck_at_40_percent(pilot) -> None:
    """llama3.1:8b with 40% already on disk and no more arriving: a fixed picture."""
    app, emulator = pilot.app, pilot.app.emulator
    weights = emulator.store.catalog["registry.ollama.ai/library/llama3.1:8b"].layers[0]
    emulator.store.blobs[weights.digest] = int(weights.size * 0.4)
    emulator.pull_rate, emulator.progress_interval = 0, 0.05
    app.start_pull("llama3.1:8b")
    job = app.session.pulls.get("llama3.1:8b")
    await wait_until(pilot, lambda: job.progress.completed > 0)


def test_main_screen_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=loaded)


def test_main_screen_120x40(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 40), run_before=loaded)


def test_main_screen_140x40(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        grid = models_view(pilot.app).grid
        grid.select_name("llama3.2:latest")
        await wait_until(pilot, lambda: pilot.app.session.cached_info(grid.highlighted)
                         is not None)
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
        await wait_until(pilot, lambda: "of disk" in screen_text(pilot.app))
        await pilot.pause(0.2)

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
        state = app.session.state
        await app.emulator.stop()
        app.refresh_models()
        await wait_until(pilot, lambda: state.online is False)
        # A fixed clock: one second after Ollama went away.
        status_bar = models_view(app).status_bar
        status_bar.clock = lambda: state.offline_since + 1
        state.next_check = state.offline_since + 2
        models_view(app).show_status()
        status_bar.refresh()  # the clock is no reactive: drawn again with the pinned one
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


def test_pull_dialog_tag_picker(snap_compare, tmp_path: Path) -> None:
    from tui.ui.widgets.tag_picker import TagPicker

    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("p", *"qwen3")
        tags, fit = pilot.app.screen.query_one(TagPicker), pilot.app.screen.query_one("#fit")
        await wait_until(pilot, lambda: len(tags.rows) == tags.option_count == 8)
        await wait_until(pilot, lambda: "to download" in str(fit.content))  # qwen3:latest's
        pilot.app.screen.query_one("#name").cursor_blink = False  # the same frame each time
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 32), run_before=run_before)


def test_pull_in_progress(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await start_a_pull_stuck_at_40_percent(pilot)
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_failed_pull(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        app.start_pull("nosuch:7b")
        await wait_until(pilot, lambda: bool(app.session.pulls.get("nosuch:7b").error))
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_pulls_view_with_layers(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        app.start_pull("nosuch:7b")
        await start_a_pull_stuck_at_40_percent(pilot)
        await wait_until(pilot, lambda: bool(app.session.pulls.get("nosuch:7b").error))
        await pilot.press("P", "enter")  # the Pulls view, on the running pull: its layers
        app.clear_notifications()
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_running_view(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        store = pilot.app.emulator.store
        store.unload(parse_name("llama3.2"))  # its countdown would change the picture
        store.load(parse_name("qwen2.5:7b"), -1)  # loaded until unloaded
        pilot.app.refresh_models()
        await pilot.press("2")
        await wait_until(pilot, lambda: "qwen2.5" in screen_text(pilot.app))
        await wait_until(pilot, lambda: "%)" in screen_text(pilot.app))  # our estimate
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_info_panel_memory_table(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        models_view(app).grid.select_name("qwen3:8b")
        await wait_until(pilot, lambda: "partly on CPU" in screen_text(app))
        grid = models_view(app).grid
        fits = [c.key for c in grid.columns].index("fits") + 1
        await wait_until(pilot, lambda: all(grid.cells(row)[fits] != "…"  # Fits filled in
                                            for row in range(len(grid.shown))))
        await pilot.pause(0.2)

    app = demo_app(tmp_path)
    # The demo's own GPU memory (the user's `vram` describes their GPU: never the demo's).
    app.settings.vram = "12GB"
    assert snap_compare(app, terminal_size=(160, 44), run_before=run_before)


def test_hosts_view(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("4")
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_compare_screen(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        from tui.ui.screens.compare import CompareScreen

        app = pilot.app
        await loaded(pilot)
        grid = models_view(app).grid
        for name in ("qwen3:8b", "qwen2.5:7b"):
            grid.select_name(name)
            await pilot.press("space")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 40), run_before=run_before)


def test_benchmark_result(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        models_view(app).grid.select_name("llama3.2:latest")
        await pilot.press("b", "enter")
        await wait_until(pilot, lambda: "warm runs" in screen_text(app))
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_one_shot_prompt_with_thinking(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        models_view(app).grid.select_name("qwen3:8b")
        await pilot.press("t", *"hello", "enter")
        await wait_until(pilot, lambda: "tokens/s" in screen_text(app))
        # The prompt loaded the model: the picture waits for the grid to know it (● and
        # "just now"), which a poll brought at a moment that depended on the CPU's load.
        await app.session.refresh_running()
        await wait_until(pilot, lambda: "qwen3:8b" in [r.name for r in
                                                       app.session.state.running])
        app.screen.set_focus(None)  # no blinking cursor: a stable picture
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_update_markers_marks_and_the_update_question(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        grid = models_view(app).grid
        for name in ("gemma3:4b", "llava:7b", "mistral:latest"):
            grid.select_name(name)
            await pilot.press("space")
        await pilot.press("U")
        await wait_until(pilot, lambda: "left alone" in screen_text(app))
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_delete_confirmation_for_several_models(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        grid = models_view(app).grid
        for name in ("qwen2.5:7b", "gemma3:4b", "mistral:latest"):
            grid.select_name(name)
            await pilot.press("space")
        await pilot.press("d")
        await wait_until(pilot, lambda: "of disk" in screen_text(app))
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)


async def create_form_filled_in(pilot) -> None:
    """The variant form as the README tells it: llama3.2 → llama3.2-32k, a 32k context and a
    system prompt, the focus (no blinking cursor) in the context box."""
    app = pilot.app
    await loaded(pilot)
    models_view(app).grid.select_name("llama3.2:latest")
    await pilot.press("v")
    await wait_until(pilot, lambda: isinstance(app.screen, CreateDialog))
    form = app.screen
    form.query_one("#name", Input).value = "llama3.2-32k"
    form.query_one("#num_ctx", Input).value = "32k"
    form.query_one("#system", TextArea).text = "You answer in one short paragraph."
    for box in form.query(Input):
        box.cursor_blink = False
    form.query_one("#num_ctx", Input).focus()
    await wait_until(pilot, lambda: "32,768 tokens" in str(form.query_one("#fit").render()))
    await pilot.pause(0.2)


def test_create_form_filled_in(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 40),
                        run_before=create_form_filled_in)


def test_create_form_modelfile_preview(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await create_form_filled_in(pilot)
        form = pilot.app.screen
        assert "PARAMETER num_ctx 32768" in str(form.query_one("#preview").render())
        form.query_one(".frame").scroll_end(animate=False)  # down to the preview
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 40), run_before=run_before)


def test_hosts_view_focus_in_the_matrix_120x40(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "matrix")
        await pilot.pause(0.2)

    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 40), run_before=run_before)


def test_pulls_view_after_pulls_finish(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        app.emulator.pull_rate = 4e9  # smollm2:135m done at once
        app.start_pull("smollm2:135m")
        app.start_pull("nosuch:7b")
        done, failed = app.session.pulls.get("smollm2:135m"), app.session.pulls.get("nosuch:7b")
        await wait_until(pilot, lambda: done.state is PullState.DONE and bool(failed.error),
                         timeout=10)
        await pilot.press("3")  # the Pulls view keeps both
        app.clear_notifications()
        await pilot.pause(0.3)

    assert snap_compare(demo_app(tmp_path), terminal_size=(100, 30), run_before=run_before)
