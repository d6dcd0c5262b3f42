"""The info side panel: everything known about the model under the cursor."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.format import human_size, printable, processor_text, until_text
from tui.model_facts import model_facts, model_sections
from tui.ollama.models import ModelInfo, ModelSummary, RunningModel


def _fact_lines(facts: list[tuple[str, str]]) -> Text:
    text = Text()
    for label, value in facts:
        if value:
            text.append(f"{label:<13}", style="bold")
            text.append(printable(value) + "\n")
    text.rstrip()
    return text


class InfoPanel(VerticalScroll):
    DEFAULT_CSS = """
    InfoPanel { border-left: vkey $primary 50%; padding: 0 1; width: 45; }
    InfoPanel > Static { width: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.body = Static(Text("No model selected", style="dim"), id="info-body")

    def compose(self) -> ComposeResult:
        yield self.body

    def show_message(self, message: str) -> None:
        self.body.update(Text(printable(message), style="dim"))

    def show(self, summary: ModelSummary, info: ModelInfo | None, running: RunningModel | None,
             is_current: bool, error: str = "") -> None:
        title = Text(printable(summary.name) + "  ", style="bold")
        if is_current:
            title.append("★ current", style="yellow")
        facts = [*model_facts(summary, info), ("Loaded", self._loaded_text(running))]
        parts: list[RenderableType] = [title, _fact_lines(facts)]
        if error:
            parts.append(Text(printable(error), style="red"))
        elif info is None:
            parts.append(Text("Loading details…", style="dim"))
        else:
            for heading, body in model_sections(info):
                parts += [Text(f"\n{heading}", style="bold underline"), Text(printable(body))]
        self.body.update(Group(*parts))

    @staticmethod
    def _loaded_text(running: RunningModel | None) -> str:
        if running is None:
            return "no"
        until = until_text(running.expires_at)
        return (f"yes, {human_size(running.size)}, {processor_text(running.gpu_fraction)}"
                + (f", unloads {until}" if until else ""))
