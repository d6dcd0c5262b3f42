"""The Hosts view: the Ollama hosts this app talks to, and how each is doing."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.format import human_size, printable
from tui.screens.view import View
from tui.session import Changed, Event, HostSession


def hosts_table(sessions: list[HostSession]) -> Table:
    table = Table(expand=True, box=None, header_style="bold")
    for column in ("Host", "State", "Version", "Models", "Disk", "Loaded"):
        table.add_column(column, no_wrap=True)
    for session in sessions:
        state = session.state
        status = {None: "connecting", True: "online", False: "offline"}[state.online]
        table.add_row(printable(session.label), status, printable(state.version),
                      str(len(state.models)), human_size(state.disk_used),
                      str(len(state.running)))
    return table


class HostsScreen(View):
    VIEW_NAME = "hosts"
    DEFAULT_CSS = """
    HostsScreen #hosts { padding: 0 1; height: 1fr; }
    """

    def compose_body(self) -> ComposeResult:
        self.body = Static(id="hosts-body")
        with VerticalScroll(id="hosts"):
            yield self.body

    def on_mount(self) -> None:
        super().on_mount()
        self.show_hosts()

    def session_event(self, event: Event) -> None:
        if isinstance(event, Changed) and event.topic in ("state", "models"):
            self.show_hosts()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.show_hosts()

    def show_hosts(self) -> None:
        self.body.update(hosts_table([self.qapp.session]))
