"""The load dialog (`l`): keep a model in memory for a while, chosen or typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.format import printable
from tui.ollama.durations import keep_alive_value, keep_alive_words
from tui.ollama.names import model_key
from tui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from tui.ui.app import QGooseApp

CHOICES = (("5m", "5 minutes (Ollama's default)"), ("1h", "1 hour"),
           ("-1", "until unloaded"))


class LoadDialog(Dialog[str | int | None]):
    """Dismissed with the keep-alive to load with, or None when cancelled."""

    DEFAULT_CSS = """
    LoadDialog .title { margin-bottom: 1; }
    LoadDialog OptionList { height: auto; }
    LoadDialog #keep-alive { margin-top: 1; }
    """
    def __init__(self, model: str, loaded: bool = False) -> None:
        """`loaded`: the model is in memory already, and this sets how long it stays."""
        super().__init__()
        self.model, self.loaded = model, loaded

    def compose_body(self) -> ComposeResult:
        name = printable(self.model)
        yield Static(Text(f"Keep {name} loaded for how long?" if self.loaded
                          else f"Load {name} into memory"), classes="title")
        yield OptionList(*(Option(label, id=value) for value, label in CHOICES),
                         id="choices")
        yield Input(placeholder="or type how long: 30m, 2h, 90s, forever",
                    id="keep-alive", select_on_focus=False)
        yield Static("", id="problem", classes="problem")
        yield Static(f"Enter {'sets it' if self.loaded else 'loads'} · Tab switches · "
                     "Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(keep_alive_value(event.option.id))

    def on_input_changed(self, event: Input.Changed) -> None:
        problem = self.query_one("#problem", Static)
        if not event.value.strip():
            problem.update("")
            return
        try:
            value = keep_alive_value(event.value)
        except ValueError as exc:
            problem.set_class(False, "-ok")
            problem.update(Text(str(exc)))
            return
        problem.set_class(True, "-ok")
        problem.update(Text(f"✓ keeps it loaded {keep_alive_words(value)}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(keep_alive_value(event.value))
        except ValueError as exc:
            self.query_one("#problem", Static).update(Text(str(exc)))


def ask_and_load(app: QGooseApp, model: str) -> None:
    """The `l` flow of the Models and Running views: ask how long, then load (in the
    background: a load can take minutes)."""
    loaded = model_key(model) in app.session.state.loaded_keys()

    def chosen(keep_alive: str | int | None) -> None:
        if keep_alive is not None:
            app.load_model(model, keep_alive)
            app.notify_text(f"{'Keeping' if loaded else 'Loading'} {model}"
                            f"{' loaded' if loaded else ''} {keep_alive_words(keep_alive)}…")

    app.push_screen(LoadDialog(model, loaded), chosen)
