"""`?`: the keys of the view on screen, built from its live bindings (so it cannot drift)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from tui.ui.screens.dialog import Dialog

MOUSE_HELP = ("Mouse: click a row to select it, again to use it; click a header to sort; "
              "click a view's tab to switch. Esc closes this.")


class HelpScreen(Dialog[None]):
    SCROLLS = True
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]

    def __init__(self, keys: list[tuple[str, str]], notes: list[str] | None = None) -> None:
        super().__init__()
        self.keys = keys
        self.notes = notes or []

    def compose_body(self) -> ComposeResult:
        table = Table(title="qgoose-tui keys", show_header=False, box=None, expand=True)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in self.keys:
            table.add_row(Text(key), Text(what))
        for note in [*self.notes, MOUSE_HELP]:
            table.add_row("", "")
            table.add_row("", Text(note, style="dim"))
        yield Static(table)


@dataclass(frozen=True)
class KeyHelp:
    """One action reachable by key: every key bound to it, and what it does."""

    keys: str
    title: str
    what: str
    node: DOMNode
    action: str
    command: bool
    """Worth a command palette entry (explained keys; plain movement is not)."""


def live_keys(app: App, screen: Screen | None = None) -> list[KeyHelp]:
    """The actions bound on the screen shown now, its widgets and the app, in that order.

    Read from the bindings themselves, so the help and the palette never drift from them.
    Only the bindings our own classes declare count: Textual's (Tab, Ctrl+C…) are everywhere.
    """
    screen = screen or app.screen
    found: dict[tuple[int, str], KeyHelp] = {}
    for node in [screen, *screen.query("*"), app]:
        for binding in _our_bindings(node):
            if node.check_action(binding.action, ()) is False:
                continue
            display = app.get_key_display(binding)
            slot = (id(node), binding.action)
            known = found.get(slot)
            keys = f"{known.keys} {display}" if known else display
            what = binding.tooltip or binding.description
            found[slot] = KeyHelp(keys, binding.description, what, node, binding.action,
                                  bool(binding.tooltip))
    return list(found.values())


def _our_bindings(node: DOMNode) -> list[Binding]:
    """The bindings the node's classes in this package declare (one per key)."""
    declared = [cls.__dict__["BINDINGS"] for cls in reversed(type(node).__mro__)
                if cls.__module__.startswith("tui.") and "BINDINGS" in cls.__dict__]
    return [b for bindings in declared for b in Binding.make_bindings(bindings)]


def help_screen(app: App) -> HelpScreen:
    keys = [(k.keys, k.what) for k in live_keys(app)]
    from tui.core.badges import BADGES, CLOUD
    from tui.core.filter_query import terms_help

    caps = " ".join(f"{symbol} {name}" for name, symbol, _ in BADGES)
    notes = [f"The filter (/): {terms_help()}", f"Caps: {caps} {CLOUD[0]} cloud."] \
        if app.current_mode == "models" else []
    return HelpScreen(keys, [*notes, "Ctrl+P opens the command palette: every action by name."])


def palette_commands(app: App, screen: Screen) -> Iterator[SystemCommand]:
    """The view's explained keys as command palette entries."""
    for key in live_keys(app, screen):
        if key.command:
            yield SystemCommand(key.title, key.what,
                                partial(app.run_action, key.action, key.node))
