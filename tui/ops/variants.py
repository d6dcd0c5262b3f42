"""Variants: a model made from another with a few changes (parameters, system prompt,
template, quantisation), kept with its recipe so it can be made again when its base is
updated; pushing a model to its registry; a model's Modelfile.

Each operation takes the host's session (its client and history), as the TUI, the CLI and
the web API each hold one, and returns a result with to_json();
progress goes to an optional callback with each of Ollama's lines. Cancelling is
cancelling the task: the stream is closed, as a pull's is.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tui.core.format import human_size
from tui.core.pulls import PullJob
from tui.core.recipes import Recipe, quantize_problem
from tui.core.variant_states import VariantState, find_model, variant_state
from tui.ollama import ModelSummary, OllamaError, PullEvent
from tui.ollama.errors import InvalidNameError, ModelNotFoundError
from tui.ollama.names import DEFAULT_HOST, DEFAULT_NAMESPACE, normalize, parse_name, same_model
from tui.services.session import HostSession, Notice

OnEvent = Callable[[PullEvent], None]


class VariantRefused(ValueError):
    """A variant or push refused before anything is sent; `usage`: the input is wrong
    (exit 2), else the state of the host is (exit 1)."""

    def __init__(self, message: str, usage: bool = True) -> None:
        super().__init__(message)
        self.usage = usage


class NameTaken(VariantRefused):
    """Another model already has the variant's name, and replacing it was not asked: each
    caller says how to ask (--force, the form's confirmation, "replace": true)."""

    def __init__(self, model: str) -> None:
        super().__init__(f"{model} already exists", usage=False)
        self.model = model


@dataclass(frozen=True)
class VariantResult:
    model: str
    recipe: Recipe
    digest: str
    replaced: bool
    recipe_kept: bool  # False: the history could not be written (the model exists anyway)
    verb: str = "Created"

    @property
    def message(self) -> str:
        return f"{self.verb} {self.model} from {self.recipe.base}"

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "base": self.recipe.base,
                "digest": self.digest, "replaced": self.replaced,
                "recipe": self.recipe.to_json(), "recipe_kept": self.recipe_kept,
                "message": self.message}


@dataclass(frozen=True)
class PushResult:
    model: str
    pushed_bytes: int

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "pushed_bytes": self.pushed_bytes,
                "message": f"Pushed {self.model}"}


@dataclass(frozen=True)
class ModelfileResult:
    model: str
    modelfile: str

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "modelfile": self.modelfile}


@dataclass(frozen=True)
class RebuildOutcome:
    model: str
    status: str  # rebuilt | current | error
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "status": self.status, "message": self.message}


@dataclass(frozen=True)
class RebuildResult:
    outcomes: tuple[RebuildOutcome, ...]

    @property
    def ok(self) -> bool:
        return all(o.status != "error" for o in self.outcomes)

    def to_json(self) -> dict[str, Any]:
        return {"status": "success" if self.ok else "error",
                "results": [o.to_json() for o in self.outcomes],
                "rebuilt": sum(o.status == "rebuilt" for o in self.outcomes)}


async def create_variant(session: HostSession, name: str,
                         recipe: Recipe, *, replace_existing: bool = False,
                         on_event: OnEvent | None = None, verb: str = "Created",
                         ) -> VariantResult:
    """Make `name` from `recipe.base` with the recipe's changes, and keep the recipe.
    Raises InvalidNameError, VariantRefused (NameTaken for a name in use), ModelNotFoundError
    or another OllamaError."""
    client = session.client
    model = normalize(name)
    problem = recipe.problem()
    if problem:
        raise VariantRefused(problem)
    base_name = normalize(recipe.base)
    if same_model(model, base_name):
        raise VariantRefused(f"{model} is the base itself: give the variant a name of its own")
    models = await client.list_models()
    base = find_model(models, base_name)
    if base is None:
        raise ModelNotFoundError(f"{base_name} is not installed here: pull it first", base_name)
    if base.is_remote:
        raise VariantRefused(f"{base_name} is a cloud model: variants are made from local ones",
                             usage=False)
    existing = find_model(models, model)
    if existing is not None and not replace_existing:
        raise NameTaken(existing.name)
    recipe = replace(recipe, base=base.name, base_digest=base.digest,
                     quantize=recipe.quantize.upper())
    if recipe.quantize:
        refusal = quantize_problem(base.details.quantization_level, recipe.quantize)
        if refusal:
            raise VariantRefused(f"cannot quantize {base.name}: {refusal}")
    async for event in client.create_events(model, recipe.request()):
        if on_event is not None:
            on_event(event)
    made = find_model(await client.list_models(), model)
    kept = await session.keep_recipe(model, recipe.to_json())
    return VariantResult(made.name if made else model, recipe, made.digest if made else "",
                         existing is not None, kept, verb)


def recipes_here(session: HostSession) -> dict[str, tuple[str, Recipe | str]]:
    """Model key → (name, recipe, or why the kept one cannot be read); reads the history
    (call it in a thread)."""
    found: dict[str, tuple[str, Recipe | str]] = {}
    for key, (name, data) in session.kept_recipes().items():
        try:
            found[key] = (name, Recipe.from_json(data))
        except ValueError:
            found[key] = (name, "its recipe in the history is damaged")
    return found


