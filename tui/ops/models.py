"""Operations on one host's models: info, use (make current), the current model, delete
(saying what it frees), copy, rename, pull. Each takes the host's session, raises the error
that says what went wrong (OllamaError, NotInstalledError, ConfigError, RenameError), and
returns a result whose to_json() is the shape `--json` prints and the web API answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tui.core import space
from tui.core.format import human_size, printable
from tui.ollama import ModelInfo, ModelNotFoundError, ModelSummary, OllamaError
from tui.ollama.names import model_key, normalize, same_model, validation_error
from tui.services.config import ConfigError, Settings, set_current_model
from tui.services.session import HostSession


# -- info ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelDetails:
    info: ModelInfo

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.info.name, "info": self.info.to_json()}


async def info(session: HostSession, name: str) -> ModelDetails:
    """Ollama's details of one model (by name: it need not be in the list). Raises
    OllamaError."""
    return ModelDetails(await session.client.show(name))


# -- use ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CurrentSet:
    model: str
    saved: bool  # False in the demo: the user's own config is never changed
    recorded: bool = True  # its use was written into the history

    @property
    def message(self) -> str:
        return f"Model set to {self.model}" + ("" if self.saved else " (demo: not saved)")

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "message": self.message}


async def use(session: HostSession, settings: Settings, name: str,
              installed: list[ModelSummary] | None = None) -> CurrentSet:
    """Make `name` the current model: only an installed one (`installed`, or the list asked
    now), saved in the config, its use recorded. Raises InvalidNameError, OllamaError,
    NotInstalledError, ConfigError."""
    normalize(name)
    models = await session.fetch_list() if installed is None else installed
    chosen = await asyncio.to_thread(set_current_model, settings, [m.name for m in models],
                                     name)
    recorded = await session.record_current(chosen)
    return CurrentSet(chosen, settings.saved, recorded)


@dataclass(frozen=True)
class CurrentModel:
    model: str

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "current_model": self.model}


class NoCurrentModel(Exception):
    """No usable current model is set; `model`: what the config holds ("" for nothing)."""

    def __init__(self, message: str, model: str) -> None:
        super().__init__(message)
        self.model = model


def current(settings: Settings) -> CurrentModel:
    """The config's current model (Ollama is not asked): the one `use`, the TUI and the web
    API set. Raises NoCurrentModel when none is set or it is no model name."""
    name = settings.current_model
    if not name.strip():
        raise NoCurrentModel("no current model is set (qgoose-tui use NAME sets one)", "")
    problem = validation_error(name)
    if problem:
        raise NoCurrentModel(f"the current model in {settings.path} is not a model name: "
                             f"{problem} (qgoose-tui use NAME sets one)", name)
    return CurrentModel(name)


# -- delete -------------------------------------------------------------------------------
@dataclass
class DeletePlan:
    """The models a delete names, found among those installed, with the details that say
    exactly which blobs each shares (complete: every model that could share was asked)."""

    wanted: list[str]  # the names asked for, normalised
    installed: list[ModelSummary]
    details: dict[ModelSummary, ModelInfo]
    complete: bool

    def find(self, name: str) -> ModelSummary | None:
        return next((m for m in self.installed if model_key(m.name) == model_key(name)), None)

    def freed(self, deleting: list[ModelSummary]) -> space.SpaceFreed:
        """What deleting `deleting` frees: blobs shared with a model kept are not freed."""
        freed = space.space_freed(deleting, self.installed, self.details.get)
        freed.approximate = not self.complete  # other weights were left out on purpose
        return freed

    def question_size(self, model: ModelSummary) -> str:
        """The size a y/N question shows: another tag of the same manifest frees nothing."""
        shared = space.space_freed([model], self.installed,
                                   lambda m: None).shared_with.get(model.name)
        if not shared:
            return human_size(model.size)
        return f"{human_size(model.size)}, shared with {printable(shared[0])}: frees nothing"


async def plan_delete(session: HostSession, names: list[str],
                      installed: list[ModelSummary] | None = None) -> DeletePlan:
    """Find the models `names` name and the details of those that could share their
    weights (the same family, size and quantisation: the weights file decides all three).
    Raises InvalidNameError, OllamaError (the list could not be had)."""
    wanted = [normalize(n) for n in names]
    models = list(await session.fetch_list() if installed is None else installed)
    plan = DeletePlan(wanted, models, {}, True)
    deleting = [m for n in wanted if (m := plan.find(n)) is not None]

    def looks(m: ModelSummary) -> tuple[str, str, str]:
        return (m.details.family, m.details.parameter_size, m.details.quantization_level)

    alike = {looks(m) for m in deleting}
    candidates = [m for m in models if looks(m) in alike and not m.is_remote]
    plan.details = await session.fetch_infos(candidates)
    plan.complete = len(plan.details) == len(candidates)
    return plan


@dataclass(frozen=True)
class SpaceAnswer:
    """What deleting one model would free, asked before deleting it."""

    model: ModelSummary
    freed: space.SpaceFreed
    is_current: bool

    @property
    def message(self) -> str:
        name, freed = self.model.name, self.freed
        shared = freed.shared_with.get(name, [])
        if shared:
            return f"Deleting {name} frees nothing: its data is shared with {', '.join(shared)}"
        about = "about " if freed.approximate and freed.freed else ""
        return f"Deleting {name} frees {about}{human_size(freed.freed)} of disk"

    def to_json(self) -> dict[str, Any]:
        freed = self.freed
        return {"status": "success", "model": self.model.name, "size": self.model.size,
                "freed_bytes": freed.freed, "kept_bytes": freed.kept,
                "shared_with": freed.shared_with.get(self.model.name, []),
                "freed_is_approximate": freed.approximate, "is_current": self.is_current,
                "message": self.message}


async def space_freed(session: HostSession, name: str, current: str,
                      installed: list[ModelSummary] | None = None) -> SpaceAnswer:
    """What deleting `name` would free (by the delete's own rule). Raises InvalidNameError,
    ModelNotFoundError (not installed), OllamaError."""
    plan = await plan_delete(session, [name], installed)
    model = plan.find(plan.wanted[0])
    if model is None:
        raise ModelNotFoundError(f"{plan.wanted[0]} is not installed", plan.wanted[0])
    return SpaceAnswer(model, plan.freed([model]), same_model(model.name, current))


@dataclass(frozen=True)
class Outcome:
    """One model's part of an operation: success, error or cancelled."""

    status: str
    model: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "model": self.model, "message": printable(self.message)}


