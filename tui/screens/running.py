"""The Running view: the models Ollama holds in memory now (`/api/ps`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.format import human_size, printable, processor_text, relative_time
from tui.ollama.models import RunningModel
from tui.screens.view import View
from tui.session import Changed, Event


def running_table(running: list[RunningModel]) -> Table | Text:
    if not running:
        return Text("No models are loaded in memory.", style="dim")
    table = Table(expand=True, box=None, header_style="bold")
    for column, justify in (("Name", "left"), ("Size", "right"), ("Processor", "left"),
                            ("Unloads", "left")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for entry in running:
        table.add_row(printable(entry.name), human_size(entry.size),
                      processor_text(entry.gpu_fraction), relative_time(entry.expires_at))
    total = sum(r.size for r in running)
    table.add_row(Text(f"{len(running)} loaded", style="dim"),
                  Text(human_size(total), style="dim"), "", "")
    return table


class RunningScreen(View):
    VIEW_NAME = "running"
    DEFAULT_CSS = """
    RunningScreen #running { padding: 0 1; height: 1fr; }
    """

    def compose_body(self) -> ComposeResult:
        self.body = Static(id="running-body")
        with VerticalScroll(id="running"):
            yield self.body

    def on_mount(self) -> None:
        super().on_mount()
        self.show_running()

    def session_event(self, event: Event) -> None:
        if isinstance(event, Changed) and event.topic == "models":
            self.show_running()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.show_running()

    def show_running(self) -> None:
        self.body.update(running_table(self.qapp.session.state.running))
