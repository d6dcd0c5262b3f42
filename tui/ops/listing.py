"""Listing: one host's models with the facts the filter language asks (fetched only when a
query needs them), and the host's status. The same for the command line, the web API and
(through HostSession.facts) the TUI's filter box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.core import space
from tui.core.filter_query import parse_query
from tui.ollama.models import ModelSummary, RunningModel
from tui.ollama.names import matcher, same_model
from tui.services.session import HostSession


def list_json(models: Sequence[ModelSummary], current: str) -> list[dict[str, Any]]:
    is_current = matcher(current)
    return [{**m.to_json(), "is_current": is_current(m.name)} for m in models]


@dataclass(frozen=True)
class ModelList:
    models: list[ModelSummary]  # those the filter kept, in the list's order
    current: str
    installed: int  # how many before the filter
    # Terms the filter could not read or this host cannot answer: the caller says so,
    # never shows an empty list as if nothing matched.
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "models": list_json(self.models, self.current),
                "current_model": self.current, "ollama_available": True,
                "count": len(self.models)}


async def list_models(session: HostSession, current: str, filter_text: str = "",
                      models: Sequence[ModelSummary] | None = None) -> ModelList:
    """The models the filter keeps (all without one). `models`: the list the caller has
    just had (else it is asked now). What the query needs beyond the list is asked only
    then: what is loaded, the use history, details (older servers list no capabilities),
    the registries. Raises OllamaError when the list or what is loaded cannot be had."""
    text = filter_text.strip()
    wants_loaded = any(w.lstrip("-").casefold() == "loaded" for w in text.split())
    if models is None:
        models = await session.fetch_list(running=wants_loaded)
    elif wants_loaded:
        await session.refresh_running()
    listed = list(models)
    if not text:
        return ModelList(listed, current, len(listed))
    if "unused" in text.casefold():
        await session.usage.load()
    query = parse_query(text, session.facts(current))
    if query.problems:
        return ModelList([], current, len(listed), query.problems)
    if query.needs_details:
        # Every model is wanted now, none in the background.
        await session.fetch_details(listed, full="ctx" in text.casefold())
    if query.needs_updates:
        await session.model_updates.check_all(listed)
    return ModelList([m for m in listed if query.accepts(m)], current, len(listed))


@dataclass(frozen=True)
class HostStatus:
    host: str
    current: str
    version: str
    models: Sequence[ModelSummary]
    running: Sequence[RunningModel]

    def to_json(self) -> dict[str, Any]:
        """The host, its version, counts, the current model and whether it is installed,
        the disk used (shared manifests once), what is loaded."""
        return {"status": "success", "ollama_available": True, "host": self.host,
                "current_model": self.current, "version": self.version,
                "count": len(self.models),
                "current_model_installed": any(same_model(m.name, self.current)
                                               for m in self.models),
                "disk_used": space.disk_used(self.models, lambda m: None),
                "running": [r.to_json() for r in self.running]}


async def status(session: HostSession, current: str) -> HostStatus:
    """Ask the version, the list and what is loaded. Raises OllamaError."""
    version = await session.client.version()
    models = await session.fetch_list(running=True)
    return HostStatus(session.client.display_url, current, version, models,
                      session.state.running)
