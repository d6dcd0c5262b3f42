"""What a host's models are, beyond its list: details fetched by /api/show (a policy: the
rows a user sees first, a few at a time), and the facts the filter language asks, built
once for one host (HostSession.facts) or for several at once (fleet_facts). No Textual."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tui.core.filter_query import Facts
from tui.ollama import OllamaError
from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import model_key

if TYPE_CHECKING:
    from tui.services.session import HostSession

DETAILS_AT_ONCE = 4  # /api/show requests in flight: Ollama reads each manifest from disk
DETAILS_BATCH = 16  # models asked before the caller hears of them (it repaints them)
BACKGROUND_PAUSE = 0.5  # seconds between batches of models nobody is looking at


async def fetch_details(session: HostSession, priority: Sequence[ModelSummary] = (),
                        full: bool = False,
                        fetched: Callable[[list[ModelSummary]], None] | None = None,
                        pause: float = BACKGROUND_PAUSE) -> list[ModelSummary]:
    """Ask /api/show for the models whose details are missing: `priority` (the rows on
    screen) first, then the rest slowly. Without `full`, a model whose capabilities are
    known (listed, or seen by a previous run with the same digest) is not asked. Each
    batch done is passed to `fetched`; the models asked are returned. A failure leaves a
    model without details (the info panel says why when it is shown)."""
    def missing(model: ModelSummary) -> bool:
        if model.is_remote or session.cached_info(model) is not None:
            return False
        return full or session.known_capabilities(model) is None

    wanted = list(dict.fromkeys(m for m in [*priority, *session.state.models] if missing(m)))
    urgent = sum(1 for m in priority if missing(m))
    for start in range(0, len(wanted), DETAILS_BATCH):
        if start >= urgent and not full and start:
            await asyncio.sleep(pause)  # nobody is looking at these: no hurry
        batch = wanted[start:start + DETAILS_BATCH]
        await infos_of(session, batch)
        if fetched is not None:
            fetched(batch)
    if wanted:
        await session.save_capabilities()
    return wanted


async def infos_of(session: HostSession,
                   models: Iterable[ModelSummary]) -> dict[ModelSummary, ModelInfo]:
    """/api/show for each of `models`, a few at a time (through the session's cache); a
    model whose answer failed is left out."""
    gate = asyncio.Semaphore(DETAILS_AT_ONCE)
    found: dict[ModelSummary, ModelInfo] = {}

    async def fetch(model: ModelSummary) -> None:
        async with gate:
            with contextlib.suppress(OllamaError):
                found[model] = await session.model_info(model)

    await asyncio.gather(*(fetch(m) for m in models))
    return found


def session_facts(session: HostSession, current: str) -> Facts:
    """What the filter may ask of one host's models, from what the session knows."""
    return Facts(capabilities=session.known_capabilities,
                 context_length=lambda m: _context(session, m),
                 loaded=session.state.loaded_keys(), current=model_key(current),
                 update_state=session.model_updates.state_of,
                 last_used=lambda m: session.usage.last_used(m.name))


def fleet_facts(sessions: Iterable[HostSession], current: str) -> Facts:
    """The facts of several hosts at once (the Hosts matrix, `fleet --filter`): a model
    has a capability or a context if any host's copy says so, is loaded if it is loaded
    anywhere, and was last used when any host last used it. Whether a newer version
    exists is asked per host, so `outdated` is reported as unanswerable here."""
    hosts = list(sessions)

    def copies(model: ModelSummary) -> list[tuple[HostSession, ModelSummary]]:
        key = model_key(model.name)
        return [(s, m) for s in hosts for m in s.state.models if model_key(m.name) == key]

    def capabilities(model: ModelSummary) -> set[str] | None:
        known = [c for s, m in copies(model) if (c := s.known_capabilities(m)) is not None]
        return set().union(*known) if known else None

    def context_length(model: ModelSummary) -> int | None:
        found = [n for s, m in copies(model) if (n := _context(s, m))]
        return max(found) if found else None

    def last_used(model: ModelSummary) -> datetime | None:
        used = [u for s, _ in copies(model) if (u := s.usage.last_used(model.name))]
        return max(used) if used else None

    loaded = set().union(*(s.state.loaded_keys() for s in hosts)) if hosts else set()
    return Facts(capabilities=capabilities, context_length=context_length, loaded=loaded,
                 current=model_key(current), last_used=last_used,
                 unanswerable={"outdated": "outdated is asked per host: filter one "
                                           "host's models (qgoose-tui --host URL list)"})


def _context(session: HostSession, model: ModelSummary) -> int | None:
    info = session.cached_info(model)
    return model.details.context_length or (info.context_length if info else None)
