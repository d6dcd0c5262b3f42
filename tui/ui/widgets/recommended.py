"""The server's recommended models (Ollama's /api/experimental/model-recommendations) in
the pull dialog's list: each with what it wants and whether that fits this host. A model
already listed gets the recommendation in its row; the others are added."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.core.format import human_size, printable
from tui.core.vram import Vram
from tui.ollama.recommendations import Recommendation

_STYLES = {"fits": "green", "partly on CPU": "yellow", "does not fit": "red"}


def recommendation_label(rec: Recommendation, vram: Vram | None) -> Text:
    """ "★ gemma3:12b  Vision and text locally  wants 12.0 GB: fits"."""
    label = Text("★ ", style="yellow")
    label.append(f"{printable(rec.model):<16}", style="bold")
    label.append(f" {printable(rec.description)[:28]:<28}")
    if rec.is_cloud:
        plan = f" ({printable(rec.required_plan)} plan)" if rec.required_plan else ""
        label.append(f" runs on ollama.com{plan}", style="dim")
    elif rec.vram_bytes:
        wants = f" wants {human_size(rec.vram_bytes)}"
        said = vram.verdict(rec.vram_bytes) if vram is not None else None
        if said is None:
            label.append(wants, style="dim")
        else:
            label.append(f"{wants}: {said}", style=_STYLES[said])
    return label


def offer(options: OptionList, recommendations: list[Recommendation],
          vram: Vram | None) -> None:
    """Mark the listed models the server recommends; add the ones not listed."""
    added = []
    for rec in recommendations:
        label = recommendation_label(rec, vram)
        try:
            options.replace_option_prompt(rec.model, label)
        except OptionDoesNotExist:
            added.append(Option(label, id=rec.model))
    options.add_options(added)
