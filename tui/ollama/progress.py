"""Pull progress, pure and I/O-free: events (and the time they arrived) in, figures out.

Both the TUI and `qgoose-tui pull` drive one of these, so they show the same numbers.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

from tui.ollama.models import PullEvent

# Speed is measured over a sliding window: long enough to smooth the bursts of a real
# download, short enough to follow a link that slows down.
SPEED_WINDOW_SECONDS = 5.0


class Phase(Enum):
    STARTING = "starting"
    MANIFEST = "pulling manifest"
    DOWNLOADING = "downloading"
    VERIFYING = "verifying"
    WRITING = "writing manifest"
    CLEANING = "removing unused layers"
    SUCCESS = "done"
    ERROR = "error"


_AFTER_DOWNLOAD = (Phase.VERIFYING, Phase.WRITING, Phase.CLEANING, Phase.SUCCESS)


@dataclass
class LayerProgress:
    digest: str
    total: int = 0
    completed: int = 0
    # What was already on disk when this pull first saw the layer (a resumed pull).
    resumed_from: int = 0

    @property
    def short_digest(self) -> str:
        return self.digest.removeprefix("sha256:")[:12]

    @property
    def fraction(self) -> float:
        return min(1.0, self.completed / self.total) if self.total else 0.0

    @property
    def done(self) -> bool:
        return self.total > 0 and self.completed >= self.total


class PullProgress:
    """Aggregates a pull's event stream into per-layer and overall figures."""

    def __init__(self, model: str = "") -> None:
        self.model = model
        self.phase = Phase.STARTING
        self.status_text = ""
        self.error = ""
        self.layers: dict[str, LayerProgress] = {}
        self.events = 0
        self._downloaded = 0  # bytes received by this pull (not counting resumed bytes)
        self._samples: deque[tuple[float, int]] = deque()

    # -- input -------------------------------------------------------------------------
    def feed(self, event: PullEvent, now: float) -> None:
        """Take one event that arrived at time `now` (seconds, any monotonic clock)."""
        self.events += 1
        if event.error:
            self.phase, self.error = Phase.ERROR, event.error
            return
        if event.status:
            self.status_text = event.status
        if event.digest:
            if event.digest not in self.layers:
                self._finish_layers()  # Ollama fetches layers in turn: the last one is done
            self._feed_layer(event)
            self.phase = Phase.DOWNLOADING
        else:
            self.phase = _phase_of(event.status, self.phase)
        if self.phase is not Phase.DOWNLOADING:
            if self.phase in _AFTER_DOWNLOAD:
                self._finish_layers()  # verifying or later: every blob is on disk
            return
        # Speed counts only download time, from the first layer line on.
        self._samples.append((now, self._downloaded))
        while len(self._samples) > 2 and now - self._samples[1][0] >= SPEED_WINDOW_SECONDS:
            self._samples.popleft()

    def fail(self, message: str) -> None:
        """Record an error that did not come from the stream (connection lost, cancel)."""
        self.phase, self.error = Phase.ERROR, message

    def _finish_layers(self) -> None:
        """Count layers as complete. A layer that finishes between two of Ollama's 60 ms
        ticks gets no line for its last bytes, so the stream itself never says so."""
        for layer in self.layers.values():
            if layer.completed < layer.total:
                self._downloaded += layer.total - layer.completed
                layer.completed = layer.total

    def _feed_layer(self, event: PullEvent) -> None:
        layer = self.layers.get(event.digest)
        completed = event.completed or 0
        if layer is None:
            layer = self.layers[event.digest] = LayerProgress(
                event.digest, completed=completed, resumed_from=completed
            )
        elif completed > layer.completed:
            self._downloaded += completed - layer.completed
            layer.completed = completed
        if event.total is not None:
            layer.total = event.total

    # -- output ------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return sum(layer.total for layer in self.layers.values())

    @property
    def completed(self) -> int:
        return sum(min(layer.completed, layer.total or layer.completed)
                   for layer in self.layers.values())

    @property
    def resumed_from(self) -> int:
        return sum(layer.resumed_from for layer in self.layers.values())

    @property
    def fraction(self) -> float:
        if self.phase is Phase.SUCCESS:
            return 1.0
        total = self.total
        return min(1.0, self.completed / total) if total else 0.0

    @property
    def speed(self) -> float:
        """Bytes per second over the recent window; 0 when not measurable."""
        if self.phase is not Phase.DOWNLOADING or len(self._samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current speed, or None when unknown."""
        speed = self.speed
        remaining = self.total - self.completed
        if speed <= 0 or remaining <= 0:
            return None
        return remaining / speed

    @property
    def finished(self) -> bool:
        return self.phase in (Phase.SUCCESS, Phase.ERROR)


def _phase_of(status: str, current: Phase) -> Phase:
    text = status.lower()
    if text == "success":
        return Phase.SUCCESS
    if "manifest" in text and text.startswith("pulling"):
        return Phase.MANIFEST
    if text.startswith("verifying"):
        return Phase.VERIFYING
    if text.startswith("writing") or text == "pushing manifest":  # a push's last step
        return Phase.WRITING
    if text.startswith("removing"):
        return Phase.CLEANING
    return current
