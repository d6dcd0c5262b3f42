"""`?`: every key binding, with what it does."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("↑ ↓ PgUp PgDn", "move through the models (the info panel follows)"),
    ("/", "filter as you type (name, family, quantisation); Esc clears"),
    ("s / S", "sort by the next column / reverse the sort (or click a header)"),
    ("u or Enter", "use the model under the cursor as the current model"),
    ("d", "delete the model under the cursor (asks first)"),
    ("p", "pull a model (popular ones listed, or type any name)"),
    ("P", "go to the pulls panel: c cancel, t retry, x dismiss, Enter layers"),
    ("r", "refresh now"),
    ("i", "show or hide the info panel"),
    ("Ctrl+P", "command palette: every action by name"),
    ("?", "this help"),
    ("q", "quit"),
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(title="qgoose-tui keys", show_header=False, box=None, expand=True)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, what)
        table.add_row("", "")
        table.add_row("", "[dim]Mouse: click a row to select it, again to use it; "
                          "click a header to sort. Esc closes this.[/dim]")
        with VerticalScroll():
            yield Static(table)
