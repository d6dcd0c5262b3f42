"""The model grid: one row per installed model, sortable, filterable, cursor kept by name."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from tui.format import human_size, printable, relative_time
from tui.grid_rows import COLUMNS, COLUMNS_BY_KEY, visible_models
from tui.ollama.models import ModelSummary

CURRENT_MARK = "★"
LOADED_MARK = "●"
CLOUD_MARK = "☁"


class ModelGrid(DataTable):
    DEFAULT_CSS = """
    ModelGrid { height: 1fr; }
    ModelGrid.-stale { text-opacity: 55%; }
    """
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.sort_key = "modified"
        self.reverse = True
        self.needle = ""
        self._models: list[ModelSummary] = []
        self._current = ""
        self._loaded: set[str] = set()
        self.shown: list[ModelSummary] = []

    def on_mount(self) -> None:
        self._add_columns()

    # -- what to show ------------------------------------------------------------------
    def set_models(self, models: list[ModelSummary], current: str, loaded: set[str]) -> None:
        self._models, self._current = models, current.casefold()
        self._loaded = {name.casefold() for name in loaded}
        self.rebuild()

    def set_filter(self, needle: str) -> None:
        self.needle = needle
        self.rebuild()

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        if reverse is None:
            same = key == self.sort_key
            reverse = not self.reverse if same else COLUMNS_BY_KEY[key].default_reverse
        self.sort_key, self.reverse = key, reverse
        self._add_columns()
        self.rebuild()

    @property
    def highlighted(self) -> ModelSummary | None:
        if not self.shown or not 0 <= self.cursor_row < len(self.shown):
            return None
        return self.shown[self.cursor_row]

    def select_name(self, name: str) -> None:
        for index, model in enumerate(self.shown):
            if model.name.casefold() == name.casefold():
                self.move_cursor(row=index)
                return

    # -- actions -----------------------------------------------------------------------
    def action_cycle_sort(self) -> None:
        keys = [c.key for c in COLUMNS]
        next_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]
        self.sort_by(next_key, COLUMNS_BY_KEY[next_key].default_reverse)

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_key, not self.reverse)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = str(event.column_key.value)
        if key in COLUMNS_BY_KEY:
            self.sort_by(key)

    # -- drawing -----------------------------------------------------------------------
    def _add_columns(self) -> None:
        keep = self.highlighted
        self.clear(columns=True)
        self.add_column("", key="marks", width=3)
        arrow = " ▼" if self.reverse else " ▲"
        for column in COLUMNS:
            label = column.label + (arrow if column.key == self.sort_key else "")
            self.add_column(label, key=column.key)
        if keep is not None:
            self.rebuild(keep_name=keep.name)

    def rebuild(self, keep_name: str | None = None) -> None:
        """Redraw the rows; the cursor stays on the same model when it is still shown."""
        if keep_name is None:
            kept = self.highlighted
            keep_name = kept.name if kept else None
        old_row = self.cursor_row
        self.shown = visible_models(self._models, self.needle, self.sort_key, self.reverse)
        self.clear()
        self.add_rows(self._cells(m) for m in self.shown)
        if not self.shown:
            return
        names = [m.name.casefold() for m in self.shown]
        if keep_name and keep_name.casefold() in names:
            row = names.index(keep_name.casefold())
        else:
            row = min(max(old_row, 0), len(self.shown) - 1)
        self.move_cursor(row=row, scroll=True)

    def _cells(self, model: ModelSummary) -> list[Text]:
        key = model.name.casefold()
        marks = (CURRENT_MARK if key == self._current else " ") + \
            (LOADED_MARK if key in self._loaded else " ")
        d = model.details
        size = f"{CLOUD_MARK} cloud" if model.is_remote else human_size(model.size)
        # Server text goes in as Text, so "[bold]" in a name is shown, never styled.
        return [
            Text(marks, style="bold yellow"),
            Text(printable(model.name)),
            Text(printable(d.parameter_size), justify="right"),
            Text(printable(d.quantization_level)),
            Text(printable(d.family)),
            Text(size, justify="right"),
            Text(relative_time(model.modified_at)),
        ]
