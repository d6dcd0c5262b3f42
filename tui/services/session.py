"""One Ollama host as the app sees it: its client, what it has, when to ask again, its pulls.

Free of Textual, so it is tested with pytest-asyncio against the emulator. The app holds
one session per host; views learn of changes through `subscribe`, never by polling it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tui.core import space
from tui.core.format import counted
from tui.core.pulls import PullJob, Pulls, Spawn
from tui.core.server_state import BACKOFF_START, ServerState
from tui.ollama import OllamaError, OllamaTimeoutError, UnreachableError
from tui.ollama.host import redact
from tui.ollama.models import ModelInfo, ModelSummary, RunningModel
from tui.ollama.names import model_key
from tui.services.history import BenchRecord, History
from tui.services.list_cache import ListCache
from tui.services.model_updates import ModelUpdates
from tui.services.usage_log import UsageLog

if TYPE_CHECKING:
    from tui.core.filter_query import Facts
    from tui.ollama.client import OllamaClient
    from tui.ollama.generation import GenerateResult
    from tui.ollama.recommendations import Recommendation
    from tui.services.registry_facts import RegistryFacts, RegistryFactsReader

# "host": the app switched to another host; "fleet": another host's state or models changed.
Topic = Literal["state", "models", "pulls", "running", "benchmarks", "updates", "usage",
                "recipes", "host", "fleet"]


@dataclass(frozen=True)
class Changed:
    """Something views show has changed: the server state, the model list, the pulls."""

    topic: Topic


@dataclass(frozen=True)
class Notice:
    """Something the user should be told once (a toast)."""

    message: str
    title: str = ""
    severity: Literal["information", "warning", "error"] = "information"


@dataclass(frozen=True)
class Pulled:
    """A pull finished and the model list already shows the model."""

    name: str


Event = Changed | Notice | Pulled
Listener = Callable[[Event], None]


def _spawn_task(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(coro)


class HostSession:
    def __init__(self, base_url: str, *, label: str = "", refresh_interval: float = 5.0,
                 spawn: Spawn = _spawn_task, list_cache: ListCache | None = None,
                 client: OllamaClient | None = None, history: History | None = None,
                 registry: str = "", client_options: dict[str, Any] | None = None) -> None:
        self.base_url = base_url
        self._client = client
        self._client_options = client_options or {}  # headers (a token), TLS: never shown
        self.label = label or redact(base_url).removeprefix("http://")
        self.refresh_interval = refresh_interval
        # Never wait longer to retry a vanished Ollama than to re-check a live one.
        self.state = ServerState(backoff_start=min(BACKOFF_START, refresh_interval))
        self.pulls = Pulls(self._run_pull, spawn)
        self._info: dict[tuple[str, str], ModelInfo] = {}
        self._asking: dict[tuple[str, str], asyncio.Future[ModelInfo]] = {}  # in flight
        self._listeners: list[Listener] = []
        self._list_cache = list_cache
        self._nameless_told = 0  # nameless entries already reported, to say it once
        self.loading: dict[str, str] = {}  # model key → its name, while a load runs
        self._disk_used: tuple[tuple[int, int, int], int] | None = None  # (inputs, bytes)
        self.refreshing = False
        self.history = history
        self.usage = UsageLog(history, base_url)
        self._usage_tasks: set[asyncio.Task[None]] = set()
        self.benchmarks: dict[str, BenchRecord] = {}  # digest → the newest result here
        self.recipes: dict[str, tuple[str, Any]] = {}  # model key → (name, recipe kept)
        self.registry = registry  # "" for registry.ollama.ai
        self._facts: RegistryFactsReader | None = None
        self.model_updates = ModelUpdates(registry, self.model_info, self.pulls,
                                          lambda: self.tell(Changed("updates")))
        self.last_error: OllamaError | None = None  # why the last refresh failed
        self.capabilities: dict[str, tuple[str, ...]] = \
            list_cache.load_capabilities() if list_cache is not None else {}
        if list_cache is not None:
            cached = list_cache.load(base_url)
            if cached:
                self.state.show_cached(cached)

    @property
    def client(self) -> OllamaClient:
        """Made on first use, so the first frame does not wait for httpx to import."""
        if self._client is None:
            from tui.ollama.client import OllamaClient

            self._client = OllamaClient(self.base_url, **self._client_options)
        return self._client

    # -- telling the views -------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def tell(self, event: Event) -> None:
        """Tell the views (the operations tell them what they start and finish)."""
        for listener in self._listeners:
            listener(event)

    # -- the model list ----------------------------------------------------------------
    def due(self, now: float | None = None) -> bool:
        return not self.refreshing and self.state.due(time.monotonic() if now is None else now)

    async def refresh(self) -> None:
        """Ask for version, models and loaded models at once; record the answer or failure."""
        state = self.state
        was_online = state.online
        self.refreshing = True
        try:
            need_version = state.online is not True or not state.version
            version, models, running = await asyncio.gather(
                self.client.version() if need_version else _already(state.version),
                self.client.list_models(),
                self._running_models(),
            )
        except OllamaError as exc:
            self.last_error = exc
            unreachable = isinstance(exc, UnreachableError | OllamaTimeoutError)
            state.record_failure(str(exc), time.monotonic(), answering=not unreachable)
            if was_online is not False:
                self.tell(Notice(str(exc), "Ollama is not answering", "error"))
            self.tell(Changed("state"))
            return
        finally:
            self.refreshing = False
        state.version, self.last_error = version, None
        running_before = _figures(state.running)
        changed = state.record_success(models, running, time.monotonic(), self.refresh_interval)
        if _figures(running) != running_before:
            self.tell(Changed("running"))
        if was_online is False:
            self.tell(Notice("Ollama is back"))
        self._tell_nameless(getattr(models, "skipped", 0))
        if changed:
            self.tell(Changed("models"))
            if self._list_cache is not None:
                await asyncio.to_thread(self._list_cache.save, self.base_url, models)
        self.tell(Changed("state"))
        await self._record_usage(self.usage.seen(m.name for m in models))
        await self._record_usage(self.usage.loaded(r.name for r in running))

    async def fetch_list(self, running: bool = False) -> list[ModelSummary]:
        """The model list alone (and what is loaded, with `running`), for one-shot callers
        such as the command line: raises OllamaError; the state keeps the answer."""
        models = await self.client.list_models()
        loaded = await self.client.ps() if running else self.state.running
        self.state.record_success(models, loaded, time.monotonic(), self.refresh_interval)
        return models

    async def _record_usage(self, write: Coroutine[Any, Any, bool]) -> None:
        if await write:
            self.tell(Changed("usage"))

    async def record_current(self, name: str) -> bool:
        """The user made `name` the current model; False if that could not be recorded."""
        written = await self.usage.current(name)
        if written:
            self.tell(Changed("usage"))
        return written

    def _tell_nameless(self, count: int) -> None:
        if count and count != self._nameless_told:
            self.tell(Notice(f"Left out {counted(count, 'entry', 'entries')} without a name "
                              "from Ollama's model list", "Odd model list", "warning"))
        self._nameless_told = count

    async def _running_models(self) -> list[RunningModel]:
        try:
            return await self.client.ps()
        except OllamaError:
            return []  # an old server without /api/ps still lists its models

    # -- memory ------------------------------------------------------------------------
    async def refresh_running(self) -> None:
        """Ask only what is loaded (cheap: the Running view asks every 2 s)."""
        if not self.state.online:
            return
        try:
            running = await self.client.ps()
        except OllamaError:
            return  # the next full refresh says what went wrong
        self._take_running(running)

    def _take_running(self, running: list[RunningModel]) -> None:
        state = self.state
        if _figures(running) == _figures(state.running):
            return
        loaded_before = state.loaded_keys()
        state.running = running
        self.tell(Changed("running"))
        if state.loaded_keys() != loaded_before:
            self.tell(Changed("models"))  # the grid's loaded markers
        if running:
            self._spawn_usage(self.usage.loaded([r.name for r in running]))

    def _spawn_usage(self, write: Coroutine[Any, Any, bool]) -> None:
        """Record usage without making the caller wait for the disk."""
        task = asyncio.get_running_loop().create_task(self._record_usage(write))
        self._usage_tasks.add(task)
        task.add_done_callback(self._usage_tasks.discard)

    # -- one model ---------------------------------------------------------------------
    def cached_info(self, model: ModelSummary) -> ModelInfo | None:
        return self._info.get(_info_key(model))

    async def model_info(self, model: ModelSummary) -> ModelInfo:
        """/api/show for `model`, asked once per name and digest: callers asking while the
        answer is on its way (the info panel and the background fetch) share it."""
        info = self.cached_info(model)
        if info is not None:
            return info
        key = _info_key(model)
        asking = self._asking.get(key)
        if asking is None:
            asking = self._asking[key] = asyncio.ensure_future(self.client.show(model.name))
            asking.add_done_callback(lambda done: self._asked(key, model.digest, done))
        return await asyncio.shield(asking)  # one caller cancelled leaves it to the others

    def _asked(self, key: tuple[str, str], digest: str,
               done: asyncio.Future[ModelInfo]) -> None:
        """The answer kept the moment it arrives: kept only when a waiter woke up, a caller
        coming in between would find neither the answer nor the question, and ask again."""
        self._asking.pop(key, None)
        if done.cancelled():
            return
        if done.exception() is not None:  # retrieved: when every caller was cancelled (the
            return  # app quit meanwhile), asyncio would print "exception was never retrieved"
        info = done.result()
        self._info[key] = info
        if digest:
            self.capabilities[digest] = info.capabilities

    def disk_used(self) -> int:
        """Bytes on disk, shared blobs counted once (by weights blob where details are in).

        The status bar asks at every repaint (10 a second during a pull): the figure is
        worked out again only when the list or the details known have changed."""
        # The signature changes with the list; a cached list shown before it has none yet.
        inputs = (self.state.signature, len(self.state.models), len(self._info))
        if self._disk_used is None or self._disk_used[0] != inputs:
            self._disk_used = (inputs, space.disk_used(self.state.models, self.cached_info))
        return self._disk_used[1]

    def known_capabilities(self, model: ModelSummary) -> tuple[str, ...] | None:
        """What the model can do, from the list, its details, or a previous run."""
        if model.capabilities:
            return model.capabilities  # newer servers list them in /api/tags
        info = self.cached_info(model)
        if info is not None:
            return info.capabilities
        return self.capabilities.get(model.digest) if model.digest else None

    async def fetch_details(self, priority: Sequence[ModelSummary] = (), full: bool = False,
                            fetched: Callable[[list[ModelSummary]], None] | None = None,
                            ) -> list[ModelSummary]:
        """/api/show for the models lacking details, `priority` first (model_details)."""
        from tui.services.model_details import fetch_details

        return await fetch_details(self, priority, full, fetched)

    async def fetch_infos(self, models: Sequence[ModelSummary]) -> dict[ModelSummary, ModelInfo]:
        """/api/show for exactly `models`, a few at a time; failures left out."""
        from tui.services.model_details import infos_of

        return await infos_of(self, models)

    def facts(self, current: str) -> Facts:
        """What the filter language may ask of this host's models (`current`: the
        config's current model)."""
        from tui.services.model_details import session_facts

        return session_facts(self, current)

    def generate_stream(self, name: str, prompt: str) -> AsyncIterator[GenerateResult]:
        """Stream `name`'s answer to `prompt` (the prompt screen); raises OllamaError."""
        return self.client.generate_stream(name, prompt)

    async def save_capabilities(self) -> None:
        if self._list_cache is not None:
            await asyncio.to_thread(self._list_cache.save_capabilities, dict(self.capabilities))

    # -- speed -------------------------------------------------------------------------
    async def load_history(self) -> None:
        """Benchmark results and usage kept from earlier runs (the CLI's too), this host's."""
        if self.history is not None:
            self.benchmarks = await asyncio.to_thread(self.history.latest_benchmarks,
                                                      self.base_url)
            await self.usage.load()
            self.recipes = await asyncio.to_thread(self.history.recipes, self._history_host)
            self.tell(Changed("benchmarks"))
            self.tell(Changed("usage"))
            self.tell(Changed("recipes"))

    def benchmark_of(self, model: ModelSummary) -> BenchRecord | None:
        return self.benchmarks.get(model.digest) if model.digest else None

    # -- variants' recipes -------------------------------------------------------------
    @property
    def _history_host(self) -> str:
        return self.base_url.rstrip("/")  # as the client writes it, without making one

    async def keep_recipe(self, name: str, recipe: dict[str, Any]) -> bool:
        """Keep how the variant `name` was made here; False if the history could not."""
        if self.history is None:
            return False
        kept = await asyncio.to_thread(self.history.record_recipe, self._history_host, name,
                                       recipe)
        self.recipes[model_key(name)] = (name, recipe)
        self.tell(Changed("recipes"))
        return kept

    def kept_recipes(self) -> dict[str, tuple[str, Any]]:
        """Every recipe kept on this host, read again (the CLI's variants too)."""
        if self.history is None:
            return {}
        return self.history.recipes(self._history_host)

    def variant_facts(self, model: ModelSummary) -> list[tuple[str, str]]:
        """The info panel's lines on `model` as a variant made here and as a base."""
        if not self.recipes:  # no variant made here: the variants' code stays unloaded
            return []
        from tui.core.variant_states import variant_facts

        return variant_facts(model, self.state.models, self.recipes)

    # -- registries --------------------------------------------------------------------
    async def registry_facts(self, name: str) -> RegistryFacts:
        """A model's size and memory figures from its registry, before a pull (raises
        RegistryFactsError); the reader is made on first use."""
        if self._facts is None:
            from tui.services.registry_facts import RegistryFactsReader

            self._facts = RegistryFactsReader(self.registry)
        return await self._facts.facts(name)

    async def model_recommendations(self) -> list[Recommendation]:
        """The server's recommended models; [] when it has none to offer (an older server,
        or any error: they only add choices, so their absence is not worth a word)."""
        try:
            return await self.client.model_recommendations() or []
        except OllamaError:
            return []

    async def _pulled(self, name: str) -> None:
        """Say what a pull did: for an update, old → new digest and the size change."""
        outcome = self.model_updates.outcome(name, self.state.models)
        if outcome is None:
            self.tell(Notice(f"Pulled {name}"))
            return
        self.tell(Notice(outcome.sentence(), "Update"))
        from tui.core.variant_states import rebuild_note

        if note := rebuild_note(name, self.recipes):
            self.tell(Notice(note, "Variants", "warning"))
        await self.model_updates.recheck(name, self.state.models)

    async def delete(self, model: ModelSummary) -> None:
        """Delete a model; the list drops it at once. Raises OllamaError."""
        await self.client.delete(model.name)
        self.state.forget(model.name)
        self.tell(Changed("models"))
        self.tell(Changed("state"))

    # -- pulls -------------------------------------------------------------------------
    async def _run_pull(self, job: PullJob) -> None:
        try:
            async for event in self.client.pull(job.name, coalesce=True):
                job.progress.feed(event, time.monotonic())
                self.pulls.changed = True
                # A fast stream has data ready at every read and would never give the
                # event loop back: yield, so keys and repaints go on during a pull.
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            job.cancel()
            self.pulls.changed = True
            raise
        except OllamaError as exc:
            self._pull_failed(job, str(exc))
        except Exception as exc:  # a bug must fail the pull visibly, never leave it "running"
            self._pull_failed(job, f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            await self.refresh()  # so that "done" means the list already shows it
            job.finish()
            self.pulls.changed = True
            await self._pulled(job.name)
            self.tell(Pulled(job.name))

    def _pull_failed(self, job: PullJob, message: str) -> None:
        job.fail(message)
        self.pulls.changed = True
        self.tell(Notice(message, f"Pull of {job.name} failed", "error"))

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        await self.model_updates.aclose()
        if self._facts is not None:
            await self._facts.aclose()


def _figures(running: list[RunningModel]) -> list[tuple[object, ...]]:
    return [(r.name, r.size, r.size_vram, r.expires_at_text, r.context_length) for r in running]


async def _already(value: str) -> str:
    return value


def _info_key(model: ModelSummary) -> tuple[str, str]:
    return (model_key(model.name), model.digest)
