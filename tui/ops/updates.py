"""Which models have a newer version in their registry (asked through the session's update
part, so the TUI, the command line and an HTTP handler get the same answer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.ollama.models import ModelSummary
from tui.services.registry import UpdateCheck, summary
from tui.services.session import HostSession


@dataclass(frozen=True)
class UpdateReport:
    checks: list[UpdateCheck]

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "models": [c.to_json() for c in self.checks],
                "counts": dict(summary(self.checks)),
                "outdated": [c.name for c in self.checks if c.outdated]}

    def counts_text(self) -> str:
        return ", ".join(f"{count} {state}" for state, count in summary(self.checks).items()
                         if count)


async def check_updates(session: HostSession, models: list[ModelSummary]) -> UpdateReport:
    """Each model's state; an update also says what it changes (from /api/show)."""
    return UpdateReport(await session.model_updates.check_all(models))
