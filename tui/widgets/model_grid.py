"""The model grid: one row per installed model, sortable, filterable, cursor kept by name.

It draws only the rows on screen (Textual's line API), so filtering or re-sorting 5,000
models costs a Python sort and filter, not a rebuild of 5,000 table rows: DataTable measures
every cell of every row it is given, which took ~600 ms for 5,000 models.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.format import human_size, printable, short_relative_time
from tui.grid_rows import COLUMNS, COLUMNS_BY_KEY, visible_models
from tui.ollama.models import ModelSummary

CURRENT_MARK = "★"
LOADED_MARK = "●"
CLOUD_MARK = "☁"
NAME_MAX_WIDTH = 48
NAME_MIN_WIDTH = 14  # when the terminal is narrow, the name column gives way first
# A style that changes nothing but keeps a segment apart from its neighbours.
_SEPARATE = Style(blink2=False)
# Columns whose text reads best aligned right.
_RIGHT = {"params", "size"}


@dataclass(frozen=True)
class _Cell:
    key: str
    width: int


# The order of the texts that _cells_of gives, the same as COLUMNS.
_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}


def _cells_of(model: ModelSummary) -> tuple[str, ...]:
    """The text of each column for one model. Server text made printable, never markup."""
    d = model.details
    return (
        printable(model.name),
        printable(d.parameter_size),
        printable(d.quantization_level),
        printable(d.family),
        f"{CLOUD_MARK} cloud" if model.is_remote else human_size(model.size),
        short_relative_time(model.modified_at),
    )


def _fit(text: str, width: int, right: bool = False) -> str:
    if cell_len(text) > width:
        return text[: max(0, width - 1)] + "…"
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


class ModelGrid(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    ModelGrid { height: 1fr; background: $surface; }
    ModelGrid > .model-grid--header { text-style: bold; background: $panel; }
    ModelGrid > .model-grid--odd { background: $surface-lighten-1 20%; }
    ModelGrid > .model-grid--cursor { background: $primary 45%; }
    ModelGrid:focus > .model-grid--cursor { background: $primary; text-style: bold; }
    ModelGrid > .model-grid--marks { color: $warning; text-style: bold; }
    ModelGrid.-stale { text-opacity: 55%; }
    """
    COMPONENT_CLASSES = {"model-grid--header", "model-grid--odd", "model-grid--cursor",
                         "model-grid--marks"}
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "select", "Use", show=False),
        Binding("s", "cycle_sort", "Sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False),
    ]

    class Highlighted(Message):
        """The cursor is on another model (or on none)."""

        def __init__(self, model: ModelSummary | None) -> None:
            super().__init__()
            self.model = model

    class Selected(Message):
        """Enter, or a click on the highlighted row."""

        def __init__(self, model: ModelSummary) -> None:
            super().__init__()
            self.model = model

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sort_key = "modified"
        self.reverse = True
        self.needle = ""
        self.cursor_row = 0
        self.shown: list[ModelSummary] = []
        self._models: list[ModelSummary] = []
        self._cells: dict[int, tuple[str, ...]] = {}  # id(model) → its column texts
        self._current = ""
        self._loaded: set[str] = set()
        self._columns: list[_Cell] = []
        self._widest: dict[str, int] = {}
        self._highlighted_name: str | None = None

    # -- what to show ------------------------------------------------------------------
    def set_models(self, models: list[ModelSummary], current: str, loaded: set[str]) -> None:
        self._models, self._current = models, current.casefold()
        self._loaded = {name.casefold() for name in loaded}
        self._cells = {id(m): _cells_of(m) for m in models}
        self._measure()
        self.rebuild()

    def set_filter(self, needle: str) -> None:
        self.needle = needle
        self.rebuild()

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        if reverse is None:
            same = key == self.sort_key
            reverse = not self.reverse if same else COLUMNS_BY_KEY[key].default_reverse
        self.sort_key, self.reverse = key, reverse
        self._layout_columns()
        self.rebuild()

    @property
    def highlighted(self) -> ModelSummary | None:
        if 0 <= self.cursor_row < len(self.shown):
            return self.shown[self.cursor_row]
        return None

    def select_name(self, name: str) -> None:
        for index, model in enumerate(self.shown):
            if model.name.casefold() == name.casefold():
                self.move_cursor(index)
                return

    def cells(self, row: int) -> list[str]:
        """The text of each cell of a shown row, marks first (what the row reads as)."""
        model = self.shown[row]
        cells = self._cells[id(model)]
        return [self._marks(model), *cells]

    def rebuild(self) -> None:
        """Filter and sort again; the cursor stays on the same model when it is still shown."""
        kept = self.highlighted
        keep_name = kept.name.casefold() if kept else None
        self.shown = visible_models(self._models, self.needle, self.sort_key, self.reverse)
        row = self.cursor_row
        if keep_name is not None:
            row = next((i for i, m in enumerate(self.shown) if m.name.casefold() == keep_name),
                       row)
        self.virtual_size = Size(self._total_width(), len(self.shown) + 1)
        self.move_cursor(row)

    # -- cursor and keys ---------------------------------------------------------------
    def move_cursor(self, row: int) -> None:
        self.cursor_row = min(max(row, 0), max(len(self.shown) - 1, 0))
        self._scroll_to_cursor()
        self.refresh()
        model = self.highlighted
        name = model.name if model else None
        if name != self._highlighted_name:  # tell the app only when the model changes
            self._highlighted_name = name
            self.post_message(self.Highlighted(model))

    def _scroll_to_cursor(self) -> None:
        visible_rows = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible_rows:
            self.scroll_to(y=self.cursor_row - visible_rows + 1, animate=False)

    def action_move(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self.move_cursor(self.cursor_row + direction * step)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.shown) - 1)

    def action_select(self) -> None:
        model = self.highlighted
        if model is not None:
            self.post_message(self.Selected(model))

    def action_cycle_sort(self) -> None:
        keys = [c.key for c in COLUMNS]
        next_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]
        self.sort_by(next_key, COLUMNS_BY_KEY[next_key].default_reverse)

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_key, not self.reverse)

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self.column_at(event.x + int(self.scroll_x))
            if key in COLUMNS_BY_KEY:
                self.sort_by(key)
            return
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < len(self.shown):
            if row == self.cursor_row:
                self.action_select()
            else:
                self.move_cursor(row)

    def column_at(self, x: int) -> str | None:
        """The key of the column under screen column `x` of the grid."""
        left = 0
        for column in self._columns:
            if left <= x < left + column.width + 2:
                return column.key
            left += column.width + 2
        return None

    # -- drawing -----------------------------------------------------------------------
    def _measure(self) -> None:
        """The widest text of each column, over all models (so filtering never jumps)."""
        self._widest = {
            c.key: max((cell_len(cells[i]) for cells in self._cells.values()), default=0)
            for i, c in enumerate(COLUMNS)
        }
        self._layout_columns()

    def _layout_columns(self) -> None:
        widths = {}
        for c in COLUMNS:
            label = cell_len(c.label) + (2 if c.key == self.sort_key else 0)  # room for ▼
            widths[c.key] = max(label, self._widest.get(c.key, 0))
        # Fit the screen when possible by shortening names (with "…"), not by scrolling.
        others = 1 + 4 + sum(w + 2 for key, w in widths.items() if key != "name")
        room = self.scrollable_content_region.width - others - 2
        if room > 0:
            widths["name"] = max(NAME_MIN_WIDTH, min(widths["name"], room))
        widths["name"] = min(widths["name"], NAME_MAX_WIDTH)
        self._columns = [_Cell("marks", 2), *(_Cell(c.key, widths[c.key]) for c in COLUMNS)]

    def on_resize(self, event: events.Resize) -> None:
        self._layout_columns()
        self.virtual_size = Size(self._total_width(), len(self.shown) + 1)
        self.refresh()

    def _total_width(self) -> int:
        return sum(c.width + 2 for c in self._columns)

    def _marks(self, model: ModelSummary) -> str:
        key = model.name.casefold()
        return (CURRENT_MARK if key == self._current else " ") + \
            (LOADED_MARK if key in self._loaded else " ")

    def _header_text(self) -> list[str]:
        arrow = " ▼" if self.reverse else " ▲"
        labels = {c.key: c.label + (arrow if c.key == self.sort_key else "") for c in COLUMNS}
        return [_fit(labels.get(c.key, ""), c.width) for c in self._columns]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = int(self.scroll_x), int(self.scroll_y)
        if not self._columns:
            return Strip.blank(width, self.rich_style)
        if y == 0:
            style = self.rich_style + self.get_component_rich_style("model-grid--header")
            labels = self._header_text()
            # The lead-in has a style of its own so that no text run starts with spaces:
            # SVG renderers drop leading spaces, which skewed exported screenshots.
            segments = [Segment(" " * (self._columns[0].width + 3), style + _SEPARATE),
                        Segment("  ".join(labels[1:]) + " ", style)]
            return Strip(segments).crop_extend(scroll_x, scroll_x + width, style)
        row = scroll_y + y - 1
        if row >= len(self.shown):
            return Strip.blank(width, self.rich_style)
        return self._row_strip(row).crop_extend(scroll_x, scroll_x + width,
                                                self._row_style(row))

    def _row_style(self, row: int) -> Style:
        style = self.rich_style
        if row == self.cursor_row:
            return style + self.get_component_rich_style("model-grid--cursor")
        if row % 2:
            return style + self.get_component_rich_style("model-grid--odd")
        return style

    def _row_strip(self, row: int) -> Strip:
        model = self.shown[row]
        style = self._row_style(row)
        marks_style = style + self.get_component_rich_style("model-grid--marks")
        cells = self._cells[id(model)]
        segments = [Segment(" ", style + _SEPARATE),
                    Segment(self._marks(model) + "  ", marks_style)]
        texts = [_fit(cells[_INDEX[column.key]], column.width, right=column.key in _RIGHT)
                 for column in self._columns[1:]]
        segments.append(Segment("  ".join(texts) + " ", style))
        return Strip(segments)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()
