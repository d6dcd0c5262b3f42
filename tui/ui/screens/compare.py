"""The compare screen (`c` with 2–4 marked models): their facts side by side, the rows that
differ highlighted, and the template and system prompt of the first two as a diff."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.compare import Row, text_diff
from tui.core.format import printable


class CompareScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    CompareScreen { align: center middle; }
    CompareScreen > VerticalScroll {
        width: 96%; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,c", "app.pop_screen", "Close")]

    def __init__(self, names: list[str], rows: list[Row],
                 texts: list[tuple[str, str, str]]) -> None:
        """`texts`: (label, first model's text, second model's text) to show as diffs."""
        super().__init__()
        self.names, self.rows, self.texts = names, rows, texts

    def compose(self) -> ComposeResult:
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
        for label, first, second in self.texts:
            diff = text_diff(label, (self.names[0], first), (self.names[1], second))
            parts.append(Text(f"\n{label.capitalize()} of the first two: "
                              + ("the same" if not diff else "differs"), style="bold"))
            if diff:
                parts.append(Text(printable(diff, multiline=True)))
        with VerticalScroll():
            yield Static(Group(*parts))
