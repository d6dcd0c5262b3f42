"""Every use of Textual's private API, in one place (Textual is pinned to the minor
version these were tested on: see pyproject.toml; tests/tui/test_compat.py tests each).

- `SurvivingApp`: one failing widget stops, not the whole app (and its pulls). Textual ends
  the app on any exception in any widget; failures in the app itself or in a screen still
  end it, as nothing could be trusted after them. Its crash report leaves out local
  variables (where an Ollama password from OLLAMA_HOST can sit).
- `guard_option_list_paging`: a fix of OptionList's paging before its first layout.
- `shown_notifications`, `timer_running`: what tests read of the app (Textual keeps
  them private).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual._context import active_message_pump
from textual.app import App
from textual.notifications import Notification
from textual.screen import Screen
from textual.timer import Timer
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


class SurvivingApp(App[Any]):
    """An app that outlives a failing widget when `survives(widget)` says so."""

    def survives(self, widget: Widget, error: Exception) -> bool:
        """Override: True when the app should go on without `widget` (which is then
        disabled); say so to the user here."""
        return False

    def _handle_exception(self, error: Exception) -> None:
        widget = failing_widget()
        if widget is not None and self.survives(widget, error):
            self.log.error(f"{widget!r} failed", error)
            retire(widget)
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # Textual's crash report prints every local variable: print the traceback without.
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()


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


def shown_notifications(app: App[Any]) -> Iterable[Notification]:
    """The notifications (toasts) the app shows now, oldest first."""
    return list(app._notifications)


def timer_running(timer: Timer) -> bool:
    """Whether `timer` ticks (not paused); Textual keeps it private."""
    return timer._active.is_set()
