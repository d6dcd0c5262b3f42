"""One measured run in a fresh process: `python -m tests.bench._child KIND [ARGS]`.

KIND is `app URL N CACHE_DIR` (`qgoose-tui --host URL`, started as a user starts it, until
its grid shows N models) or `bare` (a bare Textual app showing an empty DataTable). Each runs
in an 80×24 headless terminal, notes the moment the frame that shows what it is waiting for
has been drawn (`time.monotonic`, one clock for every process), exits, and prints that
moment and its peak memory.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = (80, 24)  # given to both: the headless default starts at 80×25 and then resizes
drawn_at = 0.0


def measure_frames() -> None:
    """Every app runs headless at SIZE, notes when its first frame after it set `ready` goes
    out, and exits then."""
    from textual.app import App
    from textual.screen import Screen

    run, display = App.run, App._display

    def headless_run(self: App[Any], *args: Any, **kwargs: Any) -> Any:
        return run(self, headless=True, size=SIZE)

    # Private, but the one place every frame leaves the app; frames made while updates are
    # batched (Textual does so while it mounts the first screen) are not shown.
    def noting_display(self: App[Any], screen: Screen, renderable: Any) -> None:
        global drawn_at
        display(self, screen, renderable)
        if getattr(self, "ready", False) and renderable is not None \
                and not self._batch_count and not drawn_at:
            drawn_at = time.monotonic()
            self.call_later(self.exit)

    App.run = headless_run  # type: ignore[method-assign]
    App._display = noting_display  # type: ignore[method-assign]


def run_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.ready = True

    measure_frames()
    Bare().run()


def run_app(url: str, expected: int, cache_dir: str) -> None:
    """`qgoose-tui --host URL` until its grid shows `expected` models; the list cache lives
    in `cache_dir` (empty: a first start; filled by an earlier run: every later start), the
    history and config in a directory of their own (a first run's; the user's left alone)."""
    with tempfile.TemporaryDirectory() as own:
        os.environ.update(XDG_CACHE_HOME=cache_dir, XDG_DATA_HOME=own, XDG_CONFIG_HOME=own)
        from tui.cli.entry import run

        # The app is imported here to be watched, before main() would import it; so the
        # garbage collection main() pauses for the TUI's start is paused here already.
        gc.disable()
        from tui.ui.screens.models import ModelsScreen

        show_models = ModelsScreen.show_models

        def noting_show_models(self: ModelsScreen) -> None:
            show_models(self)
            if len(self.grid.shown) >= expected:
                self.app.ready = True  # type: ignore[attr-defined]

        ModelsScreen.show_models = noting_show_models  # type: ignore[method-assign]
        measure_frames()
        run(["--host", url])


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
