"""How much memory a model needs loaded at a given context, from its own `model_info`.

Follows Ollama's estimator (fs/ggml GraphSize), simplified where stated:
- KV cache, per attention layer: context × (key_length + value_length) × head_count_kv ×
  bytes per element (f16 2, q8_0 1, q4_0 0.5), key/value lengths defaulting to
  embedding_length / head_count; `head_count_kv` may be one value per layer (0: a layer
  without attention). The context counts once per parallel sequence.
- Weights: the model's size on disk (what Ollama loads), less any projector counted apart.
- Compute graph: Ollama's full-offload formula for llama-like models,
  4 × batch × (1 + 4·embedding + context·(1 + heads)) bytes with a batch of 512.
Sliding-window and recurrent layers need less than this: the figure is then an upper bound,
and says so. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tui.core.format import printable
from tui.ollama.models import ModelInfo

KV_BYTES = {"f16": 2.0, "q8_0": 1.0, "q4_0": 0.5}
BATCH = 512
CONTEXTS = (2048, 8192, 32768, 131072)  # the fit table's rows, before the model's maximum

Verdict = Literal["fits", "partly on CPU", "does not fit"]


class UnknownEstimate(ValueError):
    """Not enough known about the model to estimate; the message says what is missing.
    It names the server's architecture: escaped here, so that no one shows it raw."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


@dataclass(frozen=True)
class MemoryEstimate:
    context: int
    kv_cache_type: str
    parallel: int
    weights: int
    kv_cache: int
    projector: int
    overhead: int
    upper_bound: bool  # architecture features (sliding window…) that need less are ignored

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.projector + self.overhead


def estimate_memory(info: ModelInfo, size_bytes: int, context: int,
                    kv_cache_type: str = "f16", parallel: int = 1) -> MemoryEstimate:
    """The estimate for `info` (the /api/show answer) of a model `size_bytes` big on disk."""
    if info.remote_host:
        raise UnknownEstimate("a cloud model runs on ollama.com, not in this machine's memory")
    if kv_cache_type not in KV_BYTES:
        raise UnknownEstimate(f"unknown KV cache type {kv_cache_type!r} "
                              f"(one of {', '.join(KV_BYTES)})")
    if context <= 0 or parallel <= 0:
        raise UnknownEstimate("the context and the parallel count must be above 0")
    if size_bytes <= 0:
        raise UnknownEstimate("the model's size is not known")
    shape = _Shape.of(info)
    tokens = context * parallel
    kv_cache = sum(tokens * (shape.key_length + shape.value_length) * heads_kv
                   for heads_kv in shape.kv_heads_per_layer) * KV_BYTES[kv_cache_type]
    overhead = 4 * BATCH * (1 + 4 * shape.embedding + tokens * (1 + shape.heads))
    projector = min(_projector_bytes(info.projector_info), size_bytes)
    return MemoryEstimate(context, kv_cache_type, parallel, size_bytes - projector,
                          math.ceil(kv_cache), projector, overhead, shape.upper_bound)


def verdict(total: int, vram: int) -> Verdict:
    """Fits: all on the GPU. Partly on CPU: at least half on the GPU (slower). Does not
    fit: more than half would run on the CPU, too slow to be of use."""
    if total <= vram:
        return "fits"
    return "partly on CPU" if vram * 2 >= total else "does not fit"


def fit_contexts(maximum: int | None) -> list[int]:
    """The contexts a fit table shows: the usual ones up to the model's maximum, and it."""
    rows = [c for c in CONTEXTS if maximum is None or c < maximum]
    return [*rows, maximum] if maximum else rows


def fit_table(info: ModelInfo, size_bytes: int, kv_cache_type: str = "f16",
              parallel: int = 1) -> list[MemoryEstimate]:
    """The estimate at each of the fit table's contexts (the info panel and `fit`)."""
    return [estimate_memory(info, size_bytes, context, kv_cache_type, parallel)
            for context in fit_contexts(info.context_length)]


@dataclass(frozen=True)
class _Shape:
    embedding: int
    heads: int
    key_length: int
    value_length: int
    kv_heads_per_layer: tuple[int, ...]
    upper_bound: bool

    @classmethod
    def of(cls, info: ModelInfo) -> _Shape:
        arch = info.architecture
        if not arch:
            raise UnknownEstimate("the server sent no model_info architecture")
        values = info.model_info

        def key(name: str) -> Any:
            return values.get(f"{arch}.{name}")

        blocks = _positive(key("block_count"))
        embedding = _positive(key("embedding_length"))
        heads_value = key("attention.head_count")
        missing = [name for name, value in (("block_count", blocks),
                                            ("embedding_length", embedding),
                                            ("attention.head_count", heads_value))
                   if value is None]
        if missing:
            raise UnknownEstimate(f"model_info lacks {arch}.{', '.join(missing)}")
        assert blocks is not None and embedding is not None
        heads_per_layer = _per_layer(heads_value, blocks)
        heads = max(heads_per_layer, default=0)
        if heads <= 0:
            raise UnknownEstimate(f"model_info has no usable {arch}.attention.head_count")
        kv_value = key("attention.head_count_kv")
        # Without a KV head count every head has its own keys and values (no grouping).
        kv_heads = _per_layer(kv_value, blocks) if kv_value is not None else heads_per_layer
        default_length = embedding // heads
        upper_bound = any(f"{arch}.{name}" in values for name in (
            "attention.sliding_window", "ssm.state_size", "attention.shared_kv_layers"))
        return cls(embedding, heads, _positive(key("attention.key_length")) or default_length,
                   _positive(key("attention.value_length")) or default_length,
                   tuple(kv_heads), upper_bound)


def _positive(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value > 0 and math.isfinite(value) else None


def _per_layer(value: Any, blocks: int) -> list[int]:
    """One figure per layer, from a single number or a list of them (0 for bad entries)."""
    if isinstance(value, list):
        figures = [_positive(v) or 0 for v in value[:blocks]]
        return figures + [0] * (blocks - len(figures))
    return [_positive(value) or 0] * blocks


def _projector_bytes(projector_info: Mapping[str, Any]) -> int:
    """A vision projector's weights, when the server says how many parameters it has
    (f16: 2 bytes each); otherwise they are inside the model's size already."""
    count = _positive(projector_info.get("general.parameter_count"))
    return count * 2 if count else 0
