"""Pulling from the TUI: dialog, streamed progress, concurrency, cancel, retry, errors."""

import time

import pytest
from textual import events

from tests.tui.helpers import (
    grid_names,
    models_view,
    notices,
    pull_named,
    pulls_view,
    shows,
    type_text,
    wait_until,
)
from tui.core.pulls import PullState
from tui.emulator.server import Emulator
from tui.ollama.progress import Phase
from tui.ui.compat import timer_running
from tui.ui.screens.pull_dialog import PullDialog


async def test_pull_a_popular_model_and_watch_it_finish(pilot, emulator: Emulator) -> None:
    # smollm2's 271 MB take about two seconds: long enough to see the figures on a busy CPU.
    emulator.pull_rate = 135e6
    emulator.progress_interval = 0.02
    app = pilot.app
    await pilot.press("p")
    assert isinstance(app.screen, PullDialog)
    assert shows(app, "llama3.2") and shows(app, "✓ installed")
    await pilot.press("tab")
    popular = app.settings.popular_models
    for _ in range(popular.index("smollm2:135m")):
        await pilot.press("down")
    await pilot.press("enter")
    job = app.session.pulls.get("smollm2:135m")
    await wait_until(pilot, lambda: job.progress.completed > 0)
    await wait_until(pilot, lambda: shows(app, "ETA") and shows(app, "MB/s"))
    assert shows(app, "⇣ 1 ·")  # the status bar's summary
    await wait_until(pilot, lambda: job.state is PullState.DONE, timeout=10)
    await wait_until(pilot, lambda: "smollm2:135m" in grid_names(app))
    await wait_until(pilot, lambda: models_view(app).grid.highlighted.name == "smollm2:135m")
    await wait_until(pilot, lambda: "Pulled smollm2:135m" in notices(app))


async def test_invalid_names_are_refused_before_any_request(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await pilot.press("p")
    # Typed faster than the dialog reads the changes: it once judged the newer text by an
    # older change's verdict, and "bad" being a name crashed it on "bad name".
    await type_text(pilot, "bad name")
    assert shows(app, "the model part may not contain ' '")
    await pilot.press("enter")
    assert isinstance(app.screen, PullDialog)  # still open, nothing lost
    assert app.screen.query_one("#name").value == "bad name"
    assert emulator.pull_requests() == [] and not app.session.pulls
    await pilot.press("escape")
    assert not isinstance(app.screen, PullDialog)


async def test_a_typed_name_is_normalised_and_pulled(pilot) -> None:
    app = pilot.app
    await pilot.press("p")
    await type_text(pilot, "SmolLM2:135m")
    assert shows(app, "✓ will pull SmolLM2:135m")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.session.pulls.get("smollm2:135m").state
                     is PullState.DONE)


@pytest.mark.size(120, 30)
async def test_an_unknown_model_fails_on_its_row(pilot) -> None:
    app = pilot.app
    await pilot.press("p")
    await type_text(pilot, "nosuch:7b")
    await pilot.press("enter")
    job = app.session.pulls.get("nosuch:7b")
    await wait_until(pilot, lambda: job.state is PullState.FAILED)
    assert "file does not exist" in job.error
    await wait_until(pilot, lambda: shows(app, "✗ nosuch:7b"))
    assert shows(app, "failed")


@pytest.mark.size(120, 30)
async def test_two_pulls_at_once_then_cancel_one(pilot, emulator: Emulator) -> None:
    # Nearly still while Pilot types (it waits for an idle process between keys, which a
    # busy stream never is), then fast enough to move but not to end.
    emulator.pull_rate, emulator.progress_interval = 1e5, 0.2
    app = pilot.app
    await pull_named(pilot, "llama3.1:8b")
    await pull_named(pilot, "qwen2.5-coder:7b")
    emulator.pull_rate, emulator.progress_interval = 40e6, 0.1
    first, second = (app.session.pulls.get(n) for n in ("llama3.1:8b", "qwen2.5-coder:7b"))
    await wait_until(pilot, lambda: first.progress.completed > 0 < second.progress.completed)
    await wait_until(pilot, lambda: shows(app, "⇣ 2 ·"))
    await pilot.press("P")  # to the Pulls view; the first pull is selected
    assert app.current_mode == "pulls" and app.focused is pulls_view(app).pulls_list
    await pilot.press("c")
    await wait_until(pilot, lambda: first.state is PullState.CANCELLED)
    assert second.running
    await wait_until(pilot, lambda: shows(app, "cancelled"))
    kept = first.progress.completed
    await pilot.press("t")  # retry resumes where it stopped, not from 0
    await wait_until(pilot, lambda: first.progress.total > 0)
    assert first.progress.resumed_from >= kept > 0
    assert first.attempts == 2


