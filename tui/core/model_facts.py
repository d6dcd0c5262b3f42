"""The facts shown about one model, written once for the info panel and `qgoose-tui info`.

Values are server text as sent; whoever displays them makes them printable.
"""

from __future__ import annotations

from tui.core.format import human_size, relative_time
from tui.ollama.models import ModelInfo, ModelSummary


def model_facts(summary: ModelSummary | None, info: ModelInfo | None) -> list[tuple[str, str]]:
    """(label, value) pairs, in reading order, the empty ones left out.

    `summary` is the /api/tags entry (size, digest, date) and `info` the /api/show answer
    (architecture, context, capabilities); either may be missing.
    """
    details = summary.details if summary is not None else info.details if info else None
    facts: list[tuple[str, str]] = []
    if info is not None:
        facts.append(("Architecture", info.architecture))
    if details is not None:
        count = f" ({info.parameter_count:,})" if info and info.parameter_count else ""
        facts += [
            ("Family", details.family),
            ("Parameters", details.parameter_size + count),
            ("Quantisation", details.quantization_level),
        ]
    if summary is not None:
        facts.append(("Size", "cloud (runs remotely)" if summary.is_remote
                      else human_size(summary.size)))
    if details is not None:
        facts.append(("Format", details.format))
    if summary is not None:
        facts += [("Modified", relative_time(summary.modified_at)),
                  ("Digest", summary.digest[:12])]
    if info is not None:
        facts += [
            ("Context", f"{info.context_length:,}" if info.context_length else ""),
            ("Embedding", f"{info.embedding_length:,}" if info.embedding_length else ""),
            ("Capabilities", ", ".join(info.capabilities)),
            ("Remote", f"{info.remote_model} @ {info.remote_host}" if info.remote_host else ""),
        ]
    return [(label, value) for label, value in facts if value]


def model_sections(info: ModelInfo) -> list[tuple[str, str]]:
    """The long texts of a model, by title; the empty ones left out."""
    parameters = "\n".join(f"{key} {value}" for key, value in info.parameter_lines())
    sections = [("Parameters", parameters), ("System", info.system),
                ("Template", info.template), ("License", info.license)]
    return [(title, text.strip()) for title, text in sections if text.strip()]
