"""One measured run in a fresh process: `python -m tests.bench._child KIND [ARGS]`.

KIND is `app URL N CACHE_DIR` (qgoose-tui until its grid shows N models) or `bare` (a bare
Textual app showing an empty DataTable). Each runs in an 80×24 headless terminal, notes the
moment the frame that shows what it is waiting for has been drawn (`time.monotonic`, one
clock for every process), exits, and prints that moment and its peak memory.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: peak_rss_kib is also read by CLI runs
    from textual.app import App
    from textual.screen import Screen

SIZE = (80, 24)  # given to both: the headless default starts at 80×25 and then resizes
drawn_at = 0.0


def timed(app_class: type[App[Any]]) -> type[App[Any]]:
    """`app_class` noting when the first frame after `ready` is set goes out, then exiting."""

    class Timed(app_class):  # type: ignore[valid-type, misc]
        ready = False

        # Private, but the one place every frame leaves the app; frames made while updates
        # are batched (Textual does so while it mounts the first screen) are not shown.
        def _display(self, screen: Screen, renderable: object) -> None:
            global drawn_at
            super()._display(screen, renderable)
            if self.ready and renderable is not None and not self._batch_count \
                    and not drawn_at:
                drawn_at = time.monotonic()
                self.call_later(self.exit)

    return Timed


def run_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.ready = True

    timed(Bare)().run(headless=True, size=SIZE)


def run_app(url: str, expected: int, cache_dir: str) -> None:
    """The app until its grid shows `expected` models; the list cache lives in `cache_dir`
    (empty: a first start; filled by an earlier run: every later start)."""
    from tui.app import QGooseApp
    from tui.config import Settings
    from tui.history import History
    from tui.list_cache import ListCache
    from tui.screens.models import ModelsScreen

    class MeasuredModels(ModelsScreen):
        def show_models(self) -> None:
            super().show_models()
            if len(self.grid.shown) >= expected:
                self.app.ready = True  # type: ignore[attr-defined]

    class Measured(QGooseApp):
        MODES = {**QGooseApp.MODES, "models": MeasuredModels}

    with tempfile.TemporaryDirectory() as tmp:
        # A history of its own: a first run's, and the user's own left alone.
        app = timed(Measured)(Settings(host=url, path=Path(tmp) / "c.toml"),
                              list_cache=ListCache(Path(cache_dir)),
                              history=History(Path(tmp) / "history.sqlite3"))
        app.run(headless=True, size=SIZE)


def peak_rss_kib() -> int:
    """This process's own peak RSS (VmHWM belongs to the image after exec, unlike
    ru_maxrss, which keeps the parent's high-water mark across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "bare":
        run_bare()
    else:
        run_app(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    print(drawn_at, peak_rss_kib())
