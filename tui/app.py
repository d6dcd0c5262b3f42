"""QGooseApp: owns the Ollama client, the server state and the workers; widgets only draw.

Every network call runs in a Textual worker, so the UI never waits on the network, and
every OllamaError becomes a notification or a status-bar state, never a traceback.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Input

from tui.config import ConfigError, Settings
from tui.current import NotInstalledError, set_current_model
from tui.format import human_size, printable
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.host import redact
from tui.ollama.models import ModelInfo, ModelSummary, RunningModel
from tui.ollama.names import same_model
from tui.popular import popular_models
from tui.pulls import PullJob, pulls_summary
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.pull import PullScreen
from tui.state import BACKOFF_START, ServerState
from tui.widgets.info_panel import InfoPanel
from tui.widgets.model_grid import ModelGrid
from tui.widgets.pulls_panel import REPAINT_HZ, PullsPanel
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

# Below this width the info panel moves under the grid instead of squeezing it.
NARROW_WIDTH = 125
# A fast scroll cancels the pending /api/show before it is sent.
INFO_DEBOUNCE_SECONDS = 0.12


class QGooseApp(App[int]):
    TITLE = "qgoose-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    BINDINGS = [
        # A priority binding acts the moment the key is read, so letters typed in a burst
        # after "/" already go to the filter box instead of running as commands.
        Binding("slash", "focus_filter", "Filter", priority=True),
        Binding("u", "use_model", "Use"),
        Binding("d", "delete_model", "Delete"),
        Binding("p", "pull", "Pull"),
        Binding("P", "focus_pulls", "Pulls"),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("i", "toggle_info", "Info panel", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self, settings: Settings, *, demo: bool = False,
                 emulator_options: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.demo = demo
        self.emulator_options = emulator_options or {}
        self.emulator: Emulator | None = None  # the in-process Ollama emulator in demo mode
        self.client: OllamaClient | None = None
        # Never wait longer to retry a vanished Ollama than to re-check a live one.
        self.state = ServerState(backoff_start=min(BACKOFF_START, settings.refresh_interval))
        self.info_cache: dict[tuple[str, str], ModelInfo] = {}
        self.pull_jobs: dict[str, PullJob] = {}
        self._select_after_refresh = ""

    # -- building ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The app keeps its own handles on the main screen's widgets, so workers can
        # update them while a dialog is on top, or while the app shuts down.
        host = "emulator" if self.demo else redact(self.settings.base_url).removeprefix("http://")
        self.filter_box = Input(placeholder="/ to filter by name, family or quantisation",
                                id="filter", select_on_focus=False)
        self.body = Horizontal(id="body")
        self.grid = ModelGrid(id="grid")
        self.info_panel = InfoPanel(id="info")
        self.pulls_panel = PullsPanel(id="pulls")
        self.status_bar = StatusBar(host, demo=self.demo, id="status")
        yield self.filter_box
        with self.body:
            yield self.grid
            yield self.info_panel
        yield self.pulls_panel
        yield self.status_bar
        yield Footer()

    async def on_mount(self) -> None:
        base_url = self.settings.base_url
        if self.demo:
            from tui.emulator.server import Emulator

            self.emulator = Emulator(**self.emulator_options)
            await self.emulator.start()
            base_url = self.emulator.url
        self.client = OllamaClient(base_url)
        for warning in self.settings.warnings:
            self.notify(printable(warning), title="Config", severity="warning", markup=False)
        self.grid.focus()
        self.set_interval(0.5, self._poll)
        self.set_interval(1.0, self.status_bar.tick)
        self.set_interval(1 / REPAINT_HZ, self._update_pulls_summary)
        self._show_state()
        self.refresh_models()

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        if self.emulator is not None:
            await self.emulator.stop()

    def on_resize(self, event: Resize) -> None:
        self.body.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # -- refreshing --------------------------------------------------------------------
    def _poll(self) -> None:
        """Ask again when due: on the interval while online, with backoff while not."""
        busy = any(w.group == "refresh" and w.is_running for w in self.workers)
        if not busy and time.monotonic() >= self.state.next_check:
            self.refresh_models()

    @work(exclusive=True, group="refresh")
    async def refresh_models(self) -> None:
        assert self.client is not None
        was_online = self.state.online
        try:
            # All at once: the grid fills after one round trip, not three.
            need_version = self.state.online is not True or not self.state.version
            version, models, running = await asyncio.gather(
                self.client.version() if need_version else _value(self.state.version),
                self.client.list_models(),
                self._running_models(),
            )
        except OllamaError as exc:
            self.state.record_failure(str(exc), time.monotonic())
            if was_online is not False:
                self.notify(printable(str(exc)), title="Ollama is not answering",
                            severity="error", markup=False)
            self._show_state()
            return
        self.state.version = version
        loaded_before = {r.name for r in self.state.running}
        changed = self.state.record_success(models, running, time.monotonic(),
                                            self.settings.refresh_interval)
        if was_online is False:
            self.notify("Ollama is back", severity="information")
        if changed or loaded_before != {r.name for r in running}:
            self._show_models()
        if self._select_after_refresh and self.state.find(self._select_after_refresh):
            self.grid.select_name(self._select_after_refresh)
            self._select_after_refresh = ""
        self._show_state()

    async def _running_models(self) -> list[RunningModel]:
        assert self.client is not None
        try:
            return await self.client.ps()
        except OllamaError:
            return []  # an old server without /api/ps still lists its models

    def _show_models(self) -> None:
        self.grid.set_models(self.state.models, self.settings.current_model,
                             {r.name for r in self.state.running})
        self._show_info_for_cursor()

    def _show_state(self) -> None:
        self.grid.set_class(self.state.online is False, "-stale")
        self.status_bar.show_state(self.state, self.settings.current_model, self.pulls_summary())

    def pulls_summary(self) -> str:
        return pulls_summary(list(self.pull_jobs.values()))

    def _update_pulls_summary(self) -> None:
        """At most REPAINT_HZ times a second, however fast the pulls stream."""
        summary = self.pulls_summary()
        if summary != self.status_bar.pulls:
            self._show_state()

    # -- the info panel ----------------------------------------------------------------
    def on_model_grid_highlighted(self, event: ModelGrid.Highlighted) -> None:
        self._show_info_for_cursor()

    def _show_info_for_cursor(self) -> None:
        model = self.grid.highlighted
        if model is None:
            text = "No models match the filter" if self.grid.needle else "No models installed"
            self.info_panel.show_message(text + " (press p to pull one)")
            return
        cached = self.info_cache.get(_cache_key(model))
        self._draw_info(model, cached)
        if cached is None and self.state.online:
            self.load_info(model)

    def _draw_info(self, model: ModelSummary, info: ModelInfo | None, error: str = "") -> None:
        self.info_panel.show(model, info, self.state.is_loaded(model.name),
                             same_model(model.name, self.settings.current_model), error)

    @work(exclusive=True, group="info")
    async def load_info(self, model: ModelSummary) -> None:
        await asyncio.sleep(INFO_DEBOUNCE_SECONDS)
        assert self.client is not None
        try:
            info = await self.client.show(model.name)
        except OllamaError as exc:
            if self._still_highlighted(model):
                self._draw_info(model, None, error=f"Could not load details: {exc}")
            return
        self.info_cache[_cache_key(model)] = info
        if self._still_highlighted(model):
            self._draw_info(model, info)

    def _still_highlighted(self, model: ModelSummary) -> bool:
        current = self.grid.highlighted
        return current is not None and current.name == model.name

    # -- actions -----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter":
            # "/" is an ordinary character in a text box and in dialogs.
            return len(self.screen_stack) == 1 and not isinstance(self.focused, Input)
        if action == "focus_pulls":
            return bool(self.pull_jobs)  # shown in the footer only when there are pulls
        return True

    def action_focus_pulls(self) -> None:
        # At once, like "/": a "c" typed right after "P" must reach the panel.
        self.screen.set_focus(self.pulls_panel)

    def action_focus_filter(self) -> None:
        # Focus at once (not deferred), so the next key read lands in the box.
        self.screen.set_focus(self.filter_box)

    def action_clear_filter(self) -> None:
        self.filter_box.value = ""
        self.grid.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.grid.set_filter(event.value)
            self._show_info_for_cursor()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.grid.focus()

    def on_model_grid_selected(self, event: ModelGrid.Selected) -> None:
        self.action_use_model()

    def action_use_model(self) -> None:
        model = self.grid.highlighted
        if model is None:
            return
        if not self.state.online:
            self.notify("Ollama is offline, so it cannot confirm the model is installed",
                        severity="warning")
            return
        try:
            chosen = set_current_model(self.settings, self.state.models, model.name)
        except (NotInstalledError, ConfigError, OllamaError) as exc:
            self.notify(printable(str(exc)), severity="error", markup=False)
            return
        self._show_models()
        self._show_state()
        self.notify(f"Current model: {printable(chosen)}", markup=False)

    def action_delete_model(self) -> None:
        model = self.grid.highlighted
        if model is None:
            return
        question = Text("Delete ")
        question.append(printable(model.name), style="bold")
        question.append(f" ({human_size(model.size)}) from {self.status_bar.host}?")
        warning = ""
        if same_model(model.name, self.settings.current_model):
            warning = "This is the current model: tools using it will need another."

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_model(model)

        self.push_screen(ConfirmScreen("Delete model", question, warning, "Delete"), answered)

    @work(group="delete")
    async def delete_model(self, model: ModelSummary) -> None:
        assert self.client is not None
        try:
            await self.client.delete(model.name)
        except OllamaError as exc:
            self.notify(printable(str(exc)), title=f"Could not delete {printable(model.name)}",
                        severity="error", markup=False)
            return
        self.state.models = [m for m in self.state.models if m.name != model.name]
        self._show_models()
        self._show_state()
        self.notify(f"Deleted {printable(model.name)} ({human_size(model.size)})", markup=False)
        self.refresh_models()

    def action_refresh(self) -> None:
        self.refresh_models()

    def action_toggle_info(self) -> None:
        panel = self.info_panel
        panel.display = not panel.display

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    # -- pulls -------------------------------------------------------------------------
    def action_pull(self) -> None:
        popular = popular_models(self.settings.popular_models)
        installed = [m.name for m in self.state.models]

        def chosen(name: str | None) -> None:
            if name:
                self.start_pull(name)

        self.push_screen(PullScreen(popular, installed), chosen)

    def start_pull(self, name: str) -> None:
        job = self.pull_jobs.get(name)
        if job is not None and job.running:
            self.notify(f"{printable(name)} is already being pulled", markup=False)
            return
        if job is None:
            job = self.pull_jobs[name] = PullJob(name)
        else:
            job.restart()
        job.worker = self.run_worker(self._run_pull(job), group="pull", exit_on_error=False)
        self._show_pulls()

    def _show_pulls(self) -> None:
        self.pulls_panel.set_jobs(list(self.pull_jobs.values()))
        self.refresh_bindings()  # "P Pulls" shows in the footer only while there are pulls

    async def _run_pull(self, job: PullJob) -> None:
        assert self.client is not None
        panel = self.pulls_panel
        try:
            async for event in self.client.pull(job.model, coalesce=True):
                job.progress.feed(event, time.monotonic())
                panel.mark_dirty()
                # A fast stream has data ready at every read and would never give the
                # event loop back: yield, so keys and repaints go on during a pull.
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            job.cancel()
            panel.mark_dirty()
            raise
        except OllamaError as exc:
            job.fail(str(exc))
            self.notify(printable(str(exc)), title=f"Pull of {printable(job.model)} failed",
                        severity="error", markup=False)
        else:
            job.finish()
            self.notify(f"Pulled {printable(job.model)}", markup=False)
            self._select_after_refresh = job.model
            self.refresh_models()
        panel.mark_dirty()

    def on_pulls_panel_requested(self, event: PullsPanel.Requested) -> None:
        job = self.pull_jobs.get(event.model)
        if job is None:
            return
        if event.action == "cancel" and job.running and job.worker is not None:
            job.worker.cancel()
            job.cancel()
        elif event.action == "retry" and not job.running:
            self.start_pull(job.model)
        elif event.action == "dismiss" and not job.running:
            del self.pull_jobs[job.model]
        self._show_pulls()
        self._show_state()

    async def action_quit(self) -> None:
        running = [job.model for job in self.pull_jobs.values() if job.running]
        if not running:
            self.exit()
            return
        names = ", ".join(running)
        question = Text(f"{len(running)} pull(s) still running: {printable(names)}.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen("Quit qgoose-tui?", question,
                                       "Quitting stops them; pulling again resumes where "
                                       "they left off.", "Quit"), answered)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in (
            ("Filter models", "Focus the filter box", self.action_focus_filter),
            ("Use model", "Make the highlighted model the current one", self.action_use_model),
            ("Delete model", "Delete the highlighted model (asks first)",
             self.action_delete_model),
            ("Pull model", "Download a model", self.action_pull),
            ("Refresh", "Ask Ollama for the model list now", self.action_refresh),
            ("Toggle info panel", "Show or hide the details panel", self.action_toggle_info),
            ("Sort by next column", "Cycle the grid's sort column", self.grid.action_cycle_sort),
            ("Help", "Show every key binding", self.action_help),
        ):
            yield SystemCommand(title, help_text, action)
        if self.pull_jobs:
            yield SystemCommand("Pulls", "Go to the pulls panel (cancel, retry, layers)",
                                self.action_focus_pulls)


async def _value(value: str) -> str:
    return value


def _cache_key(model: ModelSummary) -> tuple[str, str]:
    return (model.name.casefold(), model.digest)


def run_app(settings: Settings, demo: bool = False) -> int:
    app = QGooseApp(settings, demo=demo)
    app.run()
    return app.return_code or 0
