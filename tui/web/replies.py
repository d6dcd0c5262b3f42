"""The API's answers: JSON in the seed's shapes, errors as {"status": "error", "message": …}."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tui.core.format import safe_json

# The API's answers are about what is installed right now: never kept by a cache.
NO_STORE = {"Cache-Control": "no-store"}


class ApiError(Exception):
    """A request we answer with an error: its HTTP status, one line for a person, and any
    fields the seed's shape for that endpoint has (`model`, `ollama_available`…)."""

    def __init__(self, status: int, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields


def encode(payload: dict[str, Any]) -> bytes:
    """UTF-8 JSON, non-ASCII kept readable; a server's controls escaped as \\uXXXX, so that
    `curl` in a terminal shows them, never obeys them (safe_json)."""
    return safe_json(payload).encode()


def reply(payload: dict[str, Any], status: int = 200,
          headers: dict[str, str] | None = None) -> web.Response:
    return reply_encoded(encode(payload), status, headers)


def reply_encoded(body: bytes, status: int = 200,
                  headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=body, status=status, content_type="application/json",
                        charset="utf-8", headers={**NO_STORE, **(headers or {})})


def error_reply(status: int, message: str, headers: dict[str, str] | None = None,
                **fields: Any) -> web.Response:
    return reply({"status": "error", "message": message, **fields}, status, headers)
