"""What /api/generate and /api/embed answer, as plain data (benchmarks and the one-shot
prompt; apart from the model data the first frame needs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.ollama.models import _int, _str


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """One object of /api/generate: a piece of the answer (or of the thinking) while it
    streams; the last one (`done`) carries Ollama's own timings (ns)."""

    response: str = ""
    thinking: str = ""
    done: bool = False
    total_duration: int = 0
    load_duration: int = 0
    prompt_eval_count: int = 0
    prompt_eval_duration: int = 0
    eval_count: int = 0
    eval_duration: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GenerateResult:
        return cls(response=_str(data, "response"), thinking=_str(data, "thinking"),
                   done=data.get("done") is True,
                   **{k: _figure(data, k) for k in ("total_duration", "load_duration",
                                                    "prompt_eval_count",
                                                    "prompt_eval_duration", "eval_count",
                                                    "eval_duration")})


@dataclass(frozen=True, slots=True)
class EmbedResult:
    """The answer of /api/embed without the vectors: how many, how long, their size."""

    inputs: int = 0
    dimensions: int = 0
    total_duration: int = 0
    load_duration: int = 0
    prompt_eval_count: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EmbedResult:
        vectors = data.get("embeddings")
        vectors = vectors if isinstance(vectors, list) else []
        first = vectors[0] if vectors and isinstance(vectors[0], list) else []
        return cls(inputs=len(vectors), dimensions=len(first),
                   **{k: _figure(data, k) for k in ("total_duration", "load_duration",
                                                    "prompt_eval_count")})


def _figure(data: Mapping[str, Any], key: str) -> int:
    """A count or duration: 0 when missing, mistyped or negative."""
    value = _int(data, key)
    return value if value is not None and value >= 0 else 0
