"""The strip of views at the top: `1 Models  2 Running  3 Pulls  4 Hosts`, clickable."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

# (mode name, label); the number key is the position, from 1.
VIEWS = (("models", "Models"), ("running", "Running"), ("pulls", "Pulls"), ("hosts", "Hosts"))


class ViewTabs(Widget):
    DEFAULT_CSS = """
    ViewTabs { height: 1; background: $panel; }
    """

    class Chosen(Message):
        """A view's tab was clicked."""

        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, active: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.active = active
        self._spans: list[tuple[int, int, str]] = []
        start = 0
        for number, (view, label) in enumerate(VIEWS, 1):
            width = len(f" {number} {label} ")
            self._spans.append((start, start + width, view))
            start += width + 1

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for number, (view, label) in enumerate(VIEWS, 1):
            style = "bold reverse" if view == self.active else "dim"
            text.append(f" {number} ", style=style + " cyan" if view != self.active else style)
            text.append(f"{label} ", style=style)
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, view in self._spans:
            if start <= event.x < end:
                self.post_message(self.Chosen(view))
