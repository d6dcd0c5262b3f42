"""The Models view's compact pulls strip: the first few pulls, one line each.

Acting on pulls happens in the Pulls view (`P` or `3`); a click here goes there too.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from tui.pulls import PullJob
from tui.widgets.pull_rows import job_cells, pull_table

STRIP_ROWS = 3


class PullsStrip(Widget):
    DEFAULT_CSS = """
    PullsStrip { height: auto; border-top: solid $primary 50%; padding: 0 1; display: none; }
    PullsStrip.-shown { display: block; }
    """

    class Clicked(Message):
        """The strip was clicked: the user wants the Pulls view."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.jobs: list[PullJob] = []

    def set_jobs(self, jobs: list[PullJob]) -> None:
        count_changed = len(jobs) != len(self.jobs)
        self.jobs = jobs
        self.set_class(bool(jobs), "-shown")
        self.refresh(layout=count_changed)

    def render(self) -> RenderableType:
        # Running pulls first: they are what the strip is for.
        jobs = sorted(self.jobs, key=lambda job: not job.running)
        table = pull_table()
        for job in jobs[:STRIP_ROWS]:
            table.add_row(*job_cells(job))
        hidden = len(jobs) - STRIP_ROWS
        if hidden <= 0:
            return table
        return Group(table, Text(f"… and {hidden} more: P shows every pull", style="dim"))

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Clicked())
