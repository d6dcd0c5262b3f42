"""A text to read in a modal (a failed pull's whole reason): scrolls when long; Esc, Enter or
q closes it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.format import printable


class TextDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > VerticalScroll {
        width: 76; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    TextDialog .title { text-style: bold; margin-bottom: 1; }
    TextDialog .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,enter,q", "app.pop_screen", "Close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text, self.body = title, body

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(printable(self.title_text)), classes="title")
            yield Static(Text(printable(self.body)))
            yield Static("Esc closes this", classes="hint")
