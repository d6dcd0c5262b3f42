"""Keep the app (and its pulls) alive when one widget fails.

Textual ends the whole app on any exception in any widget. A bug in one widget, ours or
upstream, should not end running pulls: the failing widget stops, the user is told, the
rest goes on. Failures in the app itself or in a screen still end it, as nothing could be
trusted after them.
"""

from __future__ import annotations

from textual._context import active_message_pump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList


def failing_widget() -> Widget | None:
    """The widget whose message handler is failing, unless it is the app or a screen."""
    try:
        pump = active_message_pump.get()
    except LookupError:
        return None
    return pump if isinstance(pump, Widget) and not isinstance(pump, Screen) else None


def retire(widget: Widget) -> None:
    """Take a failed widget out of use: it no longer reads its messages, so it must not
    hold the focus (every key would go to it) or take it again."""
    widget.disabled = True
    if widget.has_focus:
        widget.screen.set_focus(None)


def guard_option_list_paging() -> None:
    """Textual 8.2.8: PageUp/PageDown in an OptionList laid out at height 0 (the command
    palette, within ~50 ms of opening) raises KeyError. Paging before the first layout
    has nowhere to go: do nothing then."""
    move_page = OptionList._move_page
    if getattr(move_page, "guarded", False):
        return

    def guarded(self: OptionList, direction: int) -> None:
        if not self._lines or (self.highlighted or 0) not in self._index_to_line:
            return
        move_page(self, direction)  # type: ignore[arg-type]

    guarded.guarded = True  # type: ignore[attr-defined]
    OptionList._move_page = guarded  # type: ignore[method-assign,assignment]
