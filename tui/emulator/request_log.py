"""The emulator's log of recent requests, for tests to inspect.

It never keeps a request's body: parsed 64 KB bodies kept for 2,000 requests once took 3 GB.
It keeps the method, the path, the answer's status, and the top-level scalar fields of a JSON
body (`model`, `prompt`, `keep_alive`, …; long strings cut), which is all a test asks about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

LOG_SIZE = 2000
FACT_TEXT_MAX = 200  # characters kept of a string field


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any] | None = None  # the body's scalar facts, not the body
    status: int | None = None  # None while it is being answered (or never was)


# Where a request keeps its entry (aiohttp 3.13 added typed request keys).
_ENTRY: Any = (web.RequestKey("qgoose.log-entry", RecordedRequest)
               if hasattr(web, "RequestKey") else "qgoose.log-entry")


def scalar_facts(value: Any) -> dict[str, Any] | None:
    """The top-level fields of a JSON object that are strings, numbers, booleans or null."""
    if not isinstance(value, dict):
        return None
    facts: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, str):
            facts[key] = item[:FACT_TEXT_MAX]
        elif item is None or isinstance(item, bool | int | float):
            facts[key] = item
    return facts


def start_entry(request: web.Request) -> RecordedRequest:
    entry = RecordedRequest(request.method, request.path)
    request[_ENTRY] = entry
    return entry


def note_body(request: web.Request, value: Any) -> None:
    """Record the facts of the body a handler decoded."""
    entry = request.get(_ENTRY)
    if isinstance(entry, RecordedRequest):
        entry.body = scalar_facts(value)