@pytest.mark.size(120, 30)
async def test_a_connection_cut_mid_pull_then_retry_resumes(pilot, emulator: Emulator) -> None:
    emulator.pull_rate = 200e6
    emulator.faults.cut_after_events = 15
    app = pilot.app
    await pull_named(pilot, "llama3.1:8b")
    job = app.session.pulls.get("llama3.1:8b")
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


@pytest.mark.size(120, 30)
async def test_layers_expand(pilot, emulator: Emulator) -> None:
    emulator.pull_rate = 100e6
    # A progress line each quarter second: the process is idle between them, so Pilot's
    # keys (each waits for an idle moment) go at once while the pull runs.
    emulator.progress_interval = 0.25
    app = pilot.app
    await pull_named(pilot, "nosuch:13b")  # not in the catalogue
    await pull_named(pilot, "llama3.1:8b")
    job = app.session.pulls.get("llama3.1:8b")
    await wait_until(pilot, lambda: job.progress.phase is Phase.DOWNLOADING)
    await pilot.press("P", "enter")  # the view starts on the running pull
    await wait_until(pilot, lambda: bool(job.progress.layers) and shows(
        app, next(iter(job.progress.layers.values())).short_digest))


async def test_quitting_with_pulls_running_asks_first(pilot, emulator: Emulator) -> None:
    emulator.pull_rate = 50e6
    # A progress line each quarter second: the process is idle between them, so Pilot's
    # keys (each waits for an idle moment) go at once while the pull runs.
    emulator.progress_interval = 0.25
    app = pilot.app
    await pull_named(pilot, "llama3.1:8b")
    await pilot.press("q")
    assert shows(app, "1 pull is still running: llama3.1:8b")
    assert app.screen.warning == "Quitting stops it; pulling again resumes where it left off."
    await pilot.press("n")
    assert app.is_running
    await pilot.press("q", "y")
    await pilot.pause()
    assert not app.is_running


async def test_a_flood_of_progress_events_is_drawn_at_most_ten_times_a_second(
    pilot, emulator: Emulator
) -> None:
    # 271 MB in 10,836-byte steps: about 25,000 progress lines in a few seconds.
    emulator.pull_step = 10_836
    emulator.progress_interval = 0.00005
    app = pilot.app
    published: list[float] = []
    app.session_changed.subscribe(
        models_view(app), lambda e: published.append(time.monotonic())
        if getattr(e, "topic", "") == "pulls" else None, immediate=True)
    start = time.monotonic()
    app.start_pull("smollm2:135m")
    job = app.session.pulls.get("smollm2:135m")
    await wait_until(pilot, lambda: job.progress.completed > 10_000_000)
    # A key typed while the stream pours in takes effect while it still pours.
    app.post_message(events.Key("s", "s"))
    await wait_until(pilot, lambda: models_view(app).grid.sort_key == "caps")
    done_when_sorted = job.progress.fraction
    await wait_until(pilot, lambda: not job.running, timeout=60)
    elapsed = time.monotonic() - start
    assert job.state is PullState.DONE and job.progress.completed == job.progress.total
    events_seen = len([r for r in emulator.requests if r.path == "/api/pull"])
    assert events_seen == 1 and done_when_sorted < 0.5
    rate = len(published) / elapsed
    assert published and rate <= 10.5, f"{rate:.1f} a second"


async def test_the_progress_timer_stops_when_nothing_is_pulled(pilot) -> None:
    app = pilot.app
    await pilot.pause(0.3)
    assert timer_running(app._pulls_timer) is False  # no pulls: no 10 Hz timer
    await pull_named(pilot, "smollm2:135m")
    job = app.session.pulls.get("smollm2:135m")
    await wait_until(pilot, lambda: job.state is PullState.DONE)
    await wait_until(pilot, lambda: not timer_running(app._pulls_timer))


async def test_a_pull_that_breaks_fails_visibly_and_can_be_retried(pilot, monkeypatch) -> None:
    # Not an OllamaError: a bug in the progress code once left the pull "running" forever
    # (no message, retry refused, quit asking).
    from tui.ollama.progress import PullProgress

    app = pilot.app

    def broken(self, event, now):
        raise KeyError("completed")

    monkeypatch.setattr(PullProgress, "feed", broken)
    await pull_named(pilot, "smollm2:135m")
    job = app.session.pulls.get("smollm2:135m")
    await wait_until(pilot, lambda: job.state is PullState.FAILED)
    assert "KeyError" in job.error
    await wait_until(pilot, lambda: "Pull of smollm2:135m failed" in notices(app))
    assert not app.session.pulls.running  # so quitting does not ask
    monkeypatch.undo()
    await pilot.press("P", "t")  # and retry is not refused
    await wait_until(pilot, lambda: job.state is PullState.DONE)


