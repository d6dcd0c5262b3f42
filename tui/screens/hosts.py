"""The Hosts view: the Ollama hosts this app talks to, and how each is doing."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table

from tui.format import human_size, printable
from tui.screens.view import ReportView
from tui.session import HostSession


def hosts_table(sessions: list[HostSession]) -> Table:
    table = Table(expand=True, box=None, header_style="bold")
    for column in ("Host", "State", "Version", "Models", "Disk", "Loaded"):
        table.add_column(column, no_wrap=True)
    for session in sessions:
        state = session.state
        status = {None: "connecting", True: "online", False: "offline"}[state.online]
        table.add_row(printable(session.label), status, printable(state.version),
                      str(len(state.models)), human_size(session.disk_used()),
                      str(len(state.running)))
    return table


class HostsScreen(ReportView):
    VIEW_NAME = "hosts"
    TOPICS = frozenset({"state", "models"})

    def report(self) -> RenderableType:
        return hosts_table([self.qapp.session])
