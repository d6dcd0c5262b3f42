"""The status bar: host, version, online state, counts, disk, current model, pulls."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from tui.format import human_duration, human_size, printable
from tui.state import ServerState


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, host: str, demo: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.host = host
        self.demo = demo
        self.clock: Callable[[], float] = time.monotonic
        self.state = ServerState()
        self.current = ""
        self.pulls = ""

    def show_state(self, state: ServerState, current: str, pulls: str = "") -> None:
        self.state, self.current, self.pulls = state, current, pulls
        self.update(self.status_line())

    def tick(self) -> None:
        """Redraw the clock-dependent parts (offline time, next retry)."""
        if self.state.online is False:
            self.update(self.status_line())

    def status_line(self) -> Text:
        """Most important first, so a narrow terminal cuts only the least useful end."""
        state = self.state
        line = Text(no_wrap=True, overflow="ellipsis")
        if self.demo:
            line.append(" DEMO ", style="bold black on yellow")
            line.append(" ")
        if state.online is None:
            line.append("◌ connecting ", style="dim")
        elif state.online:
            line.append("● online ", style="bold green")
        else:
            now = self.clock()
            away = human_duration(now - (state.offline_since or now))
            retry = human_duration(math.ceil(max(0.0, state.next_check - now)))
            line.append(f"○ offline {away} · retry in {retry} ", style="bold red")
        line.append(self.host + " ")
        if state.version:
            line.append(f"v{printable(state.version)} ", style="dim")
        if self.current:
            installed = state.find(self.current) is not None
            line.append("│ ★ ")
            line.append(printable(self.current), style="bold" if installed else "red")
            if not installed and state.online is not None:
                line.append(" (not installed)", style="red")
            line.append(" ")
        if self.pulls:
            line.append(f"│ {self.pulls} ", style="cyan")
        if state.online is not None:
            line.append(f"│ {len(state.models)} models, {human_size(state.disk_used)}")
        return line
