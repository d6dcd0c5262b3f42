"""The model grid: one row per installed model, sortable, filterable, cursor kept by name.

It draws only the rows on screen (Textual's line API), so filtering or re-sorting 5,000
models costs a Python sort and filter, not a rebuild of 5,000 table rows: DataTable measures
every cell of every row it is given, which took ~600 ms for 5,000 models.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from sys import intern

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.model_columns import COLUMNS, COLUMNS_BY_KEY, Column, visible_models
from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key
from tui.ui.widgets.cells import cell_len, fit

CURRENT_MARK = "★"
LOADED_MARK = "●"
NAME_MAX_WIDTH, NAME_MIN_WIDTH = 48, 12  # narrow terminal: the name column gives way first
NAME_COMFORT = 20  # columns that may give way do so before names shrink below this
LEAD, MARKED, MARKS_WIDTH = 1, "✓", 2  # the cell before the marks: blank, or the mark
GAP = 2  # blank cells between columns
TEXTS_KEPT_SECONDS = 60.0
LISTED_COLUMNS = frozenset({"name", "params", "quant", "family", "size", "modified"})  # no details
# A style that changes nothing but keeps a segment apart from its neighbours: SVG
# renderers drop a text run's leading spaces, which skewed exported screenshots.
_SEPARATE = Style(blink2=False)


@dataclass(frozen=True)
class _ColumnSlot:
    """Where one column sits on a row: the column, its width in cells, and where its text
    is in a row's texts."""

    column: Column
    width: int
    index: int


