"""The grid's optional "Fits" column: will each model fit the configured VRAM at N tokens?"""

from __future__ import annotations

from collections.abc import Callable

from tui.core.memory import UnknownEstimate, estimate_memory, verdict
from tui.core.model_columns import Column
from tui.ollama.models import ModelInfo, ModelSummary

_SHOWN = {"fits": (0, "✓ fits"), "partly on CPU": (1, "½ CPU"), "does not fit": (2, "✗ no")}
CLOUD, PENDING, UNKNOWN = (3, "cloud"), (4, "…"), (5, "?")


def fits_column(info_of: Callable[[ModelSummary], ModelInfo | None], context: int,
                kv_cache_type: str, vram: Callable[[], int | None]) -> Column:
    """A column from the details known so far (`info_of`): "…" until they arrive. `vram`:
    the GPU memory of the host shown (asked at each draw: switching hosts may change it)."""

    def outcome(model: ModelSummary) -> tuple[int, str]:
        if model.is_remote:
            return CLOUD
        gpu = vram()
        if gpu is None:
            return UNKNOWN
        info = info_of(model)
        if info is None:
            return PENDING
        try:
            estimate = estimate_memory(info, model.size, context, kv_cache_type)
        except UnknownEstimate:
            return UNKNOWN
        return _SHOWN[verdict(estimate.total, gpu)]

    label = f"Fits {context // 1024}k" if context % 1024 == 0 else f"Fits {context:,}"
    return Column("fits", label, lambda m: outcome(m)[1], lambda m: outcome(m)[0],
                  squeeze=4)
