"""The pull dialog (`p`): popular models, or any name, validated as you type."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.format import human_size
from tui.ollama.names import normalize, same_model, validation_error
from tui.popular import PopularModel


class PullDialog(ModalScreen[str | None]):
    """Dismissed with the normalised name to pull, or None when cancelled."""

    DEFAULT_CSS = """
    PullDialog { align: center middle; }
    PullDialog > Vertical {
        width: 76; max-width: 96%; height: auto; max-height: 96%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PullDialog .title { text-style: bold; }
    PullDialog #name { margin-top: 1; }
    PullDialog #problem { color: $error; height: auto; min-height: 1; }
    PullDialog #problem.-ok { color: $success; }
    PullDialog OptionList { height: auto; max-height: 12; }
    PullDialog .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, popular: list[PopularModel], installed: list[str]) -> None:
        super().__init__()
        self.popular = popular
        self.installed = installed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Pull a model", classes="title")
            yield Input(placeholder="any name: qwen2.5:14b, hf.co/org/repo:Q4_K_M, …",
                        id="name", select_on_focus=False)
            yield Static("", id="problem")
            yield Static("Popular models (Enter pulls; ✓ installed: pulling updates it):",
                         classes="hint")
            yield OptionList(*(Option(self._label(m), id=m.name) for m in self.popular),
                             id="popular")
            yield Static("Tab switches between the name and the list · Esc cancels",
                         classes="hint")

    def _is_installed(self, name: str) -> bool:
        return any(same_model(name, installed) for installed in self.installed)

    def _label(self, model: PopularModel) -> Text:
        label = Text(f"{model.name:<18}", style="bold", no_wrap=True, overflow="ellipsis")
        label.append(f" {model.about[:25]:<25}")
        label.append(f" {human_size(model.size) if model.size else '':>7}", style="dim")
        if self._is_installed(model.name):
            label.append("  ✓ installed", style="green")
        return label

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        problem = self.query_one("#problem", Static)
        text = event.value.strip()
        if not text:
            problem.update("")
            return
        reason = validation_error(text)
        if reason:
            problem.set_class(False, "-ok")
            problem.update(Text(reason))
            return
        problem.set_class(True, "-ok")
        name = normalize(text)
        note = " (installed — pull to update)" if self._is_installed(name) else ""
        problem.update(Text(f"✓ will pull {name}{note}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#popular", OptionList).focus()
            return
        reason = validation_error(text)
        if reason:
            self.query_one("#problem", Static).update(Text(reason))
            return
        self.dismiss(normalize(text))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(normalize(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
