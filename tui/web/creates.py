"""Variants made over HTTP (`POST …/models/create/`): the body read into a recipe, then the
operations layer's create_variant run in the background, its statuses kept for the page to
poll (`GET …/models/creates/`).

A create is answered at once with "started", but only once Ollama has begun it: every
refusal (a wrong parameter, an unknown base, a name taken) comes before Ollama's first
status line, so it is answered with its own status code instead of showing up later in the
list. No rule of a variant is written here: the checks are create_variant's and
model_params's.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from tui.core.model_params import ParameterError, check_parameters
from tui.core.recipes import Recipe
from tui.ollama import OllamaError, PullEvent
from tui.ollama.names import same_model
from tui.ops.variants import NameTaken, VariantRefused, create_variant
from tui.services.session import HostSession
from tui.web.inputs import checked_name, ollama_failure
from tui.web.replies import ApiError

STATUSES_KEPT = 40  # distinct status lines a job remembers (a quantize repeats one)
FIELDS = ("name", "from", "parameters", "system", "template", "quantize", "replace")
EXAMPLE = '{"name": "llama3.2-32k", "from": "llama3.2", "parameters": {"num_ctx": 32768}}'


@dataclass
class CreateJob:
    model: str
    base: str
    state: str = "running"  # running | done | failed | cancelled
    statuses: list[str] = field(default_factory=list)
    completed: int = 0
    total: int = 0
    error: str = ""
    message: str = ""
    ended_at: float | None = None
    began: asyncio.Event = field(default_factory=asyncio.Event)  # Ollama's first line came
    task: asyncio.Task[None] | None = None

    def seen(self, event: PullEvent) -> None:
        self.began.set()
        if event.status and (not self.statuses or self.statuses[-1] != event.status):
            self.statuses = [*self.statuses, event.status][-STATUSES_KEPT:]
        if event.total:  # a quantize counts its bytes; the other steps are one line each
            self.completed, self.total = event.completed or 0, event.total
        elif event.status:
            self.completed = self.total = 0

    def end(self, state: str, message: str, error: str = "") -> None:
        self.state, self.message, self.error = state, message, error
        self.ended_at = time.monotonic()

    def to_json(self) -> dict[str, Any]:
        fraction = self.completed / self.total if self.total else 0.0
        return {"model": self.model, "base": self.base, "state": self.state,
                "status_text": self.statuses[-1] if self.statuses else "",
                "statuses": list(self.statuses), "completed": self.completed,
                "total": self.total, "fraction": round(min(fraction, 1.0), 4),
                "error": self.error, "message": self.message}


class CreateJobs:
    """The creates started over HTTP on one host, the running and the recently ended."""

    def __init__(self, session: HostSession) -> None:
        self.session = session
        self._jobs: list[CreateJob] = []

    def jobs(self, keep_ended: float) -> list[CreateJob]:
        """Every job, those ended more than `keep_ended` seconds ago dropped."""
        now = time.monotonic()
        self._jobs = [job for job in self._jobs
                      if job.ended_at is None or now - job.ended_at <= keep_ended]
        return list(self._jobs)

    @property
    def running(self) -> list[CreateJob]:
        return [job for job in self._jobs if job.state == "running"]

    async def start(self, name: str, recipe: Recipe, replace_existing: bool) -> CreateJob:
        """Begin making `name`; return once Ollama has begun, or raise ApiError with what
        stopped it before that."""
        if any(same_model(job.model, name) for job in self.running):
            raise ApiError(409, f"{name} is already being created (see …/models/creates/)",
                           model=name)
        job = CreateJob(name, recipe.base)
        self._jobs.append(job)
        job.task = asyncio.create_task(self._run(job, recipe, replace_existing))
        began = asyncio.create_task(job.began.wait())
        await asyncio.wait({job.task, began}, return_when=asyncio.FIRST_COMPLETED)
        began.cancel()
        if job.began.is_set() or not job.task.done():
            return job
        self._jobs.remove(job)  # refused before Ollama began: it never was a job
        refusal = job.task.exception()
        if refusal is not None:
            raise refused(refusal, name)
        return job

    async def _run(self, job: CreateJob, recipe: Recipe, replace_existing: bool) -> None:
        session = self.session
        try:
            result = await create_variant(session, job.model, recipe,
                                          replace_existing=replace_existing, on_event=job.seen)
        except asyncio.CancelledError:
            job.end("cancelled", f"the create of {job.model} was stopped")
            raise
        except Exception as exc:
            why = str(exc) if isinstance(exc, OllamaError | VariantRefused) else \
                f"internal error ({type(exc).__name__})"
            job.end("failed", f"cannot create {job.model}: {why}", why)
            if not job.began.is_set():
                raise  # answered by start() with its status code
            return
        job.model = result.model
        note = "" if result.recipe_kept else " (its recipe could not be kept: " \
            "rebuild will not know it)"
        job.end("done", result.message + note)

    async def stop(self) -> None:
        """Stop the creates still running (the server is stopping)."""
        tasks = [job.task for job in self.running if job.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def refused(exc: BaseException, name: str) -> ApiError:
    """The status code that says why a create was refused before it began."""
    if isinstance(exc, NameTaken):
        return ApiError(409, f'{exc.model} already exists: send "replace": true to replace '
                        "it", model=name)
    if isinstance(exc, VariantRefused):  # its input (400) or the host's state (409)
        return ApiError(400 if exc.usage else 409, str(exc), model=name)
    if isinstance(exc, OllamaError):
        return ollama_failure(exc, model=name)
    return ApiError(500, f"internal error ({type(exc).__name__})", model=name)


def recipe_of_body(data: dict[str, Any]) -> tuple[str, Recipe, bool]:
    """The new name, the recipe and whether to replace, from a create's JSON object;
    ApiError (400) for a field that is missing, unknown or of the wrong type."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r} (a create takes "
                            f"{', '.join(FIELDS)}; like {EXAMPLE})")
    name = checked_name(data.get("name"), f'give the new name as "name", like {EXAMPLE}')
    base = checked_name(data.get("from"), f'give the base model as "from", like {EXAMPLE}')
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ApiError(400, '"parameters" must be an object, like {"num_ctx": 32768}',
                       model=name)
    try:
        parameters = check_parameters(parameters)
    except ParameterError as exc:  # the command line's own message
        raise ApiError(400, str(exc), model=name) from None
    texts = {key: data.get(key) or "" for key in ("system", "template", "quantize")}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise ApiError(400, f'"{key}" must be a string', model=name)
    replace_existing = data.get("replace", False)
    if not isinstance(replace_existing, bool):
        raise ApiError(400, '"replace" must be true or false', model=name)
    return name, Recipe(base, parameters, **texts), replace_existing