async def variant_states(session: HostSession,
                         models: Sequence[ModelSummary] | None = None) -> list[VariantState]:
    """Each variant made on this host, and whether its base changed since."""
    if models is None:
        models = await session.client.list_models()
    kept = await asyncio.to_thread(recipes_here, session)
    states = []
    for name, recipe in kept.values():
        if isinstance(recipe, str):
            states.append(VariantState(name, Recipe(""), "broken", recipe))
            continue
        states.append(variant_state(name, recipe, models))
    return states


async def rebuild_variants(session: HostSession, names: Sequence[str] = (),
                           *, on_event: Callable[[str, PullEvent], None] | None = None,
                           ) -> RebuildResult:
    """Make again, from their updated base, the named variants (none named: every variant
    whose base was updated), keeping their names."""
    states = await variant_states(session)
    if not names:
        chosen: list[VariantState | str] = [s for s in states if s.state == "base updated"]
    else:
        chosen = [next((s for s in states if same_model(s.model, name)), normalize(name))
                  for name in names]
    outcomes: list[RebuildOutcome] = []
    for state in chosen:
        if isinstance(state, str):
            outcomes.append(RebuildOutcome(state, "error", f"{state} was not made here as a "
                                           "variant: there is no recipe to rebuild it"))
        else:
            outcomes.append(await _rebuild(session, state, on_event))
    return RebuildResult(tuple(outcomes))


async def _rebuild(session: HostSession, state: VariantState,
                   on_event: Callable[[str, PullEvent], None] | None) -> RebuildOutcome:
    if state.state == "current":
        return RebuildOutcome(state.model, "current", f"{state.model} is already made from "
                              f"the current {state.recipe.base}")
    if state.state not in ("base updated", "variant missing"):
        return RebuildOutcome(state.model, "error", f"cannot rebuild {state.model}: "
                              f"{state.reason}")

    def forward(event: PullEvent) -> None:
        if on_event is not None:
            on_event(state.model, event)

    try:
        result = await create_variant(session, state.model, state.recipe,
                                      replace_existing=True, on_event=forward, verb="Rebuilt")
    except (OllamaError, VariantRefused) as exc:
        return RebuildOutcome(state.model, "error", f"cannot rebuild {state.model}: {exc}")
    return RebuildOutcome(result.model, "rebuilt", result.message)


def push_problem(name: str) -> str:
    """Why `name` cannot be pushed as it is named ("" when it can be tried)."""
    try:
        parsed = parse_name(name)
    except InvalidNameError as exc:
        return str(exc)
    if parsed.host.lower() == DEFAULT_HOST and parsed.namespace.lower() == DEFAULT_NAMESPACE:
        return (f"{parsed.display} has no namespace: ollama.com keeps models under their "
                f"owner's name; copy it as YOU/{parsed.display} (your ollama.com user name) "
                "and push that")
    return ""


async def push_model(session: HostSession, name: str,
                     on_event: OnEvent | None = None) -> PushResult:
    """Push `name` to its registry. Raises VariantRefused (no namespace), PushRefusedError
    (not signed in, not the namespace's owner) or another OllamaError."""
    model = normalize(name)
    problem = push_problem(model)
    if problem:
        raise VariantRefused(problem)
    sizes: dict[str, int] = {}
    async for event in session.client.push(model):
        if event.digest and event.total:
            sizes[event.digest] = event.total
        if on_event is not None:
            on_event(event)
    return PushResult(model, sum(sizes.values()))


def start_push(session: HostSession, name: str) -> PullJob | None:
    """Start pushing `name` as a job beside the host's pulls (its progress, cancel and retry
    are theirs); None when it is already being pushed. Raises VariantRefused (no
    namespace) before anything is sent; the registry's refusals fail the job, with what
    to do."""
    model = normalize(name)
    problem = push_problem(model)
    if problem:
        raise VariantRefused(problem)
    return session.pulls.start(model, "push", lambda job: _run_push(session, job))


async def _run_push(session: HostSession, job: PullJob) -> None:
    pulls = session.pulls
    try:
        async for event in session.client.push(job.name):
            job.progress.feed(event, time.monotonic())
            pulls.changed = True
            await asyncio.sleep(0)  # keys and repaints go on during a fast stream
    except asyncio.CancelledError:
        job.cancel()
        pulls.changed = True
        raise
    except Exception as exc:  # a bug too must fail the push visibly, never leave it running
        message = str(exc) if isinstance(exc, OllamaError) else \
            f"unexpected error: {type(exc).__name__}: {exc}"
        job.fail(message)
        pulls.changed = True
        session.tell(Notice(message, f"Push of {job.name} failed", "error"))
    else:
        job.finish()
        pulls.changed = True
        session.tell(Notice(f"Pushed {job.name} ({human_size(job.progress.total)})"))


async def modelfile_of(session: HostSession, name: str) -> ModelfileResult:
    """The model's Modelfile as Ollama writes it (/api/show)."""
    info = await session.client.show(name)
    return ModelfileResult(info.name, info.modelfile)
