"""Pulling from the TUI: dialog, streamed progress, concurrency, cancel, retry, errors."""

import asyncio
import time

from textual import events

from tests.tui.conftest import app_for, grid_names, notices, shows, started, wait_until
from tui.emulator.server import Emulator
from tui.ollama.progress import Phase
from tui.pulls import PullState
from tui.screens.pull import PullScreen


async def test_pull_a_popular_model_and_watch_it_finish(emulator: Emulator,
                                                        make_settings) -> None:
    emulator.pull_rate = 300e6  # smollm2's 271 MB take about a second
    emulator.progress_interval = 0.02
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.press("p")
        assert isinstance(app.screen, PullScreen)
        assert shows(app, "llama3.2") and shows(app, "✓ installed")
        await pilot.press("tab")
        popular = app.settings.popular_models
        for _ in range(popular.index("smollm2:135m")):
            await pilot.press("down")
        await pilot.press("enter")
        job = app.pull_jobs["smollm2:135m"]
        await wait_until(pilot, lambda: job.progress.completed > 0)
        await wait_until(pilot, lambda: shows(app, "ETA") and shows(app, "MB/s"))
        assert shows(app, "⇣ 1 ·")  # the status bar's summary
        await wait_until(pilot, lambda: job.state is PullState.DONE)
        await wait_until(pilot, lambda: "smollm2:135m" in grid_names(app))
        await wait_until(pilot, lambda: app.grid.highlighted.name == "smollm2:135m")
        assert "Pulled smollm2:135m" in notices(app)


async def test_invalid_names_are_refused_before_any_request(emulator: Emulator,
                                                            make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"bad name")
        assert shows(app, "the model part may not contain ' '")
        await pilot.press("enter")
        assert isinstance(app.screen, PullScreen)  # still open, nothing lost
        assert app.screen.query_one("#name").value == "bad name"
        assert emulator.pull_requests() == [] and app.pull_jobs == {}
        await pilot.press("escape")
        assert not isinstance(app.screen, PullScreen)


async def test_a_typed_name_is_normalised_and_pulled(emulator: Emulator,
                                                     make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"SmolLM2:135m")
        assert shows(app, "✓ will pull SmolLM2:135m")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.pull_jobs["SmolLM2:135m"].state is PullState.DONE)


async def test_an_unknown_model_fails_on_its_row(emulator: Emulator, make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"nosuch:7b", "enter")
        job = app.pull_jobs["nosuch:7b"]
        await wait_until(pilot, lambda: job.state is PullState.FAILED)
        assert "file does not exist" in job.error
        await wait_until(pilot, lambda: shows(app, "✗ nosuch:7b"))
        assert shows(app, "failed")


async def test_two_pulls_at_once_then_cancel_one(emulator: Emulator, make_settings) -> None:
    emulator.pull_rate = 200e6
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"llama3.1:8b", "enter")
        await pilot.press("p", *"qwen3:8b", "enter")
        jobs = app.pull_jobs
        await wait_until(pilot, lambda: all(j.progress.completed > 0 for j in jobs.values()))
        await wait_until(pilot, lambda: shows(app, "⇣ 2 ·"))
        await pilot.press("P")  # to the pulls panel; the first pull is selected
        assert app.focused is app.pulls_panel
        await pilot.press("c")
        await wait_until(pilot, lambda: jobs["llama3.1:8b"].state is PullState.CANCELLED)
        assert jobs["qwen3:8b"].running
        await wait_until(pilot, lambda: shows(app, "cancelled"))
        kept = jobs["llama3.1:8b"].progress.completed
        await pilot.press("t")  # retry resumes where it stopped, not from 0
        await wait_until(pilot, lambda: jobs["llama3.1:8b"].progress.total > 0)
        assert jobs["llama3.1:8b"].progress.resumed_from >= kept > 0
        assert jobs["llama3.1:8b"].attempts == 2


