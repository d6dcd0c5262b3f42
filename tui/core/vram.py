"""The GPU memory a fit verdict is judged against: the config's `vram` for the host, or,
without one, what /api/ps shows in use.

What /api/ps shows: each loaded model's `size` and `size_vram`. Their `size_vram` together
is GPU memory known to exist (a lower bound). When a model is partly on the GPU and partly
on the CPU (0 < size_vram < size), Ollama filled the GPU before spilling: that sum is then
about the whole GPU. A model wholly on the CPU proves nothing (`num_gpu 0`, or a host
without a GPU). Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from tui.core.format import human_size
from tui.core.memory import Verdict, verdict

MAX_VRAM = 1 << 50  # 1 PiB: more than any host has; a larger sum is a lying server


class Loaded(Protocol):
    """What /api/ps says of one loaded model (tui.ollama.models.RunningModel)."""

    @property
    def size(self) -> int: ...

    @property
    def size_vram(self) -> int: ...


@dataclass(frozen=True)
class VramSeen:
    bytes: int  # GPU memory the loaded models take
    whole: bool  # some model spilled to the CPU: the GPU was full, this is (about) all of it


def _count(value: object) -> int:
    """A byte count as the client gives it; anything else (a hostile server's) counts 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value if 0 <= value <= MAX_VRAM else 0


def vram_seen(running: Iterable[Loaded]) -> VramSeen | None:
    """What the loaded models tell of the GPU; None when they tell nothing (none loaded,
    or none on a GPU)."""
    total, spilled = 0, False
    for model in running:
        size, on_gpu = _count(model.size), _count(model.size_vram)
        total += on_gpu
        spilled = spilled or 0 < on_gpu < size
    if total <= 0 or total > MAX_VRAM:
        return None
    return VramSeen(total, spilled)


@dataclass(frozen=True)
class Vram:
    """The GPU memory to judge by, and where the figure comes from."""

    bytes: int
    source: Literal["config", "seen"] = "config"
    whole: bool = True  # False: only a lower bound (what is in use now)

    def verdict(self, total: int) -> Verdict | None:
        """As `verdict`; with only a lower bound, "fits" when it fits in what is already in
        use, otherwise None: nothing honest can be said."""
        if self.whole:
            return verdict(total, self.bytes)
        return "fits" if total <= self.bytes else None

    @property
    def label(self) -> str:
        """ "12.0 GB", "12.0 GB (seen in use)", "≥ 5.2 GB seen in use"."""
        if not self.whole:
            return f"≥ {human_size(self.bytes)} seen in use"
        return human_size(self.bytes) + (" (seen in use)" if self.source == "seen" else "")

    @property
    def words(self) -> str:
        """The label without brackets, to go inside some: "5.0 GB seen in use"."""
        return self.label.replace(" (seen in use)", " seen in use")

    @property
    def hint(self) -> str:
        """Why there is no verdict, for a lower bound that the model outgrows."""
        return f"{self.label}; set vram in the config"


def host_vram(configured: int | None, running: Iterable[Loaded]) -> Vram | None:
    """The configured `vram` (always first), else what /api/ps shows, else None."""
    if configured:
        return Vram(configured)
    seen = vram_seen(running)
    return Vram(seen.bytes, "seen", seen.whole) if seen else None
