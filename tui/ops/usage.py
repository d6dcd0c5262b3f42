"""What this machine recorded of each installed model's use (Ollama records none): first
seen, last loaded, times loaded, times made current; most recently used first."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key
from tui.services.history import Usage
from tui.services.session import HostSession

NOTHING_RECORDED = {"first_seen": None, "last_used": None, "last_loaded": None,
                    "times_loaded": 0, "last_current": None, "times_current": 0}


@dataclass(frozen=True)
class UsageStats:
    rows: list[tuple[str, Usage | None]]  # (model name, its usage; None: never recorded)

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "history_available": True, "models": [
            {**(u.to_json() if u is not None else NOTHING_RECORDED), "name": name}
            for name, u in self.rows]}


def unknown_json(models: list[ModelSummary]) -> list[dict[str, Any]]:
    """The models with nothing known of their use (the history is out of reach)."""
    return [{**dict.fromkeys(NOTHING_RECORDED), "name": m.name} for m in models]


async def stats(session: HostSession, models: list[ModelSummary]) -> UsageStats:
    """Each model's recorded use. Raises HistoryUnavailable: every model "never used"
    would be a lie."""
    if session.history is None:
        return UsageStats([(m.name, None) for m in models])
    usage = await asyncio.to_thread(session.history.read_usage, session.base_url)
    rows = [(m.name, usage.get(model_key(m.name))) for m in models]

    def recency(pair: tuple[str, Usage | None]) -> float:
        last = pair[1].last_used if pair[1] is not None else None
        return last.timestamp() if last is not None else 0.0

    rows.sort(key=recency, reverse=True)  # most recently used first, never used last
    return UsageStats(rows)
