"""Filtering and sorting the model list for the grid. Pure functions, easy to test and fast."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.ollama.models import ModelSummary

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


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort_key: Callable[[ModelSummary], Any]
    default_reverse: bool = False  # sizes and dates read best biggest/newest first


COLUMNS = (
    Column("name", "Name", lambda m: m.name.casefold()),
    Column("params", "Params", lambda m: parameter_count(m.details.parameter_size), True),
    Column("quant", "Quant", lambda m: m.details.quantization_level.casefold()),
    Column("family", "Family", lambda m: m.details.family.casefold()),
    Column("size", "Size", lambda m: m.size, True),
    Column("modified", "Modified", lambda m: m.modified_at_text, True),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}


def matches(model: ModelSummary, needle: str) -> bool:
    """Filter as you type: every word must appear in the name, family or quantisation."""
    haystack = " ".join((model.name, model.details.family, model.details.quantization_level,
                         model.details.parameter_size, "cloud" if model.is_remote else ""))
    haystack = haystack.casefold()
    return all(word in haystack for word in needle.casefold().split())


def visible_models(models: list[ModelSummary], needle: str, sort_key: str,
                   reverse: bool) -> list[ModelSummary]:
    column = COLUMNS_BY_KEY[sort_key]
    chosen = [m for m in models if matches(m, needle)] if needle.strip() else list(models)
    # Ties keep a stable, readable order: by name.
    chosen.sort(key=lambda m: m.name.casefold())
    chosen.sort(key=column.sort_key, reverse=reverse)
    return chosen
