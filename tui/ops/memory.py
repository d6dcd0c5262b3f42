"""What is in memory and what would fit: load, unload, the running models, and the memory a
model needs at a context (installed: from /api/show; not installed: from its registry
manifest and weights header, by the same estimator). Results have to_json()."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui.core.memory import MemoryEstimate, estimate_memory, fit_table
from tui.core.vram import Vram, host_vram
from tui.ollama import ModelInfo, ModelNotFoundError, OllamaError
from tui.ollama.durations import keep_alive_value, keep_alive_words
from tui.ollama.models import RunningModel
from tui.ollama.names import model_key, normalize, same_model
from tui.ops import BadRequest
from tui.ops.models import Outcome
from tui.services.config import KV_CACHE_TYPES, Settings, vram_total
from tui.services.registry_facts import RegistryFacts, RegistryFactsError, free_disk
from tui.services.session import Changed, HostSession


def parse_keep_alive(text: str | None) -> str | int | None:
    """5m, 1h, 30s or forever, as Ollama takes it; None: Ollama's default. Raises
    BadRequest."""
    if text is None:
        return None
    try:
        return keep_alive_value(text)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


# -- load ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loaded:
    model: str
    keep_alive: str | int | None
    evicted: list[str]  # what Ollama unloaded, without a word, to make room (when known)
    recorded: bool  # its use was written into the history

    @property
    def message(self) -> str:
        return f"Loaded {self.model} {keep_alive_words(self.keep_alive)}"

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "keep_alive": self.keep_alive,
                "message": self.message}


async def load(session: HostSession, name: str, keep_alive: str | int | None) -> Loaded:
    """Load a model into memory (it can take minutes); `session.loading` names it meanwhile.
    Raises InvalidNameError, OllamaError."""
    model = normalize(name)
    key = model_key(model)
    known = bool(session.state.online)  # a session that follows the host knows what ran
    before = {model_key(r.name): r.name for r in session.state.running}
    session.loading[key] = model
    session.tell(Changed("running"))  # a view shows it loading meanwhile
    try:
        await session.client.load(model, keep_alive)
    finally:
        session.loading.pop(key, None)
        session.tell(Changed("running"))
    recorded = await session.usage.recorded_loaded([model])
    evicted: list[str] = []
    if known:
        await session.refresh_running()  # so that "loaded" means the Running view shows it
        evicted = [shown for k, shown in before.items()
                   if k != key and k not in session.state.loaded_keys()]
    return Loaded(model, keep_alive, evicted, recorded)


# -- unload -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unloaded:
    outcomes: list[Outcome]

    @property
    def ok(self) -> bool:
        return all(o.status == "success" for o in self.outcomes)

    def to_json(self) -> dict[str, Any]:
        return {"status": "success" if self.ok else "error",
                "results": [o.to_json() for o in self.outcomes]}


async def unload(session: HostSession, names: list[str], every: bool = False) -> Unloaded:
    """Unload the models named (or every loaded one): each one's outcome, a model that was
    not loaded said so. Raises BadRequest (no names, no --all), OllamaError (what is loaded
    could not be had for --all)."""
    loaded: set[str] | None = None  # model keys; None when /api/ps could not say
    if every:
        names = [r.name for r in await session.client.ps()]
    elif not names:
        raise BadRequest("name the models to unload, or give --all")
    else:
        with contextlib.suppress(OllamaError):
            loaded = {model_key(r.name) for r in await session.client.ps()}
    outcomes = []
    for name in names:
        try:
            model = normalize(name)
            await session.client.unload(model)
        except OllamaError as exc:
            outcomes.append(Outcome("error", name, str(exc)))
            continue
        message = f"{model} was not loaded" if loaded is not None and \
            model_key(model) not in loaded else f"Unloaded {model}"
        outcomes.append(Outcome("success", model, message))
    await session.refresh_running()
    return Unloaded(outcomes)


# -- running ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Running:
    models: Sequence[RunningModel]  # as Ollama listed them (`skipped`: nameless left out)
    recorded: bool  # their use was written into the history

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "models": [r.to_json() for r in self.models],
                "count": len(self.models)}


async def running(session: HostSession) -> Running:
    """The models in memory now; their use is recorded. Raises OllamaError."""
    models = await session.client.ps()
    recorded = await session.usage.recorded_loaded(r.name for r in models) if models else True
    return Running(models, recorded)


# -- fit ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fit:
    model: str
    estimate: MemoryEstimate
    vram: Vram | None  # the GPU memory to judge by (configured or seen); None: no verdict
    info: ModelInfo  # what the estimate was made from (the table at other contexts too)
    size: int  # bytes of the weights on disk (or to download)
    facts: RegistryFacts | None = None  # the registry's, for a model not installed
    free_disk: int | None = None  # where the host keeps its models, when readable here

    def table(self) -> list[MemoryEstimate]:
        return fit_table(self.info, self.size, self.estimate.kv_cache_type,
                         self.estimate.parallel)

    def to_json(self) -> dict[str, Any]:
        estimate, vram, facts, free = self.estimate, self.vram, self.facts, self.free_disk
        said = vram.verdict(estimate.total) if vram else None
        source: dict[str, Any] = {"source": "installed"} if facts is None else {
            "source": "registry", "download_bytes": facts.download_size,
            "free_disk_bytes": free,
            "disk_fits": None if free is None else facts.download_size <= free,
            "family": facts.family or facts.model().architecture,
            "file_type": facts.file_type, "weights_digest": facts.weights_digest}
        return {"status": "success", "model": self.model, "context_length": estimate.context,
                "kv_cache_type": estimate.kv_cache_type, "parallel": estimate.parallel,
                "weights_bytes": estimate.weights, "kv_cache_bytes": estimate.kv_cache,
                "projector_bytes": estimate.projector, "overhead_bytes": estimate.overhead,
                "total_bytes": estimate.total, "vram_bytes": vram.bytes if vram else None,
                # "seen": what /api/ps shows in use; vram_whole false: only a lower bound
                "vram_source": vram.source if vram else None,
                "vram_whole": vram.whole if vram else None,
                "fits": None if said is None else said == "fits", "verdict": said,
                "upper_bound": estimate.upper_bound, **source}


def models_dir(settings: Settings) -> str:
    entry = settings.hosts.get(settings.host_name)
    return entry.models_dir if entry else ""


async def host_gpu(session: HostSession, configured: int | None) -> Vram | None:
    """The GPU memory to judge by: the configured one, else what /api/ps shows in use now
    (as last seen, if it cannot be asked); None when neither tells."""
    if configured:
        return Vram(configured)
    running = session.state.running
    with contextlib.suppress(OllamaError):
        running = await session.client.ps()
    return host_vram(None, running)


async def fit(session: HostSession, settings: Settings, name: str, context: int | None = None,
              kv_cache_type: str | None = None, vram_text: str | None = None,
              parallel: int = 1) -> Fit:
    """The memory `name` needs at `context` (the config's fit_context by default) and
    whether it fits. Raises BadRequest, InvalidNameError, OllamaError, UnknownEstimate,
    RegistryFactsError."""
    kv_type = kv_cache_type or settings.kv_cache_type
    if kv_type not in KV_CACHE_TYPES:
        raise BadRequest(f"--kv-cache must be one of {', '.join(KV_CACHE_TYPES)}")
    try:
        configured = vram_total(vram_text) if vram_text else settings.vram_bytes
    except ValueError as exc:  # a --vram that is not a size
        raise BadRequest(f"--vram: {exc}") from None
    model = normalize(name)
    ctx = context or settings.fit_context
    facts = None
    try:
        info = await session.client.show(model)
        summary = next((m for m in await session.fetch_list() if same_model(m.name, model)),
                       None)
        size = summary.size if summary else 0
    except ModelNotFoundError:
        try:
            facts = await session.registry_facts(model)
        except RegistryFactsError as exc:  # said as every command says a missing model
            raise ModelNotFoundError(f"{model} is not installed, and the registry: {exc}",
                                     model) from None
        info, size = facts.model(), facts.download_size
    estimate = estimate_memory(info, size, ctx, kv_type, parallel)
    free = free_disk(models_dir(settings)) if facts else None
    return Fit(model, estimate, await host_gpu(session, configured), info, size, facts, free)


async def pull_check(session: HostSession, settings: Settings, name: str) -> Fit:
    """Before a pull: the download size (and the free disk) and the verdict at the config's
    fit_context, from the registry. Raises InvalidNameError, OllamaError, UnknownEstimate,
    RegistryFactsError."""
    model = normalize(name)
    facts = await session.registry_facts(model)
    estimate = facts.estimate(settings.fit_context, settings.kv_cache_type)
    return Fit(model, estimate, await host_gpu(session, settings.vram_bytes), facts.model(),
               facts.download_size, facts, free_disk(models_dir(settings)))
