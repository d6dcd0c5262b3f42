"""The compare screen (`c` with 2–4 marked models): their facts side by side, the rows that
differ highlighted, and the template and system prompt of the first two as a diff."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.core.compare import Row, text_diff
from tui.core.format import printable
from tui.ollama import OllamaError
from tui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ui.app import QGooseApp


class CompareScreen(Dialog[None]):
    SCROLLS = True
    BINDINGS = [Binding("escape,q,c", "app.pop_screen", "Close")]

    def __init__(self, names: list[str], rows: list[Row],
                 texts: list[tuple[str, str, str]]) -> None:
        """`texts`: (label, first model's text, second model's text) to show as diffs."""
        super().__init__()
        self.names, self.rows, self.texts = names, rows, texts

    def compose_body(self) -> ComposeResult:
        table = Table(title="Compare (differences in yellow)", expand=True, box=None,
                      header_style="bold")
        table.add_column("")
        for name in self.names:
            table.add_column(Text(printable(name)), overflow="fold")
        for row in self.rows:
            style = "yellow" if row.differs else ""
            table.add_row(Text(row.label, style="bold " + style),
                          *(Text(printable(v), style=style) for v in row.values))
        parts: list[Table | Text] = [table]
        for label, first, second in self.texts:
            diff = text_diff(label, (self.names[0], first), (self.names[1], second))
            parts.append(Text(f"\n{label.capitalize()} of the first two: "
                              + ("the same" if not diff else "differs"), style="bold"))
            if diff:
                parts.append(Text(printable(diff, multiline=True)))
        yield Static(Group(*parts))


async def compare_models(app: QGooseApp, models: list[ModelSummary]) -> None:
    """The `c` flow (a worker of the Models view): every model's details, then the screen."""
    from tui.core.compare import compare_rows

    session, settings = app.session, app.settings
    try:
        infos = await asyncio.gather(*(session.model_info(m) for m in models))
    except OllamaError as exc:
        app.notify_text(str(exc), title="Cannot compare", severity="error")
        return
    speeds = [record.speed_text if (record := session.benchmark_of(m)) else "" for m in models]
    rows = compare_rows(list(zip(models, infos, strict=True)), settings.fit_context,
                        settings.kv_cache_type, speeds)
    texts = [(label, getattr(infos[0], label), getattr(infos[1], label))
             for label in ("template", "system")]
    await app.push_screen(CompareScreen([m.name for m in models], rows, texts))
