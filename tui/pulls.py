"""Pulls under way in the TUI: one job per model, fed by a worker. No Textual, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tui.format import human_rate
from tui.ollama.progress import PullProgress


class PullState(Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class PullJob:
    model: str
    progress: PullProgress = field(init=False)
    state: PullState = PullState.RUNNING
    error: str = ""
    expanded: bool = False
    attempts: int = 0
    worker: Any = None  # the UI's handle on the task running it, to cancel it

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """Start (again): fresh figures; Ollama resumes from the layers it kept."""
        self.progress = PullProgress(self.model)
        self.state, self.error = PullState.RUNNING, ""
        self.attempts += 1

    def finish(self) -> None:
        self.state = PullState.DONE

    def fail(self, message: str) -> None:
        self.state, self.error = PullState.FAILED, message
        self.progress.fail(message)

    def cancel(self) -> None:
        self.state = PullState.CANCELLED

    @property
    def running(self) -> bool:
        return self.state is PullState.RUNNING


def pulls_summary(jobs: list[PullJob]) -> str:
    """The status bar's compact line: `⇣ 2 · 41% · 38 MB/s`; "" when nothing runs."""
    running = [job for job in jobs if job.running]
    if not running:
        failed = sum(job.state is PullState.FAILED for job in jobs)
        return f"⇣ {failed} failed" if failed else ""
    total = sum(job.progress.total for job in running)
    completed = sum(job.progress.completed for job in running)
    speed = sum(job.progress.speed for job in running)
    percent = f" · {completed / total * 100:.0f}%" if total else ""
    return f"⇣ {len(running)}{percent} · {human_rate(speed)}"
