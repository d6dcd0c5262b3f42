"""The compare screen (`c` with 2–4 marked models): their facts side by side, the rows that
differ highlighted, and the template and system prompt of the first two as a diff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.core.compare import Row
from tui.core.format import printable
from tui.ollama import OllamaError
from tui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ui.app import QGooseApp


class CompareScreen(Dialog[None]):
    SCROLLS = True
    BINDINGS = [Binding("escape,q,c", "app.pop_screen", "Close")]

    def __init__(self, names: list[str], rows: list[Row], diffs: dict[str, str]) -> None:
        """`diffs`: label → the first two models' text as a unified diff ("" the same)."""
        super().__init__()
        self.names, self.rows, self.diffs = names, rows, diffs

    def compose_body(self) -> ComposeResult:
        table = Table(title="Compare (differences in yellow)", expand=True, box=None,
                      header_style="bold")
        table.add_column("")
        for name in self.names:
            table.add_column(Text(printable(name)), overflow="fold")
        for row in self.rows:
            style = "yellow" if row.differs else ""
            table.add_row(Text(row.label, style="bold " + style),
                          *(Text(printable(v), style=style) for v in row.values))
        parts: list[Table | Text] = [table]
        for label, diff in self.diffs.items():
            parts.append(Text(f"\n{label.capitalize()} of the first two: "
                              + ("the same" if not diff else "differs"), style="bold"))
            if diff:
                parts.append(Text(printable(diff, multiline=True)))
        yield Static(Group(*parts))


async def compare_models(app: QGooseApp, models: list[ModelSummary]) -> None:
    """The `c` flow (a worker of the Models view): the compare operation, then the screen."""
    from tui.ops.choosing import compare

    try:
        done = await compare(app.session, app.settings, [m.name for m in models])
    except OllamaError as exc:
        app.notify_text(str(exc), title="Cannot compare", severity="error")
        return
    await app.push_screen(CompareScreen(done.models, done.rows, done.diffs))
