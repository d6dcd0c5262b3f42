"""The Pulls view: every pull of this host, with cancel, retry, dismiss and layers."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from tui.screens.view import View
from tui.widgets.pulls_list import PullsList


class PullsScreen(View):
    VIEW_NAME = "pulls"
    DEFAULT_CSS = """
    PullsScreen #pulls-empty { padding: 1 2; color: $text-muted; }
    """

    def compose_body(self) -> ComposeResult:
        self.empty = Static("No pulls. Press p in the Models view (1) to pull a model.",
                            id="pulls-empty")
        self.pulls_list = PullsList(id="pulls")
        yield self.empty
        yield self.pulls_list

    TOPICS = frozenset({"pulls"})

    def on_mount(self) -> None:
        super().on_mount()
        self.pulls_list.focus()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.pulls_list.select_running()
        self.pulls_list.focus()

    def show(self) -> None:
        jobs = self.qapp.session.pulls.jobs
        self.empty.display = not jobs
        self.pulls_list.set_jobs(jobs)

    @on(PullsList.ActionRequested, "#pulls")
    def _act(self, event: PullsList.ActionRequested) -> None:
        self.qapp.pull_action(event.action, event.name)
