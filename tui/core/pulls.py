"""Pulls (and pushes) under way on one host: one job per model and direction, and the
registry that starts, cancels, retries and dismisses them. Free of Textual: whoever owns the
registry says how a job is run (`spawn`), so the app runs it as a worker and a test as a
plain asyncio task. A push streams the same progress as a pull, so it is the same job with
`kind` "push", shown beside the pulls; whoever starts one gives its runner.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Protocol

from tui.ollama.names import model_key
from tui.ollama.progress import PullProgress

Kind = Literal["pull", "push"]


def job_key(name: str, kind: Kind = "pull") -> str:
    """One job per model and direction: a model may be pulled and pushed at once."""
    return model_key(name) if kind == "pull" else f"{kind}:{model_key(name)}"


class PullState(Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class PullJob:
    name: str
    kind: Kind = "pull"
    progress: PullProgress = field(init=False)
    state: PullState = PullState.RUNNING
    error: str = ""
    attempts: int = 0
    ended_at: float | None = None  # time.monotonic() when it stopped running

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """Start (again): fresh figures; Ollama resumes from the layers it kept."""
        self.progress = PullProgress(self.name)
        self.state, self.error, self.ended_at = PullState.RUNNING, "", None
        self.attempts += 1

    def finish(self) -> None:
        self.state, self.ended_at = PullState.DONE, time.monotonic()

    def fail(self, message: str) -> None:
        self.state, self.error, self.ended_at = PullState.FAILED, message, time.monotonic()
        self.progress.fail(message)

    def cancel(self) -> None:
        self.state, self.ended_at = PullState.CANCELLED, time.monotonic()

    @property
    def running(self) -> bool:
        return self.state is PullState.RUNNING

    @property
    def key(self) -> str:
        return job_key(self.name, self.kind)


class Cancellable(Protocol):
    def cancel(self) -> Any: ...


Spawn = Callable[[Coroutine[Any, Any, None]], Cancellable]
Runner = Callable[[PullJob], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class PullsSummary:
    """The figures of the pulls under way, for a one-line summary."""

    running: int = 0  # pulls
    pushing: int = 0
    failed: int = 0
    completed: int = 0
    total: int = 0
    speed: float = 0.0


class Pulls:
    """The pulls of one host, by model. `changed` is set whenever something moved."""

    def __init__(self, run: Runner, spawn: Spawn) -> None:
        self._run, self._spawn = run, spawn
        self._jobs: dict[str, PullJob] = {}
        self._tasks: dict[str, Cancellable] = {}
        self._runners: dict[str, Runner] = {}  # a push's runner, kept for its retry
        self.changed = False

    @property
    def jobs(self) -> list[PullJob]:
        return list(self._jobs.values())

    def get(self, name: str, kind: Kind = "pull") -> PullJob | None:
        return self._jobs.get(job_key(name, kind))

    def __bool__(self) -> bool:
        return bool(self._jobs)

    @property
    def running(self) -> list[PullJob]:
        return [job for job in self._jobs.values() if job.running]

    def start(self, name: str, kind: Kind = "pull", run: Runner | None = None,
              ) -> PullJob | None:
        """Start a pull (or, given its runner, a push), or restart a finished one; None
        when it is already running."""
        key = job_key(name, kind)
        job = self._jobs.get(key)
        if job is not None and job.running:
            return None
        if run is not None:
            self._runners[key] = run
        if job is None:
            job = self._jobs[key] = PullJob(name, kind)
        else:
            job.restart()
        self._tasks[key] = self._spawn(self._runners.get(key, self._run)(job))
        self.changed = True
        return job

    def cancel(self, name: str, kind: Kind = "pull") -> bool:
        key = job_key(name, kind)
        job, task = self._jobs.get(key), self._tasks.get(key)
        if job is None or not job.running:
            return False
        job.cancel()
        if task is not None:
            task.cancel()
        self.changed = True
        return True

    def retry(self, name: str, kind: Kind = "pull") -> PullJob | None:
        job = self.get(name, kind)
        return self.start(job.name, kind) if job is not None and not job.running else None

    def dismiss(self, name: str, kind: Kind = "pull") -> bool:
        key = job_key(name, kind)
        job = self._jobs.get(key)
        if job is None or job.running:
            return False
        del self._jobs[key]
        self._tasks.pop(key, None)
        self._runners.pop(key, None)
        self.changed = True
        return True

    def clear_finished(self) -> int:
        """Dismiss every pull and push that is no longer running; how many went."""
        finished = [job for job in self._jobs.values() if not job.running]
        for job in finished:
            self.dismiss(job.name, job.kind)
        return len(finished)

    def take_changed(self) -> bool:
        """Whether anything moved since the last call (for a repaint at most so often)."""
        changed, self.changed = self.changed, False
        return changed

    def summary(self) -> PullsSummary:
        running = self.running
        return PullsSummary(
            running=sum(job.kind == "pull" for job in running),
            pushing=sum(job.kind == "push" for job in running),
            failed=sum(job.state is PullState.FAILED for job in self._jobs.values()),
            completed=sum(job.progress.completed for job in running),
            total=sum(job.progress.total for job in running),
            speed=sum(job.progress.speed for job in running),
        )
