"""The rename and copy dialog (`m`, `C`): the new name, checked as you type (valid, not
taken, not the same; a copy may replace a taken name, after a question); Enter does it, Esc
cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.core.format import printable
from tui.ollama.names import normalize
from tui.services.rename import destination_problem, name_problem, taken_by


class RenameDialog(ModalScreen[str | None]):
    """Dismissed with the new name, or None when cancelled."""

    DEFAULT_CSS = """
    RenameDialog { align: center middle; }
    RenameDialog > Vertical {
        width: 64; max-width: 96%; height: auto; max-height: 96%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RenameDialog .title { text-style: bold; margin-bottom: 1; }
    RenameDialog #problem { color: $error; height: auto; min-height: 1; }
    RenameDialog #problem.-ok { color: $success; }
    RenameDialog #problem.-warn { color: $warning; }
    RenameDialog .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, source: str, installed: list[str], copy: bool = False) -> None:
        super().__init__()
        self.source, self.installed, self.copy = source, installed, copy

    def compose(self) -> ComposeResult:
        verb = "Copy" if self.copy else "Rename"
        with Vertical():
            yield Static(Text(f"{verb} {printable(self.source)}"), classes="title")
            yield Input(value=self.source, id="name", select_on_focus=False)
            yield Static("", id="problem")
            how = ("Ollama stores the blobs once: a copy takes no disk" if self.copy else
                   "Copied, checked, then the old name deleted: if anything fails the "
                   "original stays")
            yield Static(Text(how), classes="hint")
            yield Static("Enter confirms · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._check(self.source)

    def _check(self, text: str) -> bool:
        label = self.query_one("#problem", Static)
        taken = taken_by(text, self.installed) if self.copy and \
            not name_problem(text, self.source) else None
        if taken is not None:  # a copy may replace it: the caller asks first
            label.set_class(False, "-ok")
            label.set_class(True, "-warn")
            label.update(Text(f"{taken} exists: Enter asks before replacing it"))
            return True
        problem = destination_problem(text, self.installed, self.source)
        label.set_class(False, "-warn")
        label.set_class(not problem, "-ok")
        label.update(Text(problem or f"✓ becomes {normalize(text.strip())}"))
        return not problem

    def on_input_changed(self, event: Input.Changed) -> None:
        self._check(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._check(event.value):
            self.dismiss(normalize(event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
