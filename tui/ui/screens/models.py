"""The Models view: the filter box, the model grid, the info panel and a compact pulls strip."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget

from tui.ollama import OllamaError
from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import same_model
from tui.services.config import ConfigError, NotInstalledError
from tui.services.session import Changed, Event, Pulled
from tui.ui.screens import info_keys, model_updates
from tui.ui.screens.info_keys import INFO_BINDINGS
from tui.ui.screens.model_details import DetailsFetcher, grid_columns
from tui.ui.screens.variant_bindings import VARIANT_BINDINGS
from tui.ui.screens.view import FilteredView
from tui.ui.widgets.filter_bar import FilterBar
from tui.ui.widgets.info_panel import InfoPanel, MemoryView
from tui.ui.widgets.model_grid import ModelGrid
from tui.ui.widgets.pulls_strip import PullsStrip

INFO_DEBOUNCE_SECONDS = 0.12  # a fast scroll cancels the pending /api/show before it is sent


class ModelsScreen(FilteredView):
    VIEW_NAME = "models"
    AUTO_FOCUS = "#grid"  # the grid from the first frame (the filter box is first in order)
    # The info panel sits beside the grid from 100 columns on (narrower from 100 to 139, the
    # grid keeping its key columns), and under it on narrower terminals.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (140, "-wide")]
    DEFAULT_CSS = """
    ModelsScreen #body { height: 1fr; }
    ModelsScreen.-narrow #body { layout: vertical; }
    ModelsScreen.-medium InfoPanel { width: 36; }
    ModelsScreen.-narrow InfoPanel {
        width: 1fr; height: 45%; border-left: none; border-top: hkey $primary 50%;
    }
    """
    BINDINGS = [
        # A priority binding acts the moment the key is read, so letters typed in a burst
        # after "/" already go to the filter box instead of running as commands.
        Binding("slash", "focus_filter", "Filter", priority=True,
                tooltip="filter as you type: words, cap:vision, size<5GB, params>=7b, "
                "ctx>=32k, loaded, -term (? lists all); Esc clears"),
        Binding("u", "use_model", "Use", tooltip="make the highlighted model the current one"),
        Binding("d", "delete_model", "Delete",
                tooltip="delete the marked models, or the highlighted one (asks first, "
                "saying how much disk it really frees)"),
        Binding("p", "pull", "Pull", tooltip="pull a model: a popular one or any name"),
        Binding("l", "load_model", "Load", tooltip="load the highlighted model into memory "
                "(for how long: 5 minutes, 1 hour, until unloaded, or typed)"),
        *INFO_BINDINGS,
        Binding("U", "update_models", "Update", show=False,
                tooltip="update the marked models, or the highlighted one, when the registry "
                "has a newer version (asks first)"),
        Binding("ctrl+u", "update_all", "Update all", show=False,
                tooltip="update every model the registry has a newer version of (asks first)"),
        Binding("o", "check_updates", "Check updates", show=False,
                tooltip="ask the registries again which models have newer versions"),
        Binding("m", "rename_model", "Rename", show=False,
                tooltip="rename the highlighted model (copied, checked, then the old name "
                "deleted; the current model follows)"),
        Binding("C", "copy_model", "Copy", show=False,
                tooltip="copy the highlighted model under a new name (no disk used)"),
        Binding("b", "benchmark", "Bench", show=False,
                tooltip="benchmark the highlighted model: its speed here (tokens/s)"),
        Binding("t", "try_prompt", "Try", show=False,
                tooltip="send one prompt to the highlighted model and watch the answer"),
        Binding("c", "compare", "Compare", show=False,
                tooltip="compare the 2 to 4 marked models side by side"),
        Binding("x", "unload_model", "Unload", show=False,
                tooltip="unload the highlighted model from memory"),
        Binding("P", "show_pulls", "Pulls",
                tooltip="go to the Pulls view: cancel, retry, dismiss, layers"),
        Binding("r", "app.refresh_models", "Refresh", show=False,
                tooltip="ask Ollama for the model list now"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        *VARIANT_BINDINGS,
    ]

    # "P Pulls" is in the key bar only while there are pulls.
    has_pulls: reactive[bool] = reactive(False, bindings=True)

    def compose_body(self) -> ComposeResult:
        self.filter_bar = FilterBar("/ to filter: words, cap:vision, size<5GB, params>=7b, "
                                    "loaded, -word…", id="filter")
        self.grid = ModelGrid(id="grid")
        self.info_panel = InfoPanel(id="info")
        self.pulls_strip = PullsStrip(id="pulls-strip")
        yield self.filter_bar
        with Horizontal(id="body"):
            yield self.grid
            yield self.info_panel
        yield self.pulls_strip

    def filtered_list(self) -> Widget:
        return self.grid

    def on_mount(self) -> None:
        self.details, self.updates_asked = DetailsFetcher(self), False
        self.grid.set_columns(grid_columns(self.qapp))  # before the first models are shown
        self._grey_if_stale(update=False)  # styled with the rest, not once more after

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
            elif event.topic in ("benchmarks", "updates", "usage", "recipes"):
                self.grid.refresh_texts()
                if self.filter_bar.value.strip():
                    self._apply_filter(self.filter_bar.value)
                self._show_info_for_cursor()
        elif isinstance(event, Pulled):
            self.grid.select_name(event.name)
        if isinstance(event, Changed) and event.topic == "host":
            self.grid.action_clear_marks()  # marks name models of the host left
            self.grid.refresh_texts()  # and cells kept from it (update marks, capabilities)
            self.updates_asked = False

    def _grey_if_stale(self, update: bool = True) -> None:
        """A list the server has not confirmed (offline, or saved last time) is greyed."""
        state = self.qapp.session.state
        self.grid.set_class(state.online is False or state.from_cache, "-stale", update=update)

    def _show_pulls(self) -> None:
        jobs = self.qapp.session.pulls.jobs
        self.has_pulls = bool(jobs)
        self.pulls_strip.set_jobs(jobs)

    def show_models(self) -> None:
        state = self.qapp.session.state
        self.grid.set_models(state.models, self.qapp.settings.current_model, state.loaded_keys())
        if self.filter_bar.value.strip():
            self._apply_filter(self.filter_bar.value)  # loaded and current may have changed
        self._grey_if_stale()
        self._show_info_for_cursor()
        if state.online:
            self.details.start()  # capabilities (and memory figures) of every model
            if self.qapp.settings.check_updates and not self.updates_asked:
                # Once a session (`o` asks again), a moment after the list is on screen:
                # the first frames do not share the CPU with hundreds of registry requests.
                self.updates_asked = True
                self.set_timer(self.qapp.settings.update_check_delay,
                               lambda: model_updates.check_updates(self))

    # -- updates -------------------------------------------------------------------------
    def action_check_updates(self) -> None:
        model_updates.check_updates_again(self)

    def action_update_all(self) -> None:
        model_updates.ask_and_update(self, list(self.qapp.session.state.models))

    def action_update_models(self) -> None:
        model_updates.ask_and_update(self, self._chosen())

    # -- the info panel ----------------------------------------------------------------
    @on(ModelGrid.Highlighted, "#grid")
    def _highlighted(self) -> None:
        self._show_info_for_cursor()

    def _show_info_for_cursor(self) -> None:
        model = self.grid.highlighted
        if model is None:
            text = ("No model matches the filter (Esc clears it; p pulls a model)"
                    if self.grid.filter_text else "No models installed (press p to pull one)")
            self.info_panel.show_message(text)
            return
        cached = self.qapp.session.cached_info(model)
        self._draw_info(model, cached)
        if cached is None and self.qapp.session.state.online:
            self.load_info(model)

    def _draw_info(self, model: ModelSummary, info: ModelInfo | None, error: str = "") -> None:
        session = self.qapp.session
        settings = self.qapp.settings
        memory = MemoryView(settings.kv_cache_type, self.qapp.gpu_memory)
        self.info_panel.show(model, info, session.state.running_entry(model.name),
                             same_model(model.name, settings.current_model), error, memory,
                             session.benchmark_of(model), session.model_updates.known(model),
                             session.variant_facts(model))

    @work(exclusive=True, group="info", exit_on_error=False)
    async def load_info(self, model: ModelSummary) -> None:
        await asyncio.sleep(INFO_DEBOUNCE_SECONDS)
        try:
            info = await self.qapp.session.model_info(model)
        except OllamaError as exc:
            if self._still_highlighted(model):
                self._draw_info(model, None, error=f"Could not load details: {exc}")
            return
        self.grid.refresh_models([model])  # its capabilities may be new to the Caps column
        if self._still_highlighted(model):
            self._draw_info(model, info)

    def _still_highlighted(self, model: ModelSummary) -> bool:
        current = self.grid.highlighted
        return current is not None and same_model(current.name, model.name)

    # -- filter ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_pulls":
            return self.has_pulls  # in the key bar only while there are pulls
        return super().check_action(action, parameters)

    @on(PullsStrip.Clicked)
    def action_show_pulls(self) -> None:
        self.qapp.switch_mode("pulls")

    @on(FilterBar.Changed, "#filter")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        self._apply_filter(event.text)
        if self.grid.highlighted is None:
            self._show_info_for_cursor()

    def _apply_filter(self, text: str) -> None:
        """Filter with the filter language; terms it cannot read are shown, not fatal."""
        from tui.core.filter_query import parse_query  # not needed for the first frame

        session = self.qapp.session
        query = parse_query(text, session.facts(self.qapp.settings.current_model))
        self.grid.set_filter(text, query.accepts if text.strip() else None)
        if self.grid.marked:
            self._marks_changed()  # how many marks the filter hides
        self.filter_bar.problems = tuple(query.problems)
        if query.needs_details and session.state.online:
            self.details.start()
        if query.needs_updates and session.state.online and not self.updates_asked:
            model_updates.check_updates(self)

    # -- actions on the highlighted (or marked) models ---------------------------------
    def _chosen(self) -> list[ModelSummary]:
        """The marked models, or else the highlighted one."""
        return self.grid.marked_models() or (
            [self.grid.highlighted] if self.grid.highlighted is not None else [])

    @on(ModelGrid.Selected, "#grid")
    def action_use_model(self) -> None:
        model = self.grid.highlighted
        if model is not None:
            self.use_model(model.name)

    def use_model(self, name: str) -> None:
        """Make `name` the current model: only an installed one, saved in the config."""
        self.run_worker(self._use(name), group="use", exclusive=True, exit_on_error=False)

    async def _use(self, name: str) -> None:
        from tui.ops.models import use  # not needed for the first frame

        session = self.qapp.session
        if not session.state.online:
            self.qapp.notify_text("Ollama is offline, so it cannot confirm the model is "
                                  "installed", severity="warning")
            return
        try:
            done = await use(session, self.qapp.settings, name, list(session.state.models))
        except (NotInstalledError, ConfigError, OllamaError) as exc:
            self.qapp.notify_text(str(exc), severity="error")
            return
        self.qapp.session_changed.publish(Changed("models"))
        self.qapp.notify_text(done.message)

    def action_delete_model(self) -> None:
        from tui.ui.screens.delete_flow import ask_and_delete  # not for the first frame

        if models := self._chosen():
            ask_and_delete(self, models)

    @on(ModelGrid.MarksChanged, "#grid")
    def _marks_changed(self) -> None:
        marked = self.grid.marked_models()
        self.status_bar.marked = (len(marked), sum(m.size for m in marked),
                                  self.grid.hidden_marks()) if marked else None

    def action_load_model(self) -> None:
        from tui.ui.screens.load_dialog import ask_and_load  # not needed for the first frame

        if self.grid.highlighted is not None:
            ask_and_load(self.qapp, self.grid.highlighted.name)

    def action_compare(self) -> None:
        from tui.ui.screens.compare import compare_models  # not needed for the first frame

        models = self.grid.marked_models()
        if not 2 <= len(models) <= 4:
            self.qapp.notify_text("Mark 2 to 4 models with Space to compare them")
            return
        self.run_worker(compare_models(self.qapp, models), group="compare", exclusive=True,
                        exit_on_error=False)

    def action_rename_model(self) -> None:
        from tui.ui.screens.rename_dialog import ask_new_name  # not needed for the first frame

        if self.grid.highlighted is not None:
            ask_new_name(self, self.grid.highlighted, copy=False)

    def action_copy_model(self) -> None:
        from tui.ui.screens.rename_dialog import ask_new_name  # not needed for the first frame

        if self.grid.highlighted is not None:
            ask_new_name(self, self.grid.highlighted, copy=True)

    def action_benchmark(self) -> None:
        from tui.ui.screens.bench import open_bench  # not needed for the first frame

        if self.grid.highlighted is not None:
            open_bench(self.qapp, self.grid.highlighted)

    def action_try_prompt(self) -> None:
        from tui.ui.screens.prompt import open_prompt  # not needed for the first frame

        if self.grid.highlighted is not None:
            open_prompt(self.qapp, self.grid.highlighted)

    def action_unload_model(self) -> None:
        model = self.grid.highlighted
        if model is None:
            return
        if self.qapp.session.state.running_entry(model.name) is None:
            self.qapp.notify_text(f"{model.name} is not loaded")
            return
        self.qapp.unload_models([model.name])

    def action_pull(self) -> None:
        from tui.ui.screens.pull_dialog import ask_and_pull  # not needed for the first frame

        ask_and_pull(self.qapp)

    def action_variant(self, action: str) -> None:
        from tui.ui.screens import variant_actions  # not needed for the first frame

        variant_actions.run(self, action)

    def action_info(self, what: str) -> None:
        info_keys.act(self.info_panel, what)
