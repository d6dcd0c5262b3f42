"""A text to read in a modal (a failed pull's whole reason): scrolls when long; Esc, Enter or
q closes it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.core.format import printable
from tui.ui.screens.dialog import Dialog


class TextDialog(Dialog[None]):
    DEFAULT_CSS = """
    TextDialog .title { margin-bottom: 1; }
    TextDialog .hint { margin-top: 1; }
    """
    SCROLLS = True
    BINDINGS = [Binding("escape,enter,q", "app.pop_screen", "Close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text, self.body = title, body

    def compose_body(self) -> ComposeResult:
        yield Static(Text(printable(self.title_text)), classes="title")
        yield Static(Text(printable(self.body)))
        yield Static("Esc closes this", classes="hint")
