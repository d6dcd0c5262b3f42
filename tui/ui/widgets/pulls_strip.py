"""The Models view's compact pulls strip: the first few pulls, one line each. A finished
pull stays a little while, then leaves the strip (the Pulls view keeps it).

Acting on pulls happens in the Pulls view (`P` or `3`); a click here goes there too.
"""

from __future__ import annotations

import time

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from tui.core.pulls import PullJob
from tui.ui.widgets.pull_rows import job_cells, pull_table

STRIP_ROWS = 3
LINGER = 10.0  # seconds a finished pull stays in the strip: long enough to be seen


class PullsStrip(Widget):
    DEFAULT_CSS = """
    PullsStrip { height: auto; border-top: solid $primary 50%; padding: 0 1; display: none; }
    PullsStrip.-shown { display: block; }
    """

    class Clicked(Message):
        """The strip was clicked: the user wants the Pulls view."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.jobs: list[PullJob] = []  # every pull of the host
        self.shown: list[PullJob] = []  # those under way or just finished
        self._timer: Timer | None = None

    def set_jobs(self, jobs: list[PullJob]) -> None:
        self.jobs = jobs
        self._show()

    def _show(self) -> None:
        now = time.monotonic()
        shown = [job for job in self.jobs
                 if job.ended_at is None or now - job.ended_at < LINGER]
        count_changed = len(shown) != len(self.shown)
        self.shown = shown
        self.set_class(bool(shown), "-shown")
        self.refresh(layout=count_changed)
        leaving = [job.ended_at + LINGER - now for job in shown if job.ended_at is not None]
        if self._timer is not None:
            self._timer.stop()
        # Look again when the next one is due to leave.
        self._timer = self.set_timer(min(leaving) + 0.05, self._show) if leaving else None

    def render(self) -> RenderableType:
        # Running pulls first: they are what the strip is for.
        jobs = sorted(self.shown, key=lambda job: not job.running)
        table = pull_table()
        for job in jobs[:STRIP_ROWS]:
            table.add_row(*job_cells(job))
        hidden = len(jobs) - STRIP_ROWS
        if hidden <= 0:
            return table
        return Group(table, Text(f"… and {hidden} more: P shows every pull", style="dim"))

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Clicked())
