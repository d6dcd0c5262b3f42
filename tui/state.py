"""What the app knows about the server, and when to ask again. Pure: no I/O, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.ollama.models import ModelSummary, RunningModel

# Retry delays while Ollama is away: quick at first, then no more often than every 30 s.
BACKOFF_START = 2.0
BACKOFF_MAX = 30.0


def models_signature(models: list[ModelSummary]) -> tuple:
    """A cheap fingerprint: the list changed on the server iff this changed."""
    return tuple(sorted((m.name, m.digest, m.modified_at_text, m.size) for m in models))


@dataclass
class ServerState:
    online: bool | None = None  # None until the first answer (or failure)
    version: str = ""
    models: list[ModelSummary] = field(default_factory=list)
    running: list[RunningModel] = field(default_factory=list)
    error: str = ""
    offline_since: float | None = None
    failures: int = 0
    next_check: float = 0.0
    signature: tuple = ()
    backoff_start: float = BACKOFF_START

    def record_success(self, models: list[ModelSummary], running: list[RunningModel],
                       now: float, interval: float) -> bool:
        """Take a fresh answer; return whether the model list changed."""
        signature = models_signature(models)
        changed = signature != self.signature or self.online is not True
        self.online, self.error, self.offline_since, self.failures = True, "", None, 0
        self.models, self.running, self.signature = models, running, signature
        self.next_check = now + interval
        return changed

    def record_failure(self, error: str, now: float) -> None:
        """Ollama did not answer: keep the last list (now stale), back off."""
        if self.online is not False:
            self.offline_since = now
        self.online, self.error = False, error
        self.failures += 1
        self.next_check = now + self.retry_delay

    @property
    def retry_delay(self) -> float:
        return min(BACKOFF_MAX, self.backoff_start * 2 ** max(0, self.failures - 1))

    @property
    def disk_used(self) -> int:
        return sum(m.size for m in self.models)

    def is_loaded(self, name: str) -> RunningModel | None:
        return next((r for r in self.running if r.name.casefold() == name.casefold()), None)

    def find(self, name: str) -> ModelSummary | None:
        return next((m for m in self.models if m.name.casefold() == name.casefold()), None)