@dataclass
class DeleteReport:
    outcomes: list[Outcome] = field(default_factory=list)
    freed: space.SpaceFreed | None = None  # None: nothing was deleted
    deleted: list[ModelSummary] = field(default_factory=list)
    errors: list[OllamaError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.status != "error" for o in self.outcomes)

    def to_json(self) -> dict[str, Any]:
        figures = {} if self.freed is None else {"freed_bytes": self.freed.freed,
                                                 "freed_is_approximate": self.freed.approximate}
        results = [o.to_json() for o in self.outcomes]
        if len(results) == 1:
            return {**results[0], **figures}
        return {"status": "success" if self.ok else "error", "results": results, **figures}


async def delete_one(session: HostSession, plan: DeletePlan, name: str,
                     report: DeleteReport) -> None:
    """Delete one model of the plan, adding its outcome to `report`; the space freed is
    worked out by `finish`."""
    model = plan.find(name)
    if model is None:
        report.outcomes.append(Outcome("error", name, f"{name} is not installed"))
        return
    try:
        await session.delete(model)
    except OllamaError as exc:
        report.errors.append(exc)
        report.outcomes.append(Outcome("error", name, str(exc)))
        return
    report.outcomes.append(Outcome("success", name, f"Model {name} deleted successfully"))
    report.deleted.append(model)


def finish(plan: DeletePlan, report: DeleteReport) -> DeleteReport:
    report.freed = plan.freed(report.deleted) if report.deleted else None
    return report


async def delete(session: HostSession, names: list[str],
                 installed: list[ModelSummary] | None = None) -> DeleteReport:
    """Delete the models named, without asking; each one's outcome and what it all freed.
    Raises InvalidNameError, OllamaError (only when the list could not be had)."""
    return await carry_out(session, await plan_delete(session, names, installed))


async def carry_out(session: HostSession, plan: DeletePlan) -> DeleteReport:
    """Delete every model of the plan, without asking."""
    report = DeleteReport()
    for name in plan.wanted:
        await delete_one(session, plan, name, report)
    return finish(plan, report)


def was_current(report: DeleteReport, current: str) -> str:
    """The deleted model that was the current one ("" if none was)."""
    return next((m.name for m in report.deleted if same_model(m.name, current)), "")


# -- copy and rename ----------------------------------------------------------------------
@dataclass(frozen=True)
class Copied:
    model: str
    source: str

    @property
    def message(self) -> str:
        return f"Copied {self.source} to {self.model}"

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "source": self.source,
                "message": self.message}


async def copy(session: HostSession, source: str, destination: str,
               replace: bool = False) -> Copied:
    """Copy a model; a different model under the new name is replaced only with
    `replace`. Raises InvalidNameError (either name), RenameError."""
    from tui.services.rename import copy_model

    src = normalize(source)
    normalize(destination)  # a bad name is said before anything is asked
    done = await copy_model(session.client, src, destination, replace=replace)
    return Copied(done.name, src)


@dataclass(frozen=True)
class Renamed:
    model: str
    source: str  # as the user named it
    digest: str
    current_model: str  # the config's, after the rename
    note: str = ""  # what became of the current model, if the renamed one was it
    # Why the current model could not follow ("" when it did or did not need to).
    current_problem: str = ""

    @property
    def message(self) -> str:
        return f"Renamed {self.source} to {self.model}{self.note}"

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "source": self.source,
                "digest": self.digest, "message": self.message,
                "current_model": self.current_model}


async def rename(session: HostSession, settings: Settings, source: str,
                 destination: str) -> Renamed:
    """Rename safely (copy, check, delete the old name); the current model follows its
    rename. Raises RenameError (the original is then always kept)."""
    from tui.services.rename import rename_model

    try:
        renamed = await rename_model(session.client, source, destination)
    finally:
        await session.refresh()  # the list shows what exists now, whatever happened
    note = problem = ""
    if same_model(source, settings.current_model):
        try:
            await asyncio.to_thread(set_current_model, settings, [renamed.name], renamed.name)
            note = f"; the current model is now {renamed.name}"
        except ConfigError as exc:
            problem = str(exc)
            note = f"; the current model could not follow: {exc}"
    return Renamed(renamed.name, source, renamed.digest, settings.current_model, note,
                   problem)


# -- pull ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PullStarted:
    model: str

    def to_json(self) -> dict[str, Any]:
        return {"status": "started", "model": self.model,
                "message": f"Started pulling model {self.model}. This may take several "
                           "minutes."}


class AlreadyPulling(Exception):
    """The model is being pulled already on this host."""


def start_pull(session: HostSession, name: str) -> PullStarted:
    """Start pulling `name` on the session's host; its progress is in session.pulls and
    its end is told to the session's listeners. Raises InvalidNameError, AlreadyPulling."""
    model = normalize(name)
    if session.pulls.start(model) is None:
        raise AlreadyPulling(f"{model} is already being pulled")
    return PullStarted(model)
