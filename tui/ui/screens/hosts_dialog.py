"""Choose hosts for one operation (pull onto, delete from): a ticked list, Enter confirms
the ticked ones, Esc cancels. Used by the Hosts view's matrix."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, SelectionList, Static

from tui.core.format import printable
from tui.ui.screens.dialog import Dialog


class HostsDialog(Dialog[list[str] | None]):
    DEFAULT_CSS = """
    HostsDialog .title { margin-bottom: 1; }
    HostsDialog SelectionList { height: auto; max-height: 12; }
    HostsDialog Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    HostsDialog Button { margin-left: 2; }
    """
    # Enter confirms whatever has the focus in the list (Space ticks); on a button, presses it.
    BINDINGS = [Binding("enter", "confirm", "Confirm", priority=True)]

    def __init__(self, title: str, choices: list[tuple[str, str, bool]], verb: str,
                 danger: bool = False) -> None:
        """`choices`: (host name, line shown, ticked at first)."""
        super().__init__(classes="-danger" if danger else "")
        self.title_text, self.choices, self.verb = title, choices, verb

    def compose_body(self) -> ComposeResult:
        yield Static(Text(printable(self.title_text)), classes="title")
        yield SelectionList[str](*((_prompt(line, ticked), name, ticked)
                                   for name, line, ticked in self.choices), id="hosts")
        yield Static("Space ticks a host · Enter confirms · Esc cancels", classes="hint")
        with Horizontal():
            yield Button("Cancel", id="no")
            yield Button(self.verb, id="yes", variant="error" if self.has_class("-danger")
                         else "primary")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @on(SelectionList.SelectionToggled, "#hosts")
    def _ticked(self, event: SelectionList.SelectionToggled[str]) -> None:
        # The mark says it in the text too, not by colour alone.
        hosts = event.selection_list
        line = next(line for name, line, _ in self.choices if name == event.selection.value)
        hosts.replace_option_prompt_at_index(
            event.selection_index, _prompt(line, event.selection.value in hosts.selected))

    def action_confirm(self) -> None:
        if isinstance(self.focused, Button):
            self.focused.press()
        else:
            self._confirm()

    def _confirm(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        if not chosen:
            self.notify("Tick at least one host (Space)", severity="warning")
            return
        self.dismiss(chosen)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self._confirm()

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(None)


class HostPicker(Dialog[str | None]):
    """Which host the Models, Running and Pulls views show (`h`)."""

    DEFAULT_CSS = """
    HostPicker .title { margin-bottom: 1; }
    HostPicker OptionList { height: auto; max-height: 16; }
    """
    def __init__(self, hosts: list[tuple[str, str]], current: str) -> None:
        """`hosts`: (name, line shown)."""
        super().__init__()
        self.hosts, self.current = hosts, current

    def compose_body(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        yield Static("Show which host?", classes="title")
        yield OptionList(*(Option(Text(printable(line)), id=name)
                           for name, line in self.hosts), id="host-list")

    def on_mount(self) -> None:
        from textual.widgets import OptionList

        options = self.query_one(OptionList)
        options.focus()
        index = next((i for i, (name, _) in enumerate(self.hosts) if name == self.current), 0)
        options.highlighted = index

    def on_option_list_option_selected(self, event: object) -> None:
        option = getattr(event, "option", None)
        self.dismiss(getattr(option, "id", None))


def _prompt(line: str, ticked: bool) -> Text:
    return Text.assemble(("✓ " if ticked else "· ", "bold" if ticked else "dim"),
                         printable(line))
