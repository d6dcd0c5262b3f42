"""The Running view: what Ollama holds in memory (`/api/ps`), for how long, on which
processor, and how that compares with our own estimate. `x` unloads, `X` unloads all."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from tui.core.format import countdown, human_size, printable, processor_text
from tui.core.memory import UnknownEstimate, estimate_memory
from tui.ollama import OllamaError
from tui.ollama.models import RunningModel
from tui.services.session import Changed, Event
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.view import View
from tui.ui.widgets.safe_text import server_text

POLL_SECONDS = 2.0  # /api/ps while the view is shown
COLUMNS = ("Name", "Size", "Processor", "Context", "Unloads in", "Our estimate")


class RunningScreen(View):
    VIEW_NAME = "running"
    AUTO_FOCUS = "#running"
    TOPICS = frozenset({"running"})

    DEFAULT_CSS = """
    RunningScreen #running { height: 1fr; }
    RunningScreen #running-totals { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("l", "keep_alive", "Keep loaded…",
                tooltip="change how long the highlighted model stays in memory"),
        Binding("x", "unload", "Unload", tooltip="unload the highlighted model from memory"),
        Binding("X", "unload_all", "Unload all", tooltip="unload every loaded model"),
    ]

    def compose_body(self) -> ComposeResult:
        self.table: DataTable[str | Text] = DataTable(id="running", cursor_type="row",
                                                      zebra_stripes=True)
        self.table.add_columns(*COLUMNS)
        self.totals = Static(id="running-totals")
        yield self.table
        yield self.totals

    def on_mount(self) -> None:
        self._poll = self.set_interval(POLL_SECONDS, self._ask_ps)
        self._tick = self.set_interval(1.0, self.show)  # the countdown
        self._estimate_missing()

    def on_screen_suspend(self) -> None:
        self._poll.pause()
        self._tick.pause()

    def on_screen_resume(self) -> None:
        self._poll.resume()
        self._tick.resume()
        self._ask_ps()

    def session_event(self, event: Event) -> None:
        if isinstance(event, Changed) and event.topic == "running":
            self._estimate_missing()

    @work(group="ps", exclusive=True, exit_on_error=False)
    async def _ask_ps(self) -> None:
        await self.qapp.session.refresh_running()

    # -- drawing -----------------------------------------------------------------------
    def show(self) -> None:
        session = self.qapp.session
        running = session.state.running
        now = datetime.now(UTC)
        names = [r.name for r in running]
        loading = [n for k, n in session.loading.items()
                   if k not in session.state.loaded_keys()]
        cursor = self.table.cursor_row
        self.table.clear()
        for entry in running:
            # Text, never a plain str: a DataTable reads a str cell as markup.
            self.table.add_row(server_text(entry.name), human_size(entry.size),
                               processor_text(entry.gpu_fraction),
                               f"{entry.context_length:,}" if entry.context_length else "",
                               countdown(entry.expires_at, now), self._estimate_text(entry),
                               key=entry.name)
        for name in loading:
            self.table.add_row(server_text(name), "", Text("loading…", style="italic"), "", "",
                               "", key=f"loading:{name}")
        if names or loading:
            self.table.move_cursor(row=min(cursor, len(names) + len(loading) - 1))
        self.totals.update(self._totals_text(running))

    @staticmethod
    def _totals_text(running: list[RunningModel]) -> Text:
        if not running:
            return Text("No models are loaded in memory. Load one from the Models view (l).",
                        style="dim")
        memory = sum(r.size for r in running)
        vram = sum(r.size_vram for r in running)
        return Text(f"{len(running)} loaded · {human_size(memory)} in memory · "
                    f"{human_size(vram)} of it in VRAM", style="dim")

    def _estimate_text(self, entry: RunningModel) -> Text | str:
        """Our estimate at the context Ollama loaded it with, against what it reports."""
        session = self.qapp.session
        summary = session.state.find(entry.name)
        info = session.cached_info(summary) if summary else None
        if summary is None or info is None or not entry.context_length or not entry.size:
            return ""
        try:
            estimate = estimate_memory(info, summary.size, entry.context_length,
                                       self.qapp.settings.kv_cache_type)
        except UnknownEstimate:
            return Text("unknown", style="dim")
        off = (estimate.total - entry.size) / entry.size
        return f"{human_size(estimate.total)} ({off:+.0%})"

    @work(group="running-info", exclusive=True, exit_on_error=False)
    async def _estimate_missing(self) -> None:
        session = self.qapp.session
        for entry in list(session.state.running):
            summary = session.state.find(entry.name)
            if summary is not None and session.cached_info(summary) is None:
                try:
                    await session.model_info(summary)
                except OllamaError:
                    continue
                self.show()

    # -- actions -----------------------------------------------------------------------
    def _highlighted(self) -> str | None:
        running = self.qapp.session.state.running
        row = self.table.cursor_row
        return running[row].name if 0 <= row < len(running) else None

    def action_keep_alive(self) -> None:
        from tui.ui.screens.load_dialog import ask_and_load  # not needed for the first frame

        name = self._highlighted()
        if name is not None:  # loading a loaded model again sets its keep-alive anew
            ask_and_load(self.qapp, name)

    def action_unload(self) -> None:
        name = self._highlighted()
        if name is not None:
            self.qapp.unload_models([name])

    def action_unload_all(self) -> None:
        names = [r.name for r in self.qapp.session.state.running]
        if not names:
            return
        what = f"all {len(names)} loaded models" if len(names) > 1 else printable(names[0])
        question = Text(f"Unload {what} from {printable(self.qapp.session.label)}?")

        def answered(yes: bool | None) -> None:
            if yes:
                self.qapp.unload_models(names)

        self.app.push_screen(ConfirmScreen("Unload all", question, yes_label="Unload"),
                             answered)
