"""QGooseApp: owns the Ollama client, the server state and the workers; widgets only draw.

Every network call runs in a Textual worker, so the UI never waits on the network, and
every OllamaError becomes a notification or a status-bar state, never a traceback.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input

from tui.config import ConfigError, Settings
from tui.current import NotInstalledError, set_current_model
from tui.format import human_size, printable
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.host import redact
from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import same_model
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.state import BACKOFF_START, ServerState
from tui.widgets.info_panel import InfoPanel
from tui.widgets.model_grid import ModelGrid
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

# Below this width the info panel moves under the grid instead of squeezing it.
NARROW_WIDTH = 125
# A fast scroll cancels the pending /api/show before it is sent.
INFO_DEBOUNCE_SECONDS = 0.12


class QGooseApp(App[int]):
    TITLE = "qgoose-tui"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        # A priority binding acts the moment the key is read, so letters typed in a burst
        # after "/" already go to the filter box instead of running as commands.
        Binding("slash", "focus_filter", "Filter", priority=True),
        Binding("u", "use_model", "Use"),
        Binding("d", "delete_model", "Delete"),
        Binding("p", "pull", "Pull"),
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

    # -- building ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ to filter by name, family or quantisation", id="filter",
                    select_on_focus=False)
        with Horizontal(id="body"):
            yield ModelGrid(id="grid")
            yield InfoPanel(id="info")
        host = "emulator" if self.demo else redact(self.settings.base_url).removeprefix("http://")
        yield StatusBar(host, demo=self.demo, id="status")
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
        self._show_state()
        self.refresh_models()

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        if self.emulator is not None:
            await self.emulator.stop()

    @property
    def grid(self) -> ModelGrid:
        return self.query_one(ModelGrid)

    @property
    def info_panel(self) -> InfoPanel:
        return self.query_one(InfoPanel)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_resize(self, event: Resize) -> None:
        self.query_one("#body").set_class(event.size.width < NARROW_WIDTH, "-narrow")

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
            if self.state.online is not True or not self.state.version:
                self.state.version = await self.client.version()
            models = await self.client.list_models()
        except OllamaError as exc:
            self.state.record_failure(str(exc), time.monotonic())
            if was_online is not False:
                self.notify(printable(str(exc)), title="Ollama is not answering",
                            severity="error", markup=False)
            self._show_state()
            return
        try:
            running = await self.client.ps()
        except OllamaError:
            running = []  # an old server without /api/ps still lists models
        loaded_before = {r.name for r in self.state.running}
        changed = self.state.record_success(models, running, time.monotonic(),
                                            self.settings.refresh_interval)
        if was_online is False:
            self.notify("Ollama is back", severity="information")
        if changed or loaded_before != {r.name for r in running}:
            self._show_models()
        self._show_state()

    def _show_models(self) -> None:
        self.grid.set_models(self.state.models, self.settings.current_model,
                             {r.name for r in self.state.running})
        self._show_info_for_cursor()

    def _show_state(self) -> None:
        self.grid.set_class(self.state.online is False, "-stale")
        self.status_bar.show_state(self.state, self.settings.current_model, self.pulls_summary())

    def pulls_summary(self) -> str:
        return ""

    # -- the info panel ----------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
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
        return True

    def action_focus_filter(self) -> None:
        # Focus at once (not deferred), so the next key read lands in the box.
        self.screen.set_focus(self.query_one("#filter", Input))

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        self.grid.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.grid.set_filter(event.value)
            self._show_info_for_cursor()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.grid.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
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

    def action_pull(self) -> None:
        self.notify("Pulling from the TUI is not built yet: use `qgoose-tui pull NAME`",
                    severity="warning")

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


def _cache_key(model: ModelSummary) -> tuple[str, str]:
    return (model.name.casefold(), model.digest)


def run_app(settings: Settings, demo: bool = False) -> int:
    app = QGooseApp(settings, demo=demo)
    app.run()
    return app.return_code or 0
