"""Text measured and fitted in terminal cells (wide CJK characters take two), for the
grid's columns."""

from __future__ import annotations

from rich.cells import cell_len as rich_cell_len
from rich.cells import set_cell_size


def cell_len(text: str) -> int:
    """Terminal cells `text` takes. Rich's own caches every string it measures: measuring
    every cell of thousands of rows would keep half a megabyte of cache for nothing."""
    return len(text) if text.isascii() else rich_cell_len(text)


def fit(text: str, width: int, right: bool = False) -> str:
    """`text` in exactly `width` terminal cells: cut with "…" or padded (wide CJK aware)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width) if not right else \
        " " * (width - cell_len(text)) + text
