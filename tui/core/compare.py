"""Side by side: the facts of 2–4 models as rows, the rows that differ marked, and the
templates and system prompts as a diff. Pure; the CLI's `compare` prints it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from tui.core.format import human_size
from tui.core.memory import UnknownEstimate, estimate_memory
from tui.ollama.models import ModelInfo, ModelSummary


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def _arch(info: ModelInfo, key: str) -> str:
    value = info.model_info.get(f"{info.architecture}.{key}") if info.architecture else None
    if isinstance(value, list):
        return "per layer"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else ""


def _memory(info: ModelInfo, size: int, context: int, kv_cache_type: str) -> str:
    try:
        return human_size(estimate_memory(info, size, context, kv_cache_type).total)
    except UnknownEstimate:
        return "unknown"


def compare_rows(pairs: list[tuple[ModelSummary | None, ModelInfo]], context: int = 8192,
                 kv_cache_type: str = "f16", speeds: list[str] | None = None) -> list[Row]:
    """`speeds`: each model's benchmark result here ("" where never measured)."""
    def row(label: str, values: list[str]) -> Row:
        return Row(label, tuple(values))

    infos = [info for _, info in pairs]
    sizes = [summary.size if summary else 0 for summary, _ in pairs]
    return [
        row("Family", [i.details.family for i in infos]),
        row("Parameters", [i.details.parameter_size + (f" ({i.parameter_count:,})"
                                                       if i.parameter_count else "")
                           for i in infos]),
        row("Quantisation", [i.details.quantization_level for i in infos]),
        row("Architecture", [i.architecture for i in infos]),
        row("Context", [f"{i.context_length:,}" if i.context_length else "" for i in infos]),
        row("Embedding", [_arch(i, "embedding_length") for i in infos]),
        row("Layers", [_arch(i, "block_count") for i in infos]),
        row("Heads", [_arch(i, "attention.head_count") for i in infos]),
        row("KV heads", [_arch(i, "attention.head_count_kv") for i in infos]),
        row("Capabilities", [", ".join(i.capabilities) for i in infos]),
        row("Size", ["cloud" if i.remote_host else human_size(size) if size else ""
                     for i, size in zip(infos, sizes, strict=True)]),
        row(f"Memory at {context:,}", [_memory(i, size, context, kv_cache_type)
                                       for i, size in zip(infos, sizes, strict=True)]),
        row("Parameters set", ["; ".join(f"{k} {v}" for k, v in i.parameter_lines())
                               for i in infos]),
        row("License", [i.license.strip().splitlines()[0] if i.license.strip() else ""
                        for i in infos]),
        row("Speed here", [s or "not measured" for s in speeds or [""] * len(infos)]),
    ]


def text_diff(label: str, first: tuple[str, str], second: tuple[str, str]) -> str:
    """A unified diff of one text of two models ("" when they are the same)."""
    (name_a, text_a), (name_b, text_b) = first, second
    lines = difflib.unified_diff(text_a.splitlines(), text_b.splitlines(),
                                 f"{name_a} {label}", f"{name_b} {label}", lineterm="")
    return "\n".join(lines)
