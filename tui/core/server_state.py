"""What the app knows about one Ollama server, and when to ask it again. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core import space
from tui.ollama.models import ModelSummary, RunningModel
from tui.ollama.names import model_key

# Retry delays while Ollama is away: quick at first, then no more often than every 30 s.
BACKOFF_START = 2.0
BACKOFF_MAX = 30.0


def models_signature(models: list[ModelSummary]) -> int:
    """A cheap fingerprint: the list changed on the server iff this changed (in any order).

    A sum of one hash per model, not a set of them: 5,000 models never make 5,000 tuples."""
    total = len(models)
    for m in models:
        total += hash((m.name, m.digest, m.modified_at_text, m.size))
    return total & 0xFFFF_FFFF_FFFF_FFFF


@dataclass
class ServerState:
    online: bool | None = None  # None until the first answer (or failure)
    version: str = ""
    models: list[ModelSummary] = field(default_factory=list)
    running: list[RunningModel] = field(default_factory=list)
    error: str = ""
    offline_since: float | None = None
    online_since: float | None = None  # when the current run of good answers began
    failures: int = 0
    next_check: float = 0.0
    signature: int = 0
    backoff_start: float = BACKOFF_START
    from_cache: bool = False
    """The models are the last list saved on disk, not yet confirmed by the server."""
    answering: bool = False
    """While not online: the server did answer, but with an error (500, HTML, nonsense)."""
    listed: bool = False
    """The server has given a model list at least once: only then can a model be missing."""

    def record_success(self, models: list[ModelSummary], running: list[RunningModel],
                       now: float, interval: float) -> bool:
        """Take a fresh answer; return whether the model list or the loaded set changed."""
        signature = models_signature(models)
        loaded_before = self.loaded_keys()
        changed = (signature != self.signature or self.online is not True
                   or loaded_before != {model_key(r.name) for r in running})
        if self.online is not True:
            self.online_since = now
        self.online, self.error, self.offline_since, self.failures = True, "", None, 0
        self.models, self.running, self.signature = models, running, signature
        self.from_cache, self.answering, self.listed = False, False, True
        self.next_check = now + interval
        return changed

    def record_failure(self, error: str, now: float, answering: bool = False) -> None:
        """Ollama did not answer, or answered with an error (`answering`): keep the last
        list (now stale), back off."""
        if self.online is not False:
            self.offline_since = now
        self.online, self.error, self.answering = False, error, answering
        self.failures += 1
        self.next_check = now + self.retry_delay

    def show_cached(self, models: list[ModelSummary]) -> None:
        """Start from the list saved last time, until the server answers."""
        self.models, self.from_cache = models, True

    def forget(self, name: str) -> None:
        """A model we deleted: gone from the list at once, signature kept in step."""
        key = model_key(name)
        self.models = [m for m in self.models if model_key(m.name) != key]
        self.running = [r for r in self.running if model_key(r.name) != key]
        self.signature = models_signature(self.models)

    def due(self, now: float) -> bool:
        """Whether it is time to ask the server again."""
        return now >= self.next_check

    @property
    def retry_delay(self) -> float:
        return min(BACKOFF_MAX, self.backoff_start * 2 ** max(0, self.failures - 1))

    @property
    def disk_used(self) -> int:
        """Identical manifests (a tag and its `latest`, a copy) counted once."""
        return space.disk_used(self.models, lambda m: None)

    def running_entry(self, name: str) -> RunningModel | None:
        """The /api/ps entry of `name`, when it is loaded in memory."""
        key = model_key(name)
        return next((r for r in self.running if model_key(r.name) == key), None)

    def find(self, name: str) -> ModelSummary | None:
        key = model_key(name)
        return next((m for m in self.models if model_key(m.name) == key), None)

    def loaded_keys(self) -> set[str]:
        return {model_key(r.name) for r in self.running}
