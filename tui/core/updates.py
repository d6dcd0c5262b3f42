"""What an update changed, said plainly: old → new digest and the size difference, or that
the model was already current. Pure; the TUI's notices and the CLI's `update` share it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.format import human_size
from tui.ollama.models import ModelSummary

SHORT_DIGEST = 12  # as `ollama list` shows digests


def signed_size(delta: int) -> str:
    """+21 B, −1.2 GB, ±0 B."""
    if delta == 0:
        return "±0 B"
    return ("+" if delta > 0 else "−") + human_size(abs(delta))


@dataclass(frozen=True)
class UpdateOutcome:
    name: str
    old_digest: str
    new_digest: str
    old_size: int
    new_size: int

    @classmethod
    def of(cls, before: ModelSummary, after: ModelSummary | None) -> UpdateOutcome:
        """`after` None: the model is not listed after the pull (nothing to compare)."""
        if after is None:
            return cls(before.name, before.digest, "", before.size, 0)
        return cls(before.name, before.digest, after.digest, before.size, after.size)

    @property
    def changed(self) -> bool:
        return bool(self.new_digest) and self.new_digest != self.old_digest

    def sentence(self) -> str:
        if not self.new_digest:
            return f"{self.name} was pulled but is not listed now"
        if not self.changed:
            return f"{self.name} was already current"
        return (f"{self.name} updated: {self.old_digest[:SHORT_DIGEST]} → "
                f"{self.new_digest[:SHORT_DIGEST]} "
                f"({signed_size(self.new_size - self.old_size)})")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "changed": self.changed, "old_digest": self.old_digest,
                "new_digest": self.new_digest or None,
                "size_change_bytes": self.new_size - self.old_size if self.new_digest
                else None}