async def test_a_connection_cut_mid_pull_then_retry_resumes(emulator: Emulator,
                                                            make_settings) -> None:
    emulator.pull_rate = 200e6
    emulator.faults.cut_after_events = 15
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"llama3.1:8b", "enter")
        job = app.pull_jobs["llama3.1:8b"]
        await wait_until(pilot, lambda: job.state is PullState.FAILED)
        assert "lost" in job.error
        before = job.progress.completed
        assert before > 0
        emulator.faults.clear()
        emulator.pull_rate = 4e9
        await pilot.press("P", "t")
        await wait_until(pilot, lambda: job.progress.total > 0)
        assert job.progress.fraction > 0 and job.progress.resumed_from >= before
        await wait_until(pilot, lambda: job.state is PullState.DONE, timeout=10)


async def test_layers_expand(emulator: Emulator, make_settings) -> None:
    emulator.pull_rate = 100e6
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"llava:13b", "enter")  # not in the catalogue
        await pilot.press("p", *"llama3.1:8b", "enter")
        job = app.pull_jobs["llama3.1:8b"]
        await wait_until(pilot, lambda: job.progress.phase is Phase.DOWNLOADING)
        await pilot.press("P", "enter")  # the panel starts on the running pull
        await wait_until(pilot, lambda: bool(job.progress.layers) and shows(
            app, next(iter(job.progress.layers.values())).short_digest))


async def test_quitting_with_pulls_running_asks_first(emulator: Emulator,
                                                      make_settings) -> None:
    emulator.pull_rate = 50e6
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"llama3.1:8b", "enter")
        await pilot.press("q")
        assert shows(app, "1 pull(s) still running: llama3.1:8b")
        await pilot.press("n")
        assert app.is_running
        await pilot.press("q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_a_flood_of_progress_events_is_drawn_at_most_ten_times_a_second(
    emulator: Emulator, make_settings
) -> None:
    # 271 MB in 5,418-byte steps: about 50,000 progress lines in a few seconds.
    emulator.pull_step = 5_418
    emulator.progress_interval = 0.00005
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        panel = app.pulls_panel
        start, repaints_before = time.monotonic(), panel.repaints
        app.start_pull("smollm2:135m")
        job = app.pull_jobs["smollm2:135m"]
        await wait_until(pilot, lambda: job.progress.completed > 10_000_000)
        # A key typed while the stream pours in takes effect while it still pours.
        app.post_message(events.Key("s", "s"))
        await wait_until(pilot, lambda: app.grid.sort_key == "name")
        done_when_sorted = job.progress.fraction
        await wait_until(pilot, lambda: not job.running, timeout=60)
        elapsed = time.monotonic() - start
        assert job.state is PullState.DONE and job.progress.completed == job.progress.total
        lines_sent = job.progress.total // emulator.pull_step
        assert lines_sent > 45_000 and done_when_sorted < 0.5
        rate = (panel.repaints - repaints_before) / elapsed
        assert panel.repaints > repaints_before and rate <= 10.5, f"{rate:.1f} a second"


async def test_the_cli_and_the_tui_show_the_same_figures() -> None:
    from tui.commands import format_progress
    from tui.ollama.models import PullEvent
    from tui.pulls import PullJob

    job = PullJob("llama3.2:latest")
    events = [{"status": "pulling manifest"},
              {"status": "pulling dde5aa3fc5ff", "digest": "sha256:" + "d" * 64,
               "total": 2_000_000_000},
              {"status": "pulling dde5aa3fc5ff", "digest": "sha256:" + "d" * 64,
               "total": 2_000_000_000, "completed": 800_000_000}]
    for i, e in enumerate(events):
        job.progress.feed(PullEvent.from_json(e), now=float(i))
    line = format_progress(job.progress)
    assert "40%" in line and "800 MB/2.0 GB" in line and "800 MB/s" in line
    await asyncio.sleep(0)


async def test_the_pulls_panel_starts_on_a_running_pull(emulator: Emulator,
                                                        make_settings) -> None:
    emulator.pull_rate = 100e6
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot)
        await pilot.press("p", *"nosuch:1b", "enter")
        await wait_until(pilot, lambda: app.pull_jobs["nosuch:1b"].state is PullState.FAILED)
        await pilot.press("p", *"llama3.1:8b", "enter")
        await pilot.press("P", "c")  # the failed pull is first, but "c" is for the running one
        await wait_until(pilot, lambda: app.pull_jobs["llama3.1:8b"].state
                         is PullState.CANCELLED)