class _GridMessage(Message):
    """What the grid's messages share (not handled itself: `@on` matches subclasses)."""

    def __init__(self, grid: ModelGrid) -> None:
        super().__init__()
        self.grid = grid

    @property
    def control(self) -> ModelGrid:
        return self.grid


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
        Binding("enter", "select", "Use", show=False,
                tooltip="make the highlighted model the current one"),
        Binding("s", "cycle_sort", "Sort", tooltip="sort by the next column (or click a header)"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, tooltip="reverse the sort"),
        Binding("space", "toggle_mark", "Mark", show=False,
                tooltip="mark or unmark the highlighted model (delete acts on the marks)"),
        Binding("A", "mark_shown", "Mark all", show=False,
                tooltip="mark every model shown (the filtered ones)"),
        Binding("N", "clear_marks", "Unmark all", show=False, tooltip="clear the marks"),
    ]

    cursor_row: reactive[int] = reactive(0, init=False)
    """The highlighted row of the shown (filtered, sorted) models."""

    class MarksChanged(_GridMessage):
        """Models were marked or unmarked."""

    class Highlighted(_GridMessage):
        """The cursor is on another model (or on none)."""

        def __init__(self, grid: ModelGrid, model: ModelSummary | None) -> None:
            super().__init__(grid)
            self.model = model

    class Selected(_GridMessage):
        """Enter, or a click on the highlighted row."""

        def __init__(self, grid: ModelGrid, model: ModelSummary) -> None:
            super().__init__(grid)
            self.model = model

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sort_key, self.reverse, self.filter_text = "modified", True, ""
        self.columns: tuple[Column, ...] = COLUMNS
        self._by_key = COLUMNS_BY_KEY
        self._text_of = [None if c.key == "name" else c.text for c in COLUMNS]
        self.marked: set[str] = set()  # model keys: they survive sort, filter and refresh
        self._accepts: Callable[[ModelSummary], bool] | None = None
        self.shown: list[ModelSummary] = []
        self._models: list[ModelSummary] = []
        self._texts: dict[ModelSummary, tuple[str, ...]] = {}  # a model's texts but its name
        self._rows: dict[tuple[str, ...], tuple[str, ...]] = {}  # each row's texts, kept once
        self._texts_at, self._current_key = 0.0, ""  # when every model's texts were read
        self._loaded: set[str] = set()
        self._slots: list[_ColumnSlot] = []
        self._widest: dict[str, int] = {}
        self._laid_out_for = 0  # the width the columns were fitted to
        self._announced: str | None = None

    # -- what to show ------------------------------------------------------------------
    def set_models(self, models: list[ModelSummary], current: str, loaded: set[str]) -> None:
        """Show `models`; `current` is the current model's name, `loaded` model keys. A list
        set again (each refresh) keeps the texts of the models it had for a minute (ages
        read "5m ago"): only new or changed models are read then."""
        self._models, self._current_key, self._loaded = models, model_key(current), loaded
        if self.marked:  # marks of models gone (deleted elsewhere) go too
            present = {model_key(m.name) for m in models}
            if self.marked - present:
                self.marked &= present
                self.post_message(self.MarksChanged(self))
        kept = self._texts if time.monotonic() - self._texts_at < TEXTS_KEPT_SECONDS else {}
        if not kept:
            self._rows, self._texts_at = {}, time.monotonic()
        self._texts = {m: kept.get(m) or self._cells_of(m) for m in models}
        self._measure()
        self.rebuild()

    def _cells_of(self, model: ModelSummary) -> tuple[str, ...]:
        # Columns repeat a few texts ("F16", "1mo ago") over thousands of rows: one copy of
        # each, and of each row but its name (names interned would fill Python's table).
        texts = tuple([intern(text(model)) if text else "" for text in self._text_of])
        return self._rows.setdefault(texts, texts)

    def _row_texts(self, model: ModelSummary) -> tuple[str, ...]:  # its name's too
        return tuple(c.text(model) if c.key == "name" else text
                     for text, c in zip(self._texts[model], self.columns, strict=True))

    def set_columns(self, columns: tuple[Column, ...]) -> None:
        """Show these columns (the optional ones come and go with the config)."""
        self.columns, self._by_key = columns, {c.key: c for c in columns}
        self._text_of = [None if c.key == "name" else c.text for c in columns]  # name: apart
        if self.sort_key not in self._by_key:
            self.sort_key, self.reverse = "modified", True
        self.refresh_texts()

    def refresh_texts(self) -> None:
        """Recompute every cell (a column's facts arrived), keeping the cursor's model."""
        self._rows, self._texts_at = {}, time.monotonic()
        self._texts = {m: self._cells_of(m) for m in self._models}
        self._measure()
        self.rebuild()

    def refresh_models(self, models: Iterable[ModelSummary]) -> None:
        """Recompute these models' cells (their details arrived); then filter and sort again
        if the filter or the order reads details (a capability may match), else redraw."""
        changed = wider = False
        for model in models:
            old = self._texts.get(model)
            texts = self._cells_of(model) if old is not None else old
            if texts is None or texts == old:
                continue
            changed = True
            self._texts[model] = texts
            wider = wider or any(cell_len(t) > self._widest.get(c.key, 0)
                                 for t, c in zip(texts, self.columns, strict=True))
        if wider:
            self._measure()  # a wider cell: the columns move
        if wider or changed and (self.filter_text or self.sort_key not in LISTED_COLUMNS):
            self.rebuild()
        elif changed:
            self.refresh()

    def set_filter(self, filter_text: str,
                   accepts: Callable[[ModelSummary], bool] | None = None) -> None:
        """Show the models `accepts` takes (the filter language), or those matching the
        plain words of `filter_text`."""
        self.filter_text, self._accepts = filter_text, accepts
        self.rebuild()

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        if reverse is None:
            same = key == self.sort_key
            reverse = not self.reverse if same else self._by_key[key].default_reverse
        self.sort_key, self.reverse = key, reverse
        self._layout_columns()
        self.rebuild()

    @property
    def highlighted(self) -> ModelSummary | None:
        if 0 <= self.cursor_row < len(self.shown):
            return self.shown[self.cursor_row]
        return None

    def select_name(self, name: str) -> None:
        key = model_key(name)
        row = next((i for i, m in enumerate(self.shown) if model_key(m.name) == key), None)
        if row is not None:
            self.cursor_row = row

    def cells(self, row: int) -> list[str]:
        """The text of each cell of a shown row, marks first (what the row reads as)."""
        model = self.shown[row]
        return [self._marks(model), *self._row_texts(model)]

    def rebuild(self) -> None:
        """Filter and sort again; the cursor stays on the same model when it is still shown."""
        kept = self.highlighted
        self.shown = visible_models(self._models, self.filter_text, self.sort_key, self.reverse,
                                    self._by_key, self._accepts)
        row = self.cursor_row
        if kept is not None:
            key = model_key(kept.name)
            row = next((i for i, m in enumerate(self.shown) if model_key(m.name) == key), row)
        self.virtual_size = self._content_size()
        self.set_reactive(ModelGrid.cursor_row, self.validate_cursor_row(row))
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    # -- cursor and keys ---------------------------------------------------------------
    def validate_cursor_row(self, row: int) -> int:
        return min(max(row, 0), max(len(self.shown) - 1, 0))

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Row r is virtual line r + 1: the header takes line 0.
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_to_cursor()
        self._announce()

    def _scroll_to_cursor(self) -> None:
        if not self.shown or not self.size:
            return
        row = Region(0, self.cursor_row + 1, 1, 1)
        # The pinned header covers the top line: keep the cursor below it.
        self.scroll_to_region(row, spacing=Spacing(1, 0, 0, 0), animate=False, force=True)

    def _announce(self) -> None:
        """Tell the screen when the highlighted model changes (not on every refresh)."""
        if (name := model.name if (model := self.highlighted) else None) != self._announced:
            self._announced = name
            self.post_message(self.Highlighted(self, model))

    def action_move(self, step: int) -> None:
        self.cursor_row += step

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self.cursor_row += direction * step

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self.shown) - 1

    def action_select(self) -> None:
        model = self.highlighted
        if model is not None:
            self.post_message(self.Selected(self, model))

    # -- marks -------------------------------------------------------------------------
    def marked_models(self) -> list[ModelSummary]:
        return [m for m in self._models if model_key(m.name) in self.marked]

    def hidden_marks(self) -> int:
        """How many marked models the filter hides (they are still marked)."""
        return len(self.marked - {model_key(m.name) for m in self.shown})

    def _set_marks(self, marked: set[str]) -> None:
        if marked != self.marked:
            self.marked = marked
            self.refresh()
            self.post_message(self.MarksChanged(self))

    def action_toggle_mark(self) -> None:
        model = self.highlighted
        if model is not None:
            self._set_marks(self.marked ^ {model_key(model.name)})
            self.action_move(1)  # on to the next, as in file managers

    def action_mark_shown(self) -> None:
        self._set_marks(self.marked | {model_key(m.name) for m in self.shown})

    def action_clear_marks(self) -> None:
        self._set_marks(set())

    def action_cycle_sort(self) -> None:
        # The columns with something in (a narrow terminal's hidden ones too: sorting by
        # one shows it).
        keys = [c.key for c in self.columns if self._widest.get(c.key, 0) or c.key == "name"]
        at = keys.index(self.sort_key) if self.sort_key in keys else -1
        next_key = keys[(at + 1) % len(keys)]
        self.sort_by(next_key, self._by_key[next_key].default_reverse)

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_key, not self.reverse)

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self.column_at(event.x + int(self.scroll_x))
            if key in self._by_key:
                self.sort_by(key)
            return
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < len(self.shown):
            if row == self.cursor_row:
                self.action_select()
            else:
                self.cursor_row = row

    def column_at(self, x: int) -> str | None:
        """The key of the column under screen column `x` (a gap belongs to its left)."""
        left = LEAD + MARKS_WIDTH + GAP
        for slot in self._slots:
            if left <= x < left + slot.width + GAP:
                return slot.column.key
            left += slot.width + GAP
        return None

    # -- drawing -----------------------------------------------------------------------
    def _measure(self) -> None:
        """The widest text of each column, over all models (so filtering never jumps); rows
        that read the same but for the name are measured once."""
        rows = set(self._texts.values())
        self._widest = {
            c.key: max((cell_len(c.text(m)) for m in self._texts) if c.key == "name" else
                       (cell_len(texts[i]) for texts in rows), default=0)
            for i, c in enumerate(self.columns)
        }
        self._layout_columns()

    def _layout_columns(self) -> None:
        # A column no model has anything in yet (no benchmark run, details still coming)
        # takes no room, unless the grid is sorted by it.
        shown = [(i, c) for i, c in enumerate(self.columns)
                 if self._widest.get(c.key, 0) or c.key in ("name", self.sort_key)]
        widths = {c.key: max(cell_len(c.label) + (1 if c.key == self.sort_key else 0),
                             self._widest.get(c.key, 0)) for _, c in shown}  # 1: "▼"

        def others() -> int:
            return LEAD + MARKS_WIDTH + GAP + sum(widths[c.key] + GAP for _, c in shown
                                                  if c.key != "name")

        width = self._laid_out_for = self.scrollable_content_region.width

        def give_way(order: Callable[[Column], int], name_width: int) -> None:
            # Highest `order` first, never the sorted one nor one of order 0.
            for _, column in sorted(shown, key=lambda pair: -order(pair[1])):
                if not order(column) or others() + GAP + name_width <= width:
                    break
                if column.key != self.sort_key:
                    shown.remove((self.columns.index(column), column))

        # On a narrow terminal the least needed columns give way before names shrink below a
        # comfortable width; then others, before even short names would not fit.
        give_way(lambda c: c.give_way, min(widths["name"], NAME_COMFORT))
        give_way(lambda c: c.squeeze, NAME_MIN_WIDTH)
        # Fit the screen when possible by shortening names (with "…"), not by scrolling.
        room = width - others() - GAP
        if room > 0:
            widths["name"] = max(NAME_MIN_WIDTH, min(widths["name"], room))
        widths["name"] = min(widths["name"], NAME_MAX_WIDTH)
        self._slots = [_ColumnSlot(c, widths[c.key], i) for i, c in shown]

    def on_resize(self, event: events.Resize) -> None:
        self._layout_columns()
        self.virtual_size = self._content_size()
        self.refresh()

    def _content_size(self) -> Size:
        # Before the grid has a width its columns are not fitted yet: no horizontal scroll.
        width = LEAD + MARKS_WIDTH + GAP + sum(s.width + GAP for s in self._slots)
        return Size(width if self._laid_out_for else 0, len(self.shown) + 1)

    def _marks(self, model: ModelSummary) -> str:
        key = model_key(model.name)
        return (CURRENT_MARK if key == self._current_key else " ") + \
            (LOADED_MARK if key in self._loaded else " ")

    def _header_text(self) -> str:
        arrow = "▼" if self.reverse else "▲"
        labels = []
        for slot in self._slots:
            label = slot.column.label + (arrow if slot.column.key == self.sort_key else "")
            labels.append(fit(label, slot.width, right=slot.column.align == "right"))
        return (" " * GAP).join(labels) + " "

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._laid_out_for:
            # The first frame comes before the Resize event: fit the columns to it now.
            self._layout_columns()
        scroll_x, scroll_y = int(self.scroll_x), int(self.scroll_y)
        if not self._slots:
            return Strip.blank(width, self.rich_style)
        if y == 0:
            style = self.rich_style + self.get_component_rich_style("model-grid--header")
            segments = [Segment(" " * (LEAD + MARKS_WIDTH + GAP), style + _SEPARATE),
                        Segment(self._header_text(), style)]
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
        texts = self._row_texts(model)
        cells = [fit(texts[slot.index], slot.width, right=slot.column.align == "right")
                 for slot in self._slots]
        lead = MARKED if model_key(model.name) in self.marked else " " * LEAD
        return Strip([Segment(lead, style + _SEPARATE),
                      Segment(self._marks(model) + " " * GAP, marks_style),
                      Segment((" " * GAP).join(cells) + " ", style)])
