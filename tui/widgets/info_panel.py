"""The info side panel: everything known about the model under the cursor."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.format import human_size, printable, processor_text, relative_time
from tui.ollama.models import ModelInfo, ModelSummary, RunningModel


def _fact_lines(facts: list[tuple[str, str]]) -> Text:
    text = Text()
    for label, value in facts:
        if value:
            text.append(f"{label:<13}", style="bold")
            text.append(printable(value) + "\n")
    text.rstrip()
    return text


def _section(title: str, body: str) -> list[RenderableType]:
    if not body.strip():
        return []
    return [Text(f"\n{title}", style="bold underline"), Text(printable(body.strip()))]


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
        d = summary.details
        title = Text(printable(summary.name) + "  ", style="bold")
        if is_current:
            title.append("★ current", style="yellow")
        facts = [
            ("Family", d.family),
            ("Parameters", d.parameter_size + (f" ({info.parameter_count:,})"
                                               if info and info.parameter_count else "")),
            ("Quantisation", d.quantization_level),
            ("Size", "cloud (runs remotely)" if summary.is_remote else human_size(summary.size)),
            ("Format", d.format),
            ("Modified", relative_time(summary.modified_at)),
            ("Digest", summary.digest[:12]),
        ]
        if info is not None:
            facts[1:1] = [("Architecture", info.architecture)]
            facts += [
                ("Context", f"{info.context_length:,}" if info.context_length else ""),
                ("Embedding", f"{info.embedding_length:,}" if info.embedding_length else ""),
                ("Capabilities", ", ".join(info.capabilities)),
                ("Remote", f"{info.remote_model} @ {info.remote_host}" if info.remote_host
                 else ""),
            ]
        facts.append(("Loaded", self._loaded_text(running)))
        parts: list[RenderableType] = [title, _fact_lines(facts)]
        if error:
            parts.append(Text(printable(error), style="red"))
        elif info is None:
            parts.append(Text("Loading details…", style="dim"))
        else:
            parts += _section("Parameters", "\n".join(f"{k} {v}"
                                                      for k, v in info.parameter_lines()))
            parts += _section("System", info.system)
            parts += _section("Template", info.template)
            parts += _section("License", info.license)
        self.body.update(Group(*parts))

    @staticmethod
    def _loaded_text(running: RunningModel | None) -> str:
        if running is None:
            return "no"
        until = relative_time(running.expires_at)
        return (f"yes, {human_size(running.size)}, {processor_text(running.gpu_fraction)}"
                + (f", unloads {until}" if until else ""))
