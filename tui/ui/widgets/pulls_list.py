"""The pulls list of the Pulls view: one row per pull or push, its layers on demand,
scrollable.

The selection is a reactive (clamped by validate, scrolled into view by watch), and the
line each pull starts on is worked out when the rows change, never inside render().
"""

from __future__ import annotations

from rich.console import RenderableType
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.pulls import Kind, PullJob, PullState
from tui.ui.widgets.pull_rows import job_cells, layer_cells, pull_table


class _Rows(Widget):
    """The drawn rows; as tall as its content, so the list around it scrolls."""

    DEFAULT_CSS = "_Rows { height: auto; }"

    def __init__(self, owner: PullsList) -> None:
        super().__init__()
        self.owner = owner

    def render(self) -> RenderableType:
        return self.owner.table()

    def on_click(self, event: events.Click) -> None:
        self.owner.select_line(event.y)


class PullsList(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    PullsList { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("c", "request('cancel')", "Cancel pull", tooltip="cancel the selected pull"),
        Binding("t", "request('retry')", "Retry",
                tooltip="retry a failed or cancelled pull (resumes where it stopped)"),
        Binding("x", "request('dismiss')", "Dismiss", tooltip="remove a finished pull"),
        Binding("enter,l", "toggle_layers", "Layers",
                tooltip="show or hide a pull's layers; a failed pull's whole reason"),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        # As in the grid; without these the scroll view's own would scroll past the selection.
        Binding("home,g", "go(0)", "First", show=False),
        Binding("end,G", "go(-1)", "Last", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    selected: reactive[int] = reactive(0, init=False)
    """The index of the selected pull in `jobs`."""

    class ActionRequested(Message):
        """The user asked to cancel, retry or dismiss the pull (or push: `kind`) of `name`."""

        def __init__(self, pulls_list: PullsList, action: str, name: str,
                     kind: Kind = "pull") -> None:
            super().__init__()
            self.pulls_list = pulls_list
            self.action = action
            self.name = name
            self.kind = kind

        @property
        def control(self) -> PullsList:
            return self.pulls_list

    class ReasonRequested(Message):
        """The user asked why a pull failed."""

        def __init__(self, pulls_list: PullsList, job: PullJob) -> None:
            super().__init__()
            self.pulls_list, self.job = pulls_list, job

        @property
        def control(self) -> PullsList:
            return self.pulls_list

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.jobs: list[PullJob] = []
        self.expanded: set[str] = set()  # view state: whose layers are shown
        self._first_line: list[int] = []  # the line each pull's row is on
        self._lines = 0
        self.rows = _Rows(self)

    def compose(self) -> ComposeResult:
        yield self.rows

    # -- input from the screen ---------------------------------------------------------
    def set_jobs(self, jobs: list[PullJob]) -> None:
        self.jobs = jobs
        self.selected = self.validate_selected(self.selected)
        self._layout()

    def _layout(self) -> None:
        """Which line each pull starts on; a repaint, and a relayout only when it grew."""
        first, line = [], 0
        for job in self.jobs:
            first.append(line)
            line += 1 + (len(job.progress.layers) if job.key in self.expanded
                         else 0)
        self._first_line = first
        self.rows.refresh(layout=line != self._lines)
        self._lines = line

    def select_running(self) -> None:
        """Start on a pull under way: arriving here is mostly to act on one."""
        job = self.selected_job
        if job is None or not job.running:
            self.selected = next((i for i, j in enumerate(self.jobs) if j.running),
                                 self.selected)

    @property
    def selected_job(self) -> PullJob | None:
        return self.jobs[self.selected] if 0 <= self.selected < len(self.jobs) else None

    # -- selection ---------------------------------------------------------------------
    def validate_selected(self, index: int) -> int:
        return min(max(index, 0), max(len(self.jobs) - 1, 0))

    def watch_selected(self) -> None:
        self._scroll_to_selected()
        self.rows.refresh()

    def _scroll_to_selected(self) -> None:
        if 0 <= self.selected < len(self._first_line):
            line = self._first_line[self.selected]
            self.scroll_to_region(Region(0, line, 1, 1), animate=False, force=True)

    def select_line(self, line: int) -> None:
        index = next((i for i in reversed(range(len(self._first_line)))
                      if self._first_line[i] <= line), None)
        if index is not None:
            self.selected = index
            self.focus()

    # -- actions -----------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        if self.jobs:
            self.selected = (self.selected + step) % len(self.jobs)

    def action_go(self, index: int) -> None:
        if self.jobs:
            self.selected = index % len(self.jobs)

    def action_page(self, step: int) -> None:
        """A screenful of pulls on or back (layers shown make it fewer), stopping at the
        ends."""
        self.selected = self.validate_selected(
            self.selected + step * max(self.scrollable_content_region.height - 1, 1))

    def action_toggle_layers(self) -> None:
        job = self.selected_job
        if job and job.state is PullState.FAILED:
            self.post_message(self.ReasonRequested(self, job))
        elif job:
            self.expanded ^= {job.key}
            self._layout()

    def action_request(self, action: str) -> None:
        job = self.selected_job
        if job:
            self.post_message(self.ActionRequested(self, action, job.name, job.kind))

    # -- drawing -----------------------------------------------------------------------
    def table(self) -> RenderableType:
        table = pull_table()
        for index, job in enumerate(self.jobs):
            selected = index == self.selected and self.has_focus
            table.add_row(*job_cells(job), style="reverse" if selected else "")
            if job.key in self.expanded:
                for cells in layer_cells(job):
                    table.add_row(*cells)
        return table

    def on_focus(self) -> None:
        self.rows.refresh()

    def on_blur(self) -> None:
        self.rows.refresh()
