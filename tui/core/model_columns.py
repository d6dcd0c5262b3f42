"""The model grid's columns as data (label, text, alignment, sort order), and its filter.

Pure functions over ModelSummary, shared by the grid and `qgoose-tui list`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from tui.core.format import human_size, printable, short_relative_time
from tui.ollama.models import ModelSummary

if TYPE_CHECKING:
    from tui.services.history import BenchRecord
    from tui.services.registry import UpdateCheck

CLOUD_MARK = "☁"
_SIZE_SUFFIX = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_PARAMS = re.compile(r"^\s*([\d.]+)\s*([KMBT]?)", re.IGNORECASE)


def parameter_count(text: str) -> float:
    """"7.6B" → 7.6e9, "137M" → 1.37e8; unknown → 0 (sorts first)."""
    match = _PARAMS.match(text)
    if not match:
        return 0.0
    try:
        return float(match.group(1)) * _SIZE_SUFFIX[match.group(2).upper()]
    except ValueError:
        return 0.0


def _size_text(model: ModelSummary) -> str:
    if model.is_remote:
        return f"{CLOUD_MARK} cloud"
    return human_size(model.size) if model.size else "?"  # no size, or a nonsense one


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    text: Callable[[ModelSummary], str]
    """What the cell shows: server text made printable, never markup."""
    sort_key: Callable[[ModelSummary], Any]
    align: Literal["left", "right"] = "left"
    default_reverse: bool = False  # sizes and dates read best biggest/newest first
    give_way: int = 0  # > 0: left out on a narrow terminal, the highest first
    # > 0: left out too, the highest first, when even the shortest names would leave a
    # sideways scroll (a kept sorted column, the info panel beside the grid).
    squeeze: int = 0


COLUMNS = (
    Column("name", "Name", lambda m: printable(m.name), lambda m: m.name.casefold()),
    Column("params", "Params", lambda m: printable(m.details.parameter_size),
           lambda m: parameter_count(m.details.parameter_size), "right", True, squeeze=1),
    Column("quant", "Quant", lambda m: printable(m.details.quantization_level),
           lambda m: m.details.quantization_level.casefold(), squeeze=5),
    Column("family", "Family", lambda m: printable(m.details.family),
           lambda m: m.details.family.casefold(), give_way=2),
    Column("size", "Size", _size_text, lambda m: m.size, "right", True),
    Column("modified", "Modified", lambda m: short_relative_time(m.modified_at),
           lambda m: m.modified_at_text, default_reverse=True),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}


def matches(model: ModelSummary, filter_text: str) -> bool:
    """Filter as you type: every word must appear in the name, family or quantisation."""
    haystack = " ".join((model.name, model.details.family, model.details.quantization_level,
                         model.details.parameter_size, "cloud" if model.is_remote else ""))
    haystack = haystack.casefold()
    return all(word in haystack for word in filter_text.casefold().split())


def visible_models(models: list[ModelSummary], filter_text: str, sort_key: str, reverse: bool,
                   columns: Mapping[str, Column] | None = None,
                   accepts: Callable[[ModelSummary], bool] | None = None) -> list[ModelSummary]:
    """The models that match (`accepts`, else the plain words of `filter_text`), sorted by
    `sort_key`; ties in name order."""
    column = (columns or COLUMNS_BY_KEY)[sort_key]
    if accepts is not None:
        chosen = [m for m in models if accepts(m)]
    elif filter_text.strip():
        chosen = [m for m in models if matches(m, filter_text)]
    else:
        chosen = list(models)
    chosen.sort(key=lambda m: m.name.casefold())
    chosen.sort(key=column.sort_key, reverse=reverse)
    return chosen


def speed_column(record_of: Callable[[ModelSummary], BenchRecord | None]) -> Column:
    """The newest benchmark of each model here: tokens/s (inputs/s for embedding models,
    marked "in/s"); empty where never measured, which sorts last."""

    def text(model: ModelSummary) -> str:
        record = record_of(model)
        if record is None:
            return ""
        return f"{record.speed:.1f}" + (" in/s" if record.kind == "embed" else "")

    def order(model: ModelSummary) -> float:
        record = record_of(model)
        return record.speed if record is not None else -1.0

    return Column("speed", "Tok/s", text, order, "right", True, give_way=1)


# What the update column shows for each state, and how it sorts (outdated first).
UPDATE_MARKS = {"update available": (0, "⬆", "^"), "unknown": (1, "?", "?"),
                "local only": (2, "", ""), "up to date": (3, "", ""), "cloud": (4, "", "")}


def update_column(check_of: Callable[[ModelSummary], UpdateCheck | None],
                  plain: bool) -> Column:
    """⬆ where the registry has a newer version, ? where it could not say; empty until
    checked, and where there is nothing to do."""

    def mark(model: ModelSummary) -> tuple[int, str]:
        check = check_of(model)
        if check is None:
            return (5, "")
        order, symbol, letter = UPDATE_MARKS[check.state]
        return (order, letter if plain else symbol)

    return Column("update", "⬆" if not plain else "Up", lambda m: mark(m)[1],
                  lambda m: mark(m)[0], squeeze=3)


def used_column(last_used: Callable[[ModelSummary], datetime | None]) -> Column:
    """When each model was last loaded or made current here: "never" where never seen
    (those sort as the oldest)."""

    def text(model: ModelSummary) -> str:
        when = last_used(model)
        return short_relative_time(when) if when is not None else "never"

    def order(model: ModelSummary) -> float:
        when = last_used(model)
        return when.timestamp() if when is not None else 0.0

    return Column("used", "Used", text, order, default_reverse=True, give_way=3)
