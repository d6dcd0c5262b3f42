"""The pulls panel: one row per pull (phase, bar, bytes, speed, ETA), layers on demand.

Workers only mark it dirty; it repaints on its own timer, at most REPAINT_HZ times a
second, so a fast progress stream can never flood the UI.
"""

from __future__ import annotations

import time

from rich.console import RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from tui.format import human_duration, human_rate, human_size, printable
from tui.ollama.progress import Phase
from tui.pulls import PullJob, PullState

REPAINT_HZ = 10
_ICONS = {PullState.RUNNING: "⇣", PullState.DONE: "✓", PullState.FAILED: "✗",
          PullState.CANCELLED: "■"}
_STYLES = {PullState.RUNNING: "cyan", PullState.DONE: "green", PullState.FAILED: "red",
           PullState.CANCELLED: "yellow"}


class PullsPanel(Widget, can_focus=True):
    DEFAULT_CSS = """
    PullsPanel {
        height: auto; max-height: 12; border-top: solid $primary 50%; padding: 0 1;
        overflow-y: auto;
    }
    PullsPanel:focus { border-top: solid $accent; }
    """
    BINDINGS = [
        Binding("c", "cancel", "Cancel pull"),
        Binding("t", "retry", "Retry"),
        Binding("x", "dismiss", "Dismiss"),
        Binding("enter,l", "toggle_layers", "Layers"),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
    ]

    class Requested(Message):
        """The user asked for `action` ("cancel", "retry", "dismiss") on a pull."""

        def __init__(self, action: str, model: str) -> None:
            super().__init__()
            self.action = action
            self.model = model

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.jobs: list[PullJob] = []
        self.selected = 0
        self.repaints = 0
        self._dirty = False
        self._last_repaint = 0.0
        self._row_of_line: list[int] = []

    def on_mount(self) -> None:
        self.display = False
        self.set_interval(1 / REPAINT_HZ, self.repaint_if_dirty)

    # -- input from the app ------------------------------------------------------------
    def set_jobs(self, jobs: list[PullJob]) -> None:
        self.jobs = jobs
        self.selected = min(self.selected, max(0, len(jobs) - 1))
        self.display = bool(jobs)
        self.mark_dirty()

    def mark_dirty(self) -> None:
        """Cheap: called for every progress event; the timer does the drawing."""
        self._dirty = True

    def repaint_if_dirty(self) -> None:
        now = time.monotonic()
        # Timer ticks can arrive in a burst after a busy moment: the clock decides.
        if self._dirty and now - self._last_repaint >= 1 / REPAINT_HZ:
            self._dirty = False
            self._last_repaint = now
            self.repaints += 1
            self.refresh(layout=True)

    @property
    def selected_job(self) -> PullJob | None:
        return self.jobs[self.selected] if 0 <= self.selected < len(self.jobs) else None

    def on_focus(self) -> None:
        # Arriving here is mostly to act on a pull under way: start on one.
        job = self.selected_job
        if job is not None and not job.running:
            self.selected = next((i for i, j in enumerate(self.jobs) if j.running),
                                 self.selected)
        self.mark_dirty()

    # -- actions -----------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        if self.jobs:
            self.selected = (self.selected + step) % len(self.jobs)
            self.mark_dirty()

    def action_toggle_layers(self) -> None:
        job = self.selected_job
        if job:
            job.expanded = not job.expanded
            self.mark_dirty()

    def action_cancel(self) -> None:
        self._request("cancel")

    def action_retry(self) -> None:
        self._request("retry")

    def action_dismiss(self) -> None:
        self._request("dismiss")

    def _request(self, action: str) -> None:
        job = self.selected_job
        if job:
            self.post_message(self.Requested(action, job.model))

    def on_click(self, event: events.Click) -> None:
        line = int(event.y + self.scroll_y)
        if 0 <= line < len(self._row_of_line):
            self.selected = self._row_of_line[line]
            self.mark_dirty()

    # -- drawing -----------------------------------------------------------------------
    def render(self) -> RenderableType:
        table = Table.grid(padding=(0, 1), expand=True)
        for column in ("icon", "name", "phase", "bar", "figures"):
            table.add_column(column, no_wrap=True, ratio=2 if column == "bar" else None)
        self._row_of_line = []
        for index, job in enumerate(self.jobs):
            selected = index == self.selected and self.has_focus
            table.add_row(*self._job_cells(job), style="reverse" if selected else "")
            self._row_of_line.append(index)
            if job.expanded:
                for layer in job.progress.layers.values():
                    table.add_row("", Text(f"  {layer.short_digest}", style="dim"),
                                  Text(human_size(layer.total), style="dim"),
                                  ProgressBar(total=max(layer.total, 1),
                                              completed=layer.completed),
                                  Text(f"{layer.fraction * 100:3.0f}%", style="dim"))
                    self._row_of_line.append(index)
        return table

    def _job_cells(self, job: PullJob) -> list[RenderableType]:
        p = job.progress
        icon = Text(_ICONS[job.state], style=_STYLES[job.state])
        name = Text(printable(job.model), style="bold")
        if job.state is PullState.FAILED:
            return [icon, name, Text("failed", style="red"),
                    Text(printable(job.error), style="red", overflow="ellipsis"),
                    Text("t retry · x dismiss", style="dim")]
        phase = job.state.value if job.state is not PullState.RUNNING else p.phase.value
        bar = ProgressBar(total=max(p.total, 1), completed=p.completed if p.total else 0,
                          pulse=job.running and not p.total)
        figures = f"{p.fraction * 100:3.0f}%  {human_size(p.completed)}/{human_size(p.total)}"
        if job.running and p.phase is Phase.DOWNLOADING:
            figures += f"  {human_rate(p.speed)}  ETA {human_duration(p.eta)}"
        elif job.state is PullState.CANCELLED:
            figures += "  t resumes"
        return [icon, name, Text(phase, style=_STYLES[job.state]), bar, Text(figures)]
