"""The Models view: the filter box, the model grid, the info panel and a compact pulls strip."""

from __future__ import annotations

import asyncio
import contextlib

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input

from tui.config import ConfigError, NotInstalledError, set_current_model
from tui.fits_column import fits_column
from tui.format import human_size, printable
from tui.model_columns import COLUMNS
from tui.ollama import OllamaError
from tui.ollama.durations import keep_alive_words
from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import same_model
from tui.popular import popular_models
from tui.screens.confirm import ConfirmScreen
from tui.screens.view import View
from tui.session import Changed, Event, Pulled
from tui.widgets.info_panel import InfoPanel, MemoryView
from tui.widgets.model_grid import ModelGrid
from tui.widgets.pulls_strip import PullsStrip

# A fast scroll cancels the pending /api/show before it is sent.
INFO_DEBOUNCE_SECONDS = 0.12
DETAILS_AT_ONCE = 4  # /api/show requests in flight for the Fits column


class ModelsScreen(View):
    VIEW_NAME = "models"
    # Below 125 columns the info panel moves under the grid instead of squeezing it.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (125, "-wide")]
    DEFAULT_CSS = """
    ModelsScreen #filter { height: 1; border: none; padding: 0 1; background: $boost; }
    ModelsScreen #filter:focus { background: $primary 20%; }
    ModelsScreen #body { height: 1fr; }
    ModelsScreen.-narrow #body { layout: vertical; }
    ModelsScreen.-narrow InfoPanel {
        width: 1fr; height: 45%; border-left: none; border-top: hkey $primary 50%;
    }
    """
    BINDINGS = [
        # A priority binding acts the moment the key is read, so letters typed in a burst
        # after "/" already go to the filter box instead of running as commands.
        Binding("slash", "focus_filter", "Filter", priority=True,
                tooltip="filter as you type (name, family, quantisation); Esc clears"),
        Binding("u", "use_model", "Use", tooltip="make the highlighted model the current one"),
        Binding("d", "delete_model", "Delete",
                tooltip="delete the highlighted model (asks first)"),
        Binding("p", "pull", "Pull", tooltip="pull a model: a popular one or any name"),
        Binding("l", "load_model", "Load", tooltip="load the highlighted model into memory "
                "(for how long: 5 minutes, 1 hour, until unloaded, or typed)"),
        Binding("x", "unload_model", "Unload", show=False,
                tooltip="unload the highlighted model from memory"),
        Binding("P", "show_pulls", "Pulls",
                tooltip="go to the Pulls view: cancel, retry, dismiss, layers"),
        Binding("r", "app.refresh_models", "Refresh", show=False,
                tooltip="ask Ollama for the model list now"),
        Binding("i", "toggle_info", "Info panel", show=False,
                tooltip="show or hide the info panel"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        self.filter_box = Input(placeholder="/ to filter by name, family or quantisation",
                                id="filter", select_on_focus=False)
        self.grid = ModelGrid(id="grid")
        self.info_panel = InfoPanel(id="info")
        self.pulls_strip = PullsStrip(id="pulls-strip")
        yield self.filter_box
        with Horizontal(id="body"):
            yield self.grid
            yield self.info_panel
        yield self.pulls_strip

    def on_mount(self) -> None:
        settings = self.qapp.settings
        if settings.vram_bytes:
            # Will each model fit at the configured context? Needs every model's details.
            self.grid.set_columns((*COLUMNS, fits_column(
                self.qapp.session.cached_info, settings.fit_context, settings.kv_cache_type,
                settings.vram_bytes)))
        super().on_mount()
        self.grid.focus()

    # -- following the session ---------------------------------------------------------
    def show(self) -> None:
        self.show_models()
        self._show_pulls()

    def session_event(self, event: Event) -> None:
        if isinstance(event, Changed):
            if event.topic == "models":
                self.show_models()
            elif event.topic == "state":
                self._grey_if_stale()
            elif event.topic == "pulls":
                self._show_pulls()
        elif isinstance(event, Pulled):
            self.grid.select_name(event.name)

    def _grey_if_stale(self) -> None:
        """A list the server has not confirmed (offline, or saved last time) is greyed."""
        state = self.qapp.session.state
        self.grid.set_class(state.online is False or state.from_cache, "-stale")

    def _show_pulls(self) -> None:
        jobs = self.qapp.session.pulls.jobs
        if bool(jobs) != bool(self.pulls_strip.jobs):
            self.refresh_bindings()  # "P Pulls" shows only while there are pulls
        self.pulls_strip.set_jobs(jobs)

    def show_models(self) -> None:
        state = self.qapp.session.state
        self.grid.set_models(state.models, self.qapp.settings.current_model, state.loaded_keys())
        self._grey_if_stale()
        self._show_info_for_cursor()
        if "fits" in {c.key for c in self.grid.columns} and state.online:
            self._fetch_details()

    @work(group="details", exclusive=True, exit_on_error=False)
    async def _fetch_details(self) -> None:
        """Every model's details for the Fits column: the rows on screen first, a few
        requests at a time, the column redrawn as they come."""
        session = self.qapp.session
        shown = self.grid.shown
        wanted = [m for m in [*shown, *session.state.models]
                  if not m.is_remote and session.cached_info(m) is None]
        wanted = list(dict.fromkeys(wanted))
        gate = asyncio.Semaphore(DETAILS_AT_ONCE)

        async def fetch(model: ModelSummary) -> None:
            # A failure shows as "…"; the info panel says why when the row is highlighted.
            async with gate:
                with contextlib.suppress(OllamaError):
                    await session.model_info(model)

        for start in range(0, len(wanted), 16):
            await asyncio.gather(*(fetch(m) for m in wanted[start:start + 16]))
            self.grid.refresh_texts()

    # -- the info panel ----------------------------------------------------------------
    @on(ModelGrid.Highlighted, "#grid")
    def _highlighted(self) -> None:
        self._show_info_for_cursor()

    def _show_info_for_cursor(self) -> None:
        model = self.grid.highlighted
        if model is None:
            text = "No models match the filter" if self.grid.filter_text else \
                "No models installed"
            self.info_panel.show_message(text + " (press p to pull one)")
            return
        cached = self.qapp.session.cached_info(model)
        self._draw_info(model, cached)
        if cached is None and self.qapp.session.state.online:
            self.load_info(model)

    def _draw_info(self, model: ModelSummary, info: ModelInfo | None, error: str = "") -> None:
        session = self.qapp.session
        settings = self.qapp.settings
        memory = MemoryView(settings.kv_cache_type, settings.vram_bytes)
        self.info_panel.show(model, info, session.state.running_entry(model.name),
                             same_model(model.name, settings.current_model), error, memory)

    @work(exclusive=True, group="info", exit_on_error=False)
    async def load_info(self, model: ModelSummary) -> None:
        await asyncio.sleep(INFO_DEBOUNCE_SECONDS)
        try:
            info = await self.qapp.session.model_info(model)
        except OllamaError as exc:
            if self._still_highlighted(model):
                self._draw_info(model, None, error=f"Could not load details: {exc}")
            return
        if self._still_highlighted(model):
            self._draw_info(model, info)

    def _still_highlighted(self, model: ModelSummary) -> bool:
        current = self.grid.highlighted
        return current is not None and same_model(current.name, model.name)

    # -- filter ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter":
            return not isinstance(self.focused, Input)  # "/" is a character in a text box
        if action == "show_pulls":
            return bool(self.qapp.session.pulls)  # in the footer only while there are pulls
        return True

    def action_show_pulls(self) -> None:
        self.qapp.switch_mode("pulls")

    def action_focus_filter(self) -> None:
        # Focus at once (not deferred), so the next key read lands in the box.
        self.set_focus(self.filter_box)

    def action_clear_filter(self) -> None:
        self.filter_box.value = ""
        self.grid.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.grid.set_filter(event.value)  # the grid announces a new highlight, if any
        if self.grid.highlighted is None:
            self._show_info_for_cursor()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.grid.focus()

    # -- actions on the highlighted model ----------------------------------------------
    @on(ModelGrid.Selected, "#grid")
    def action_use_model(self) -> None:
        model = self.grid.highlighted
        if model is not None:
            self.use_model(model.name)

    def use_model(self, name: str) -> None:
        """Make `name` the current model: only an installed one, saved in the config."""
        if not self.qapp.session.state.online:
            self.app.notify("Ollama is offline, so it cannot confirm the model is installed",
                        severity="warning")
            return
        installed = [m.name for m in self.qapp.session.state.models]
        try:
            chosen = set_current_model(self.qapp.settings, installed, name)
        except (NotInstalledError, ConfigError, OllamaError) as exc:
            self.qapp.notify_text(str(exc), severity="error")
            return
        self.qapp.session_changed.publish(Changed("models"))
        self.qapp.notify_text(f"Current model: {chosen}")

    def action_delete_model(self) -> None:
        model = self.grid.highlighted
        if model is None:
            return
        question = Text("Delete ")
        question.append(printable(model.name), style="bold")
        question.append(f" ({human_size(model.size)}) from {printable(self.qapp.session.label)}?")
        warning = ""
        if same_model(model.name, self.qapp.settings.current_model):
            warning = "This is the current model: tools using it will need another."

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_model(model)

        self.app.push_screen(ConfirmScreen("Delete model", question, warning, "Delete"), answered)

    @work(group="delete", exit_on_error=False)
    async def delete_model(self, model: ModelSummary) -> None:
        try:
            await self.qapp.session.delete(model)
        except OllamaError as exc:
            self.qapp.notify_text(str(exc), title=f"Could not delete {model.name}",
                                  severity="error")
            return
        self.qapp.notify_text(f"Deleted {model.name} ({human_size(model.size)})")
        self.qapp.refresh_models()

    def action_load_model(self) -> None:
        from tui.screens.load_dialog import LoadDialog  # not needed for the first frame

        model = self.grid.highlighted
        if model is None:
            return

        def chosen(keep_alive: str | int | None) -> None:
            if keep_alive is not None:
                self.qapp.load_model(model.name, keep_alive)
                self.qapp.notify_text(f"Loading {model.name} {keep_alive_words(keep_alive)}…")

        self.app.push_screen(LoadDialog(model.name), chosen)

    def action_unload_model(self) -> None:
        model = self.grid.highlighted
        if model is None:
            return
        if self.qapp.session.state.running_entry(model.name) is None:
            self.qapp.notify_text(f"{model.name} is not loaded")
            return
        self.qapp.unload_models([model.name])

    def action_pull(self) -> None:
        from tui.screens.pull_dialog import PullDialog  # not needed for the first frame

        popular = popular_models(self.qapp.settings.popular_models)
        installed = [m.name for m in self.qapp.session.state.models]

        def chosen(name: str | None) -> None:
            if name:
                self.qapp.start_pull(name)

        self.app.push_screen(PullDialog(popular, installed), chosen)

    def action_toggle_info(self) -> None:
        self.info_panel.display = not self.info_panel.display
