"""The status bar: host, version, online state, counts, disk, current model, pulls."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.format import human_duration, human_rate, human_size, printable
from tui.core.pulls import PullsSummary
from tui.services.session import HostSession


def pulls_summary_text(summary: PullsSummary) -> str:
    """The compact pulls figure: `⇣ 2 · 41% · 38 MB/s`; "" when nothing runs."""
    if not summary.running:
        return f"⇣ {summary.failed} failed" if summary.failed else ""
    percent = f" · {summary.completed / summary.total * 100:.0f}%" if summary.total else ""
    return f"⇣ {summary.running}{percent} · {human_rate(summary.speed)}"


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    current_model: reactive[str] = reactive("")
    """The configured current model, shown with ★ (red when it is not installed)."""

    def __init__(self, session: HostSession, demo: bool = False, saved: bool = True,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.session = session
        self.demo = demo
        self.saved = saved  # False: changes go to a throwaway config, and the bar says so
        self.clock: Callable[[], float] = time.monotonic
        # (models, bytes, how many of them the filter hides) marked in the grid
        self.marked: tuple[int, int, int] | None = None

    def on_mount(self) -> None:
        # The offline time and the next retry count down on their own.
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.session.state.online is False:
            self.refresh()

    def render(self) -> Text:
        return self.status_line()

    def status_line(self) -> Text:
        """Most important first, so a narrow terminal cuts only the least useful end."""
        state = self.session.state
        line = Text(no_wrap=True, overflow="ellipsis")
        if self.demo:
            line.append(" DEMO ", style="bold black on yellow")
            line.append(" ")
        if not self.saved:
            line.append("not saved ", style="yellow")
        if state.online is None:
            line.append("◌ connecting ", style="dim")
        elif state.online:
            line.append("● online ", style="bold green")
        else:
            now = self.clock()
            away = human_duration(now - (state.offline_since or now))
            retry = human_duration(math.ceil(max(0.0, state.next_check - now)))
            # Up but answering with errors is not the same as gone: say which, and why.
            reason = printable(state.error)
            reason = reason if len(reason) <= 40 else reason[:39] + "…"
            what = f"error ({reason})" if state.answering else "offline"
            line.append(f"○ {what} {away} · retry in {retry} ", style="bold red")
        # The DEMO badge says which server this is, unless the demo's fleet shows another.
        if not self.demo or self.session.label != "emulator":
            line.append(printable(self.session.label) + " ")
        if state.version:
            line.append(f"v{printable(state.version)} ", style="dim")
        if self.current_model:
            installed = state.find(self.current_model) is not None
            # Only a list the server confirmed can say a model is missing.
            known = state.listed
            line.append("│ ★ ")
            line.append(printable(self.current_model),
                        style="bold" if installed or not known else "red")
            if not installed and known:
                line.append(" (not installed)", style="red")
            line.append(" ")
        pulls = pulls_summary_text(self.session.pulls.summary())
        if pulls:
            line.append(f"│ {pulls} ", style="cyan")
        if self.marked:
            count, size, hidden = self.marked
            unseen = f" ({hidden} not shown)" if hidden else ""
            line.append(f"│ ✓ {count} marked{unseen}, {human_size(size)} ",
                        style="bold magenta")
        if state.online is not None or state.from_cache:
            line.append(f"│ {len(state.models)} models, {human_size(self.session.disk_used())}")
        return line
