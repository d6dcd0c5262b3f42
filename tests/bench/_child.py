"""One measured run in a fresh process: `python -m tests.bench._child KIND [ARGS]`.

KIND is `app URL N CACHE_DIR` (qgoose-tui until its grid shows N models) or `bare` (a bare
Textual app showing an empty DataTable). Each exits at once when ready, so the parent can
time the whole process and read its peak memory.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def run_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    Bare().run(headless=True)


def run_app(url: str, expected: int, cache_dir: str) -> None:
    """The app until its grid shows `expected` models; the list cache lives in `cache_dir`
    (empty: a first start; filled by an earlier run: every later start)."""
    from tui.app import QGooseApp
    from tui.config import Settings
    from tui.list_cache import ListCache
    from tui.screens.models import ModelsScreen

    class MeasuredModels(ModelsScreen):
        def show_models(self) -> None:
            super().show_models()
            if len(self.grid.shown) >= expected:
                self.app.call_after_refresh(self.app.exit)

    class Measured(QGooseApp):
        MODES = {**QGooseApp.MODES, "models": MeasuredModels}

    with tempfile.TemporaryDirectory() as tmp:
        Measured(Settings(host=url, path=Path(tmp) / "c.toml"),
                 list_cache=ListCache(Path(cache_dir))).run(headless=True)


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
    print(peak_rss_kib())
