"""The status bar: host, version, online state, counts, disk, current model, pulls."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.format import human_duration, human_rate, human_size, printable
from tui.core.pulls import PullsSummary


def pulls_summary_text(summary: PullsSummary) -> str:
    """The compact pulls figure: `⇣ 2 · 41% · 38 MB/s` (`⇣ 1 ⇡ 1 · …` with a push);
    "" when nothing runs."""
    if not summary.running and not summary.pushing:
        return f"⇣ {summary.failed} failed" if summary.failed else ""
    counts = " ".join(f"{arrow} {count}" for arrow, count
                      in (("⇣", summary.running), ("⇡", summary.pushing)) if count)
    percent = f" · {summary.completed / summary.total * 100:.0f}%" if summary.total else ""
    return f"{counts}{percent} · {human_rate(summary.speed)}"


@dataclass(frozen=True)
class HostStatus:
    """What the bar says of the host on screen: plain data, from its session's state."""

    label: str = ""
    online: bool | None = None  # None: connecting
    answering: bool = False  # while not online: answering with errors, not gone
    error: str = ""
    offline_since: float | None = None
    next_check: float = 0.0
    version: str = ""
    listed: bool = False  # only a list the server gave can say a model is missing
    from_cache: bool = False
    models: int = 0


class StatusBar(Widget):
    """Given plain data by its view (reactives: each change redraws it)."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    status: reactive[HostStatus] = reactive(HostStatus)
    disk: reactive[int] = reactive(0)
    """Bytes the host's models take."""
    pulls_text: reactive[str] = reactive("")
    """The compact pulls figure (pulls_summary_text)."""
    marked: reactive[tuple[int, int, int] | None] = reactive(None)
    """(models, bytes, how many of them the filter hides) marked in the grid."""
    current_model: reactive[str] = reactive("")
    """The configured current model, shown with ★ ..."""
    current_installed: reactive[bool] = reactive(True)
    """... in red when the host's list lacks it."""

    def __init__(self, demo: bool = False, saved: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.demo = demo
        self.saved = saved  # False: changes go to a throwaway config, and the bar says so
        self.clock: Callable[[], float] = time.monotonic

    def on_mount(self) -> None:
        # The offline time and the next retry count down on their own.
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.status.online is False:
            self.refresh()

    def render(self) -> Text:
        return self.status_line()

    def status_line(self) -> Text:
        """Most important first, so a narrow terminal cuts only the least useful end (the
        count and disk); before it would cut more, the version goes, then the marked
        models' size, then the host's name, so that what is marked (and hidden) is said
        whole."""
        width = self.content_size.width
        for shed in ((), ("version",), ("version", "marked size"),
                     ("version", "marked size", "label")):
            line, needed = self._line(shed)
            if not width or needed <= width:
                break
        return line

    def _line(self, shed: tuple[str, ...]) -> tuple[Text, int]:
        """The line without the parts in `shed`, and how wide it is before its tail."""
        state = self.status
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
        if (not self.demo or state.label != "emulator") and "label" not in shed:
            line.append(printable(state.label) + " ")
        if state.version and "version" not in shed:
            line.append(f"v{printable(state.version)} ", style="dim")
        if self.current_model:
            missing = not self.current_installed and state.listed
            line.append("│ ★ ")
            line.append(printable(self.current_model), style="red" if missing else "bold")
            if missing:
                line.append(" (not installed)", style="red")
            line.append(" ")
        if self.pulls_text:
            line.append(f"│ {self.pulls_text} ", style="cyan")
        if self.marked:
            count, size, hidden = self.marked
            unseen = f" ({hidden} not shown)" if hidden else ""
            weight = "" if "marked size" in shed else f", {human_size(size)}"
            line.append(f"│ ✓ {count} marked{unseen}{weight} ", style="bold magenta")
        needed = line.cell_len
        if state.online is not None or state.from_cache:
            line.append(f"│ {state.models} models, {human_size(self.disk)}")
        return line, needed
