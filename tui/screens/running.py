"""The Running view: the models Ollama holds in memory now (`/api/ps`)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from tui.format import human_size, printable, processor_text, until_text
from tui.ollama.models import RunningModel
from tui.screens.view import ReportView


def running_table(running: list[RunningModel]) -> Table | Text:
    if not running:
        return Text("No models are loaded in memory.", style="dim")
    table = Table(expand=True, box=None, header_style="bold")
    for column, justify in (("Name", "left"), ("Size", "right"), ("Processor", "left"),
                            ("Unloads", "left")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for entry in running:
        table.add_row(printable(entry.name), human_size(entry.size),
                      processor_text(entry.gpu_fraction), until_text(entry.expires_at))
    total = sum(r.size for r in running)
    table.add_row(Text(f"{len(running)} loaded", style="dim"),
                  Text(human_size(total), style="dim"), "", "")
    return table


class RunningScreen(ReportView):
    VIEW_NAME = "running"
    TOPICS = frozenset({"models"})  # the loaded set comes with the model list

    def report(self) -> RenderableType:
        return running_table(self.qapp.session.state.running)
