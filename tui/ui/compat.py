"""Every use of Textual's private API, in one place (Textual is pinned to the minor
version these were tested on: see pyproject.toml; tests/tui/test_compat.py tests each).

- `SurvivingApp`: one failing widget stops, not the whole app (and its pulls). Textual ends
  the app on any exception in any widget; failures in the app itself or in a screen still
  end it, as nothing could be trusted after them. Its crash report leaves out local
  variables (where an Ollama password from OLLAMA_HOST can sit).
- `guard_option_list_paging`: a fix of OptionList's paging before its first layout.
- `known_ascii_keys`: ASCII keys' characters without Unicode's name database.
- `shown_notifications`, `timer_running`: what tests read of the app (Textual keeps
  them private).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import textual.app
import textual.screen
from textual import keys
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


# Textual's names of the ASCII punctuation keys (keys._character_to_key), and the characters.
ASCII_KEYS = {
    "exclamation_mark": "!", "quotation_mark": '"', "number_sign": "#", "dollar_sign": "$",
    "percent_sign": "%", "ampersand": "&", "apostrophe": "'", "left_parenthesis": "(",
    "right_parenthesis": ")", "asterisk": "*", "plus": "+", "comma": ",", "minus": "-",
    "full_stop": ".", "slash": "/", "colon": ":", "semicolon": ";", "less_than_sign": "<",
    "equals_sign": "=", "greater_than_sign": ">", "question_mark": "?", "at": "@",
    "left_square_bracket": "[", "backslash": "\\", "right_square_bracket": "]",
    "circumflex_accent": "^", "underscore": "_", "grave_accent": "`",
    "left_curly_bracket": "{", "vertical_line": "|", "right_curly_bracket": "}", "tilde": "~",
    "space": " ", "tab": "\t", "escape": "\x1b",
}


def known_ascii_keys() -> None:
    """Textual 8.2.8 finds a key's character (the key bar's `?`, the screen's check of the
    keys an Input would take) with `unicodedata.lookup` of its Unicode name: the first
    screen's dozen keys read ~700 KiB of the name database into memory. ASCII keys'
    characters are known: the same answers, from this table (others still ask Textual)."""
    format_key, key_to_character = keys.format_key, keys.key_to_character

    def ascii_format_key(key: str) -> str:
        if key in keys.KEY_DISPLAY_ALIASES:
            return keys.KEY_DISPLAY_ALIASES[key]
        char = ASCII_KEYS.get(key, key if len(key) == 1 and key.isascii() else "")
        return char if char.isprintable() and char else format_key(key)

    def ascii_key_to_character(key: str) -> str | None:
        if "+" in key or key in keys.REPLACED_KEYS:  # Textual's answer for these: none
            return None
        return key if len(key) == 1 else ASCII_KEYS.get(key) or key_to_character(key)

    textual.app.format_key = ascii_format_key  # type: ignore[attr-defined,assignment]
    textual.screen.key_to_character = ascii_key_to_character  # type: ignore[attr-defined,assignment]


def shown_notifications(app: App[Any]) -> Iterable[Notification]:
    """The notifications (toasts) the app shows now, oldest first."""
    return list(app._notifications)


def timer_running(timer: Timer) -> bool:
    """Whether `timer` ticks (not paused); Textual keeps it private."""
    return timer._active.is_set()
