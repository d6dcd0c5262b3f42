"""JSON from outside (a server, a registry, a bundle, a cache file) decoded with a depth
limit.

Python's decoder recurses once per level of nesting: 1,100 levels, 2 KB of brackets, raise
RecursionError, which no caller expects (a traceback, a toast at every poll). Ollama's
deepest answer nests a handful of levels; deeper than MAX_DEPTH is not one of its answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 64


class TooDeepError(ValueError):
    """JSON nested deeper than MAX_DEPTH (a ValueError, as any other JSON that is refused)."""

    def __init__(self) -> None:
        super().__init__(f"JSON nested more than {MAX_DEPTH} levels deep")


def loads_bounded(text: str | bytes,
                  object_hook: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """json.loads, refusing JSON nested deeper than MAX_DEPTH: TooDeepError (ValueError)."""
    try:
        value = json.loads(text, object_hook=object_hook)
    except RecursionError:
        raise TooDeepError from None
    # Each level opens a bracket: with no more brackets than the limit (brackets inside
    # strings counted too), no need to look. Counting is far quicker than decoding.
    opened = text.count(b"[") + text.count(b"{") if isinstance(text, bytes) else \
        text.count("[") + text.count("{")
    if opened > MAX_DEPTH:
        check_depth(value)
    return value


def check_depth(value: Any) -> None:
    """TooDeepError when lists and dicts in `value` nest deeper than MAX_DEPTH."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else \
            item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth >= MAX_DEPTH:
                    raise TooDeepError
                pending.append((child, depth + 1))
