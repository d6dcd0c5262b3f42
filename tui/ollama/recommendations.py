"""Ollama's own picks: `GET /api/experimental/model-recommendations` (newer servers).

The server answers `{"recommendations": [{model, description, context_length,
max_output_tokens, vram_bytes, required_plan}]}`: cloud models (`…:cloud`) with their
limits, local ones with the memory they want. Older servers answer 404, and the endpoint is
experimental: every field may be missing or wrongly typed, the list absurdly long. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.ollama.models import MAX_SIZE_BYTES

PATH = "/api/experimental/model-recommendations"
MAX_RECOMMENDATIONS = 64  # the real list has about six
MAX_NAME = 200  # characters of a model name kept (longer is no model name)
MAX_DESCRIPTION = 200
MAX_TOKENS = 1 << 30  # a context length or output limit past this is nonsense


@dataclass(frozen=True)
class Recommendation:
    model: str
    description: str = ""
    context_length: int = 0  # 0: not said
    max_output_tokens: int = 0
    vram_bytes: int = 0  # what a local model wants on the GPU; 0: not said
    required_plan: str = ""  # the ollama.com plan a cloud model needs

    @property
    def is_cloud(self) -> bool:
        return self.model.endswith((":cloud", "-cloud"))


def _count(data: Mapping[str, Any], key: str, limit: int) -> int:
    value = data.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= limit
    return value if ok else 0  # type: ignore[return-value]


def _text(data: Mapping[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def parse_recommendations(data: Mapping[str, Any]) -> list[Recommendation]:
    """The well-formed entries, each model once, at most MAX_RECOMMENDATIONS of them."""
    entries = data.get("recommendations")
    found: list[Recommendation] = []
    seen: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        if len(found) >= MAX_RECOMMENDATIONS:
            break
        if not isinstance(entry, dict):
            continue
        model = entry.get("model")
        if not isinstance(model, str) or not 0 < len(model.strip()) <= MAX_NAME:
            continue
        model = model.strip()
        if model in seen or any(ch.isspace() or not ch.isprintable() for ch in model):
            continue
        seen.add(model)
        found.append(Recommendation(
            model, _text(entry, "description", MAX_DESCRIPTION),
            _count(entry, "context_length", MAX_TOKENS),
            _count(entry, "max_output_tokens", MAX_TOKENS),
            _count(entry, "vram_bytes", MAX_SIZE_BYTES),
            _text(entry, "required_plan", 40)))
    return found
