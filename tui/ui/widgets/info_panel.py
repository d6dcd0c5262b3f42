"""The info side panel: everything known about the model under the cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.format import excerpt, human_size, printable, processor_text, until_text
from tui.core.model_facts import model_facts, model_sections
from tui.ollama.models import ModelInfo, ModelSummary, RunningModel
from tui.services.history import BenchRecord
from tui.ui.widgets.safe_text import server_text

if TYPE_CHECKING:
    from tui.core.vram import Vram
    from tui.services.registry import UpdateCheck

# Longer values and texts are shown in part: a server's 5 MB license would take seconds to
# lay out at every highlight. The CLI's `info` prints them whole.
FACT_CHARS = 500
SECTION_LINES, SECTION_CHARS = 200, 20_000


def _fact_lines(facts: list[tuple[str, str]]) -> Text:
    text = Text()
    for label, value in facts:
        if value:
            text.append(f"{label:<13}", style="bold")
            cut = "…" if len(value) > FACT_CHARS else ""
            text.append(printable(value[:FACT_CHARS]) + cut + "\n")
    text.rstrip()
    return text


VERDICT_STYLES = {"fits": "green", "partly on CPU": "yellow", "does not fit": "red"}


@dataclass(frozen=True)
class MemoryView:
    """How to show the memory table: the KV cache type and the GPU memory (if known)."""

    kv_cache_type: str = "f16"
    vram: Vram | None = None  # configured, or seen in use on the host

    def render(self, info: ModelInfo, size: int) -> Text:
        from tui.core.memory import UnknownEstimate, fit_table  # not for the first frame

        vram = self.vram
        on = f" on {vram.label}" if vram and vram.source == "config" else ""
        text = Text()
        text.append(f"\nMemory ({self.kv_cache_type} KV cache{on})", style="bold underline")
        text.append("\n")
        if vram and vram.source == "seen":  # a line of its own: the panel is narrow
            text.append(f"on {vram.words}\n", style="dim")
        try:
            rows = fit_table(info, size, self.kv_cache_type)
        except UnknownEstimate as exc:
            return text.append(f"unknown: {printable(str(exc))}", style="dim")
        unjudged = False
        for row in rows:
            text.append(f"{row.context:>9,} ctx  {human_size(row.total):>8}")
            result = vram.verdict(row.total) if vram else None
            if result is not None:
                text.append(f"  {result}", style=VERDICT_STYLES[result])
            unjudged = unjudged or result is None
            text.append("\n")
        if rows and rows[0].upper_bound:
            text.append("at most: this architecture needs less\n", style="dim")
        if not vram:
            text.append("set vram in the config to see what fits\n", style="dim")
        elif unjudged:  # only a lower bound, which some rows outgrow
            text.append("set vram in the config for the rest\n", style="dim")
        text.rstrip()
        return text


def _speed_text(record: BenchRecord | None) -> str:
    if record is None:
        return "not measured"
    runs = record.figures.get("runs")
    return (f"{record.speed_text}, {record.at.astimezone():%Y-%m-%d}"
            + (f", {runs} runs" if isinstance(runs, int) else ""))


def _update_text(check: UpdateCheck | None) -> str:
    if check is None:
        return ""
    if check.outdated:
        if check.change_text:  # "⬆ template changed, 1.2 KB to download"
            return f"⬆ {check.change_text}"
        size = f" ({human_size(check.new_size)})" if check.new_size is not None else ""
        return f"⬆ available{size}"
    if check.state in ("up to date", "cloud"):
        return check.state
    return f"{check.state}: {check.reason}"


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
        self.body.update(server_text(message, "dim"))

    def show(self, summary: ModelSummary, info: ModelInfo | None, running: RunningModel | None,
             is_current: bool, error: str = "", memory: MemoryView | None = None,
             benchmark: BenchRecord | None = None, update: UpdateCheck | None = None,
             variant: list[tuple[str, str]] | None = None) -> None:
        """`variant`: what it was made from here, or the variants made from it."""
        title = server_text(summary.name + "  ", "bold")
        if is_current:
            title.append("★ current", style="yellow")
        facts = [*model_facts(summary, info), ("Loaded", self._loaded_text(running)),
                 ("Speed here", "remote: runs on ollama.com" if summary.is_remote
                  else _speed_text(benchmark)),
                 ("Update", _update_text(update)), *(variant or ())]
        parts: list[RenderableType] = [title, _fact_lines(facts)]
        if error:
            parts.append(server_text(error, "red"))
        elif info is None:
            parts.append(Text("Loading details…", style="dim"))
        else:
            if memory is not None:
                parts.append(memory.render(info, summary.size))
            for heading, body in model_sections(info):
                parts += [Text(f"\n{heading}", style="bold underline"),
                          server_text(excerpt(body, SECTION_LINES, SECTION_CHARS),
                                      multiline=True)]
            if info.modelfile.strip():  # as Ollama writes it; M saves it whole
                parts += [Text("\nModelfile (M saves it)", style="bold underline"),
                          server_text(excerpt(info.modelfile.strip(), SECTION_LINES,
                                              SECTION_CHARS), multiline=True)]
        self.body.update(Group(*parts))

    @staticmethod
    def _loaded_text(running: RunningModel | None) -> str:
        if running is None:
            return "no"
        until = until_text(running.expires_at)
        return (f"yes, {human_size(running.size)}, {processor_text(running.gpu_fraction)}"
                + (f", unloads {until}" if until else ""))
