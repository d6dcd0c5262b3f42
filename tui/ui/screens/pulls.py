"""The Pulls view: every pull (and push) of this host, with cancel, retry, dismiss and
layers."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.core.format import printable
from tui.ui.screens.view import View
from tui.ui.widgets.pulls_list import PullsList
from tui.ui.widgets.status_bar import pulls_summary_text


class PullsScreen(View):
    VIEW_NAME = "pulls"
    AUTO_FOCUS = "#pulls"
    DEFAULT_CSS = """
    PullsScreen #pulls-empty { padding: 1 2; color: $text-muted; }
    PullsScreen #pulls-elsewhere { padding: 0 1; color: $accent; height: auto; display: none; }
    PullsScreen #pulls-elsewhere.-shown { display: block; }
    """

    def compose_body(self) -> ComposeResult:
        self.empty = Static("No pulls. Press p in the Models view (1) to pull a model.",
                            id="pulls-empty")
        self.pulls_list = PullsList(id="pulls")
        self.elsewhere = Static(id="pulls-elsewhere")
        yield self.elsewhere
        yield self.empty
        yield self.pulls_list

    TOPICS = frozenset({"pulls", "fleet"})
    BINDINGS = [Binding("X", "clear_finished", "Clear finished",
                        tooltip="remove every finished, failed or cancelled pull")]

    def action_clear_finished(self) -> None:
        count = self.qapp.session.pulls.clear_finished()
        self.qapp.pulls_started()  # repaint
        self.qapp.notify_text(f"Cleared {count} finished pull{'s' if count != 1 else ''}"
                              if count else "No finished pulls to clear")

    def resumed(self) -> None:
        self.pulls_list.select_running()
        self.pulls_list.focus()

    def show(self) -> None:
        jobs = self.qapp.session.pulls.jobs
        self.empty.display = not jobs
        self.pulls_list.set_jobs(jobs)
        # This view shows one host's pulls; say where else pulls run (h switches there).
        others = [f"{session.label or name}: {summary}"
                  for name, session in self.qapp.sessions.items()
                  if session is not self.qapp.session
                  and (summary := pulls_summary_text(session.pulls.summary()))]
        self.elsewhere.update(Text("Pulls on other hosts (h shows one): " + " · ".join(
            printable(o) for o in others)) if others else "")
        self.elsewhere.set_class(bool(others), "-shown")

    @on(PullsList.ActionRequested, "#pulls")
    def _act(self, event: PullsList.ActionRequested) -> None:
        self.qapp.pull_action(event.action, event.name, event.kind)

    @on(PullsList.ReasonRequested, "#pulls")
    def _show_reason(self, event: PullsList.ReasonRequested) -> None:
        from tui.ui.screens.text_dialog import TextDialog  # not needed for the first frame

        job = event.job
        self.app.push_screen(TextDialog(f"The {job.kind} of {job.name} failed", job.error))
