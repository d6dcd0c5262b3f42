"""The Models view: the filter box, the model grid, the info panel and a compact pulls strip."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from tui.core.badges import caps_column, plain_terminal
from tui.core.format import counted, printable
from tui.core.model_columns import COLUMNS, speed_column, update_column, used_column
from tui.ollama import OllamaError
from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import model_key, same_model
from tui.services.config import ConfigError, NotInstalledError, set_current_model
from tui.services.session import Changed, Event, Pulled
from tui.ui.screens.view import View
from tui.ui.widgets.info_panel import InfoPanel, MemoryView
from tui.ui.widgets.model_grid import ModelGrid
from tui.ui.widgets.pulls_strip import PullsStrip

if TYPE_CHECKING:
    from tui.services.bench import AnyBench

# A fast scroll cancels the pending /api/show before it is sent.
INFO_DEBOUNCE_SECONDS = 0.12
DETAILS_AT_ONCE = 4  # /api/show requests in flight for the grid's columns
DETAILS_BATCH = 16  # the grid is redrawn after each batch
BACKGROUND_PAUSE = 0.5  # seconds between batches of rows not on screen
UPDATE_CHECK_DELAY = 2.0  # seconds after the first list before asking the registries


class ModelsScreen(View):
    VIEW_NAME = "models"
    AUTO_FOCUS = "#grid"  # the grid from the first frame (the filter box is first in order)
    # The info panel sits beside the grid from 100 columns on (narrower from 100 to 139, the
    # grid keeping its key columns), and under it on narrower terminals.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (140, "-wide")]
    DEFAULT_CSS = """
    ModelsScreen #filter { height: 1; border: none; padding: 0 1; background: $boost; }
    ModelsScreen #filter:focus { background: $primary 20%; }
    ModelsScreen #filter-problem { height: auto; color: $error; padding: 0 1; display: none; }
    ModelsScreen #filter-problem.-shown { display: block; }
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
                tooltip="measure the highlighted model's speed here (tokens/s)"),
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
        Binding("i", "toggle_info", "Info panel", show=False,
                tooltip="show or hide the info panel"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        self.filter_box = Input(placeholder="/ to filter: words, cap:vision, size<5GB, "
                                "params>=7b, loaded, -word…", id="filter",
                                select_on_focus=False)
        self.filter_problem = Static(id="filter-problem")
        self.grid = ModelGrid(id="grid")
        self.info_panel = InfoPanel(id="info")
        self.pulls_strip = PullsStrip(id="pulls-strip")
        yield self.filter_box
        yield self.filter_problem
        with Horizontal(id="body"):
            yield self.grid
            yield self.info_panel
        yield self.pulls_strip

    def on_mount(self) -> None:
        self._fetching = self._fetch_again = False
        settings = self.qapp.settings
        columns = [*COLUMNS]
        if settings.vram_bytes:
            from tui.core.fits_column import fits_column

            # Will each model fit at the configured context? Needs every model's details.
            # Each column asks the session in use at the time: switching hosts redraws.
            columns.append(fits_column(lambda m: self.qapp.session.cached_info(m),
                                       settings.fit_context,
                                       settings.kv_cache_type, settings.vram_bytes))
        plain = plain_terminal()
        columns.append(caps_column(lambda m: self.qapp.session.known_capabilities(m), plain))
        columns.append(update_column(lambda m: self.qapp.session.update_check(m), plain))
        columns.append(speed_column(lambda m: self.qapp.session.benchmark_of(m)))
        columns.append(used_column(lambda m: self.qapp.session.usage.last_used(m.name)))
        self._updates_asked = False
        self.grid.set_columns(tuple(columns))  # before View.on_mount draws the models

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
            elif event.topic in ("benchmarks", "updates", "usage"):
                self.grid.refresh_texts()
                if self.filter_box.value.strip():
                    self._apply_filter(self.filter_box.value)
                self._show_info_for_cursor()
        elif isinstance(event, Pulled):
            self.grid.select_name(event.name)
        if isinstance(event, Changed) and event.topic == "host":
            self.grid.action_clear_marks()  # marks name models of the host left
            self._updates_asked = False

    def _grey_if_stale(self) -> None:
        """A list the server has not confirmed (offline, or saved last time) is greyed."""
        state = self.qapp.session.state
        self.grid.set_class(state.online is False or state.from_cache, "-stale")

    @on(PullsStrip.Clicked)
    def _strip_clicked(self) -> None:
        self.app.switch_mode("pulls")

    def _show_pulls(self) -> None:
        jobs = self.qapp.session.pulls.jobs
        if bool(jobs) != bool(self.pulls_strip.jobs):
            self.refresh_bindings()  # "P Pulls" shows only while there are pulls
        self.pulls_strip.set_jobs(jobs)

    def show_models(self) -> None:
        state = self.qapp.session.state
        self.grid.set_models(state.models, self.qapp.settings.current_model, state.loaded_keys())
        if self.filter_box.value.strip():
            self._apply_filter(self.filter_box.value)  # loaded and current may have changed
        self._grey_if_stale()
        self._show_info_for_cursor()
        if state.online:
            self._fetch_details()  # capabilities (and memory figures) of every model
            if self.qapp.settings.check_updates and not self._updates_asked:
                # Once a session (`o` asks again), a moment after the list is on screen:
                # the first frames do not share the CPU with hundreds of registry requests.
                self._updates_asked = True
                self.set_timer(UPDATE_CHECK_DELAY, self.check_updates)

    def _fetch_details(self) -> None:
        """Start the details fetcher, or tell the running one to look again when done (a
        restart would throw away the batch in flight at every refresh)."""
        if self._fetching:
            self._fetch_again = True
        else:
            self._fetching = True
            self._fetch_details_worker()

    @work(group="details", exit_on_error=False)
    async def _fetch_details_worker(self) -> None:
        try:
            self._fetch_again = True
            while self._fetch_again:
                self._fetch_again = False
                await self._fetch_missing_details()
        finally:
            self._fetching = False

    async def _fetch_missing_details(self) -> None:
        """The details the grid needs (capabilities; memory figures for the Fits column):
        the rows on screen first, then the rest slowly, a few requests at a time. A model
        whose capabilities a previous run saw (same digest) is not asked again unless its
        memory figures are wanted."""
        session = self.qapp.session
        full = self._needs_full_details()

        def missing(model: ModelSummary) -> bool:
            if model.is_remote or session.cached_info(model) is not None:
                return False
            return full or session.known_capabilities(model) is None

        on_screen = self.grid.shown[:max(self.grid.size.height, 20)]
        wanted = list(dict.fromkeys(m for m in [*on_screen, *self.grid.shown,
                                                *session.state.models] if missing(m)))
        gate = asyncio.Semaphore(DETAILS_AT_ONCE)

        async def fetch(model: ModelSummary) -> None:
            # A failure leaves the cell empty; the info panel says why when highlighted.
            async with gate:
                with contextlib.suppress(OllamaError):
                    await session.model_info(model)

        for start in range(0, len(wanted), DETAILS_BATCH):
            if start >= len(on_screen) and not full:
                await asyncio.sleep(BACKGROUND_PAUSE)  # off screen: no hurry
            batch = wanted[start:start + DETAILS_BATCH]
            await asyncio.gather(*(fetch(m) for m in batch))
            self.grid.refresh_models(batch)  # not every row's cells again for 16 models
        if wanted:
            await session.save_capabilities()

    def _needs_full_details(self) -> bool:
        """The Fits column, or a query on context, needs each model's model_info."""
        return "fits" in {c.key for c in self.grid.columns} or "ctx" in self.filter_box.value

    # -- updates -------------------------------------------------------------------------
    def check_updates(self) -> None:
        self._updates_asked = True
        self.run_worker(self.qapp.session.check_updates(), group="updates", exclusive=True,
                        exit_on_error=False)

    def action_check_updates(self) -> None:
        if self.qapp.session.checking_updates:
            self.qapp.notify_text("Already asking the registries")
            return
        self.qapp.session.updates.forget()
        self.check_updates()
        self.qapp.notify_text("Asking the registries which models have newer versions…")

    def action_update_all(self) -> None:
        self._update(list(self.qapp.session.state.models))

    def action_update_models(self) -> None:
        self._update(self.grid.marked_models() or (
            [self.grid.highlighted] if self.grid.highlighted is not None else []))

    def _update(self, models: list[ModelSummary]) -> None:
        """Update those of `models` with a newer version, after saying which and what is
        left alone."""
        session = self.qapp.session
        checks = [(m, session.update_check(m)) for m in models]
        outdated = [m for m, c in checks if c is not None and c.outdated]
        if not outdated:
            if len(models) == 1 and checks[0][1] is not None:
                check = checks[0][1]
                self.qapp.notify_text(f"{models[0].name}: {check.state} ({check.reason})")
            elif session.checking_updates or any(c is None for _, c in checks):
                self.qapp.notify_text("Still asking the registries; try again in a moment "
                                      "(o asks again)")
            else:
                self.qapp.notify_text("None of these has a newer version")
            return
        from tui.ui.screens.confirm import ConfirmScreen, update_question  # not for the 1st frame

        left = len(models) - len(outdated)
        question = update_question(outdated, [c for _, c in checks if c is not None and
                                              c.outdated], left)

        def answered(yes: bool | None) -> None:
            if yes:
                started, _ = session.update(outdated)
                self.qapp.pulls_started()
                self.qapp.notify_text(f"Updating {counted(len(started), 'model')}: progress "
                                      "in the Pulls view (P)")

        self.app.push_screen(ConfirmScreen(
            "Update models" if len(outdated) > 1 else "Update model", question,
            "", "Update", danger=False), answered)

    # -- the info panel ----------------------------------------------------------------
    @on(ModelGrid.Highlighted, "#grid")
    def _highlighted(self) -> None:
        self._show_info_for_cursor()

    def _show_info_for_cursor(self) -> None:
        model = self.grid.highlighted
        if model is None:
            text = "No model matches the filter" if self.grid.filter_text else \
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
                             same_model(model.name, settings.current_model), error, memory,
                             session.benchmark_of(model), session.update_check(model))

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
        self._apply_filter(event.value)
        if self.grid.highlighted is None:
            self._show_info_for_cursor()

    def _apply_filter(self, text: str) -> None:
        """Filter with the filter language; terms it cannot read are shown, not fatal."""
        from tui.core.filter_query import Facts, parse_query  # not needed for the first frame

        session, settings = self.qapp.session, self.qapp.settings
        facts = Facts(capabilities=session.known_capabilities, context_length=self._context_of,
                      loaded=session.state.loaded_keys(),
                      current=model_key(settings.current_model),
                      update_state=self._update_state,
                      last_used=lambda m: session.usage.last_used(m.name))
        query = parse_query(text, facts)
        self.grid.set_filter(text, query.accepts if text.strip() else None)
        if self.grid.marked:
            self._marks_changed()  # how many marks the filter hides
        self.filter_problem.update(Text("; ".join(query.problems)))
        self.filter_problem.set_class(bool(query.problems), "-shown")
        if query.needs_details and session.state.online:
            self._fetch_details()
        if query.needs_updates and session.state.online and not self._updates_asked:
            self.check_updates()

    def _update_state(self, model: ModelSummary) -> str | None:
        check = self.qapp.session.update_check(model)
        return check.state if check is not None else None

    def _context_of(self, model: ModelSummary) -> int | None:
        info = self.qapp.session.cached_info(model)
        return model.details.context_length or (info.context_length if info else None)


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
        self.run_worker(self.qapp.session.record_current(chosen), group="usage",
                        exit_on_error=False)

    def action_delete_model(self) -> None:
        """Delete the marked models, or the highlighted one, after saying what it frees."""
        models = self.grid.marked_models() or (
            [self.grid.highlighted] if self.grid.highlighted is not None else [])
        if not models:
            return
        from tui.core.space import space_freed
        from tui.ui.screens.confirm import ConfirmScreen, delete_question  # not for the 1st frame

        session = self.qapp.session
        report = space_freed(models, session.state.models, session.cached_info)

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_models(models)

        self.app.push_screen(
            ConfirmScreen("Delete models" if len(models) > 1 else "Delete model",
                          delete_question(models, session.label, report,
                                          self.grid.hidden_marks()),
                          self._delete_warning(models), "Delete"), answered)

    def _delete_warning(self, models: list[ModelSummary]) -> str:
        current = self.qapp.settings.current_model
        if any(same_model(m.name, current) for m in models):
            return "The current model is among them: tools using it will need another."
        return ""

    @work(group="delete", exit_on_error=False)
    async def delete_models(self, models: list[ModelSummary]) -> None:
        deleted = []
        for model in models:
            try:
                await self.qapp.session.delete(model)
            except OllamaError as exc:
                self.qapp.notify_text(str(exc), title=f"Could not delete {model.name}",
                                      severity="error")
                continue
            deleted.append(model)
        if deleted:
            names = deleted[0].name if len(deleted) == 1 else f"{len(deleted)} models"
            self.qapp.notify_text(f"Deleted {names}")
        self.grid.action_clear_marks()
        self.qapp.refresh_models()

    @on(ModelGrid.MarksChanged, "#grid")
    def _marks_changed(self) -> None:
        marked = self.grid.marked_models()
        self.status_bar.marked = (len(marked), sum(m.size for m in marked),
                                  self.grid.hidden_marks()) if marked else None
        self.status_bar.refresh()

    def action_load_model(self) -> None:
        from tui.ui.screens.load_dialog import ask_and_load  # not needed for the first frame

        if self.grid.highlighted is not None:
            ask_and_load(self.qapp, self.grid.highlighted.name)

    def action_compare(self) -> None:
        models = self.grid.marked_models()
        if not 2 <= len(models) <= 4:
            self.qapp.notify_text("Mark 2 to 4 models with Space to compare them")
            return
        self.compare_models(models)

    @work(group="compare", exclusive=True, exit_on_error=False)
    async def compare_models(self, models: list[ModelSummary]) -> None:
        from tui.core.compare import compare_rows  # not needed for the first frame
        from tui.ui.screens.compare import CompareScreen

        session, settings = self.qapp.session, self.qapp.settings
        try:
            infos = await asyncio.gather(*(session.model_info(m) for m in models))
        except OllamaError as exc:
            self.qapp.notify_text(str(exc), title="Cannot compare", severity="error")
            return
        speeds = [record.speed_text if (record := session.benchmark_of(m)) else ""
                  for m in models]
        rows = compare_rows(list(zip(models, infos, strict=True)), settings.fit_context,
                            settings.kv_cache_type, speeds)
        texts = [(label, getattr(infos[0], label), getattr(infos[1], label))
                 for label in ("template", "system")]
        await self.app.push_screen(CompareScreen([m.name for m in models], rows, texts))

    def action_rename_model(self) -> None:
        self._ask_new_name(copy=False)

    def action_copy_model(self) -> None:
        self._ask_new_name(copy=True)

    def _ask_new_name(self, copy: bool) -> None:
        from tui.ui.screens.rename_dialog import RenameDialog  # not needed for the first frame

        model = self.grid.highlighted
        if model is None:
            return
        installed = [m.name for m in self.qapp.session.state.models]

        def chosen(name: str | None) -> None:
            taken = self.qapp.session.state.find(name) if name and copy else None
            if taken is not None and taken.digest != model.digest:
                self._ask_replace(model, taken)
            elif name:
                self.rename_model(model, name, copy)

        self.app.push_screen(RenameDialog(model.name, installed, copy), chosen)

    def _ask_replace(self, model: ModelSummary, taken: ModelSummary) -> None:
        """A copy onto another model's name replaces that model: only when the user says so."""
        from tui.ui.screens.confirm import ConfirmScreen  # not for the first frame

        question = Text.assemble("Replace ", (printable(taken.name), "bold"), " with a copy of ",
                                 (printable(model.name), "bold"), "?")

        def answered(yes: bool | None) -> None:
            if yes:
                self.rename_model(model, taken.name, True, True)

        self.app.push_screen(ConfirmScreen(
            "Replace model", question, f"{printable(taken.name)} as it is now will be gone.",
            "Replace"), answered)

    @work(group="rename", exit_on_error=False)
    async def rename_model(self, model: ModelSummary, new_name: str, copy: bool,
                           replace: bool = False) -> None:
        from tui.services.rename import RenameError

        try:
            name = await self.qapp.session.rename(model, new_name, keep_old=copy,
                                                  replace=replace)
        except RenameError as exc:
            self.qapp.notify_text(str(exc), title="Copy failed" if copy else "Rename failed",
                                  severity="error")
            return
        message = f"Copied {model.name} to {name}" if copy else \
            f"Renamed {model.name} to {name}"
        if not copy and same_model(model.name, self.qapp.settings.current_model):
            try:  # the current model follows its rename
                set_current_model(self.qapp.settings, [name], name)
                message += "; it is still the current model"
            except ConfigError as exc:
                self.qapp.notify_text(str(exc), severity="error")
        self.qapp.notify_text(message)
        self.grid.select_name(name)
        self.qapp.session_changed.publish(Changed("models"))

    def action_benchmark(self) -> None:
        from tui.ui.screens.bench import BenchScreen  # not needed for the first frame

        model = self.grid.highlighted
        if model is None:
            return
        session = self.qapp.session
        if model.is_remote:
            self.qapp.notify_text(f"{model.name} runs on ollama.com: its speed is not this "
                                  "machine's")
            return
        capabilities = session.known_capabilities(model) or ()
        kind = "embed" if "embedding" in capabilities and "completion" not in capabilities \
            else "generate"

        def runner(runs: int, prompt: str, progress: Callable[[int, int], None],
                   ) -> Awaitable[AnyBench]:
            return session.benchmark(model, runs=runs, prompt=prompt, progress=progress)

        self.app.push_screen(BenchScreen(model.name, kind, runner, session.benchmark_of(model)))

    def action_try_prompt(self) -> None:
        from tui.ui.screens.prompt import PromptScreen  # not needed for the first frame

        model = self.grid.highlighted
        if model is None:
            return
        capabilities = self.qapp.session.known_capabilities(model) or ()
        if "embedding" in capabilities and "completion" not in capabilities:
            self.qapp.notify_text(f"{model.name} is an embedding model: it turns text into "
                                  "vectors, it does not answer (b measures its speed)")
            return
        client = self.qapp.session.client
        self.app.push_screen(PromptScreen(
            model.name, lambda prompt: client.generate_stream(model.name, prompt)))

    def action_unload_model(self) -> None:
        model = self.grid.highlighted
        if model is None:
            return
        if self.qapp.session.state.running_entry(model.name) is None:
            self.qapp.notify_text(f"{model.name} is not loaded")
            return
        self.qapp.unload_models([model.name])

    def action_pull(self) -> None:
        from tui.core.popular import popular_models  # not needed for the first frame
        from tui.ui.screens.pull_dialog import FitCheck, PullDialog

        settings = self.qapp.settings
        popular = popular_models(settings.popular_models)
        installed = [m.name for m in self.qapp.session.state.models]
        fit = FitCheck(self.qapp.session.registry_facts, settings.fit_context,
                       settings.kv_cache_type, settings.vram_bytes,
                       self.qapp.session.model_recommendations)

        def chosen(name: str | None) -> None:
            if name:
                self.qapp.start_pull(name)

        self.app.push_screen(PullDialog(popular, installed, fit), chosen)

    def action_toggle_info(self) -> None:
        self.info_panel.display = not self.info_panel.display