async def failed_pulls_shown(pilot, count: int):
    """`count` pulls of names no registry has, all failed, in the Pulls view: its list."""
    app = pilot.app
    for n in range(count):
        app.start_pull(f"nosuch{n:02d}:1b")
    await wait_until(pilot, lambda: all(j.state is PullState.FAILED
                                        for j in app.session.pulls.jobs))
    await pilot.press("3")
    return pulls_view(app).pulls_list


@pytest.mark.size(100, 24)
async def test_the_pulls_list_scrolls_to_its_selection(pilot, emulator: Emulator) -> None:
    # With 16 pulls the list is taller than the view: you must see what you cancel.
    app = pilot.app
    pulls_list = await failed_pulls_shown(pilot, 16)
    for _ in range(15):
        await pilot.press("down")
    assert pulls_list.selected == 15
    await pilot.pause()
    assert shows(app, "nosuch15:1b")
    await pilot.press("x")  # dismisses the one on screen
    await wait_until(pilot, lambda: app.session.pulls.get("nosuch15:1b") is None)
    assert len(app.session.pulls.jobs) == 15


async def test_home_end_and_pages_move_through_the_pulls(pilot, emulator: Emulator) -> None:
    # As the README's key table says: Home End PgUp PgDn (g G) move through the pulls too.
    app = pilot.app
    pulls_list = await failed_pulls_shown(pilot, 40)
    await pilot.press("end")
    assert pulls_list.selected == 39
    await pilot.pause()
    assert shows(app, "nosuch39:1b")
    await pilot.press("home")
    assert pulls_list.selected == 0
    await pilot.press("pagedown")
    assert 10 <= pulls_list.selected < 39  # a screenful on (30 rows)
    await pilot.press("pageup")
    assert pulls_list.selected == 0
    await pilot.press("G")
    assert pulls_list.selected == 39
    await pilot.press("pagedown")  # stops at the end, never wraps to the top
    assert pulls_list.selected == 39
    await pilot.press("g")
    assert pulls_list.selected == 0


@pytest.mark.size(120, 30)
async def test_the_pulls_view_starts_on_a_running_pull(pilot, emulator: Emulator) -> None:
    emulator.pull_rate = 100e6
    # A progress line each quarter second: the process is idle between them, so Pilot's
    # keys (each waits for an idle moment) go at once while the pull runs.
    emulator.progress_interval = 0.25
    app = pilot.app
    await pull_named(pilot, "nosuch:1b")
    await wait_until(pilot, lambda: app.session.pulls.get("nosuch:1b").state
                     is PullState.FAILED)
    await pull_named(pilot, "llama3.1:8b")
    await pilot.press("P", "c")  # the failed pull is first, but "c" is for the running one
    await wait_until(pilot, lambda: app.session.pulls.get("llama3.1:8b").state
                     is PullState.CANCELLED)


async def test_finished_pulls_leave_the_strip_and_x_clears_them(pilot, monkeypatch) -> None:
    from tui.ui.screens.text_dialog import TextDialog
    from tui.ui.widgets import pulls_strip

    monkeypatch.setattr(pulls_strip, "LINGER", 2.0)  # long enough to be seen on a busy CPU
    app = pilot.app
    strip = models_view(app).pulls_strip
    await pull_named(pilot, "nosuch:7b")
    job = app.session.pulls.get("nosuch:7b")
    await wait_until(pilot, lambda: job.state is PullState.FAILED)
    await wait_until(pilot, lambda: strip.display and shows(app, "✗ nosuch:7b"))
    await wait_until(pilot, lambda: not strip.display)  # gone from the strip, by itself
    assert not shows(app, "✗ nosuch:7b")
    await pilot.press("P")
    assert shows(app, "✗ nosuch:7b")  # the Pulls view keeps it
    await pilot.press("enter")  # the whole reason, not the row's cut
    assert isinstance(app.screen, TextDialog)
    await pilot.pause()
    assert shows(app, "The pull of nosuch:7b failed")
    assert shows(app, "check the name and tag")  # the end the row cut off
    await pilot.press("escape", "X")
    await wait_until(pilot, lambda: not app.session.pulls)
    assert "Cleared 1 finished pull" in notices(app)


async def test_a_click_on_the_strip_opens_the_pulls_view(pilot, emulator: Emulator) -> None:
    emulator.pull_rate = 1e6  # slow: the pull is still running when clicked
    # A progress line each quarter second: the process is idle between them, so Pilot's
    # keys (each waits for an idle moment) go at once while the pull runs.
    emulator.progress_interval = 0.25
    app = pilot.app
    await pull_named(pilot, "qwen2.5:0.5b")
    strip = models_view(app).pulls_strip
    await wait_until(pilot, lambda: strip.display and strip.size.height > 0)
    await pilot.click("#pulls-strip")
    await wait_until(pilot, lambda: app.current_mode == "pulls")
