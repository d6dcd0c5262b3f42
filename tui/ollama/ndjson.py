"""Incremental NDJSON decoding: bytes in any chunking → the same JSON objects."""

from __future__ import annotations

import json
from typing import Any

from tui.ollama.errors import ProtocolError


class NdjsonDecoder:
    """Feed it byte chunks as they arrive; it returns each complete line's object."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[Any]:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        return [_decode(line) for line in lines if line.strip()]

    def close(self) -> list[Any]:
        """Decode what is left after the last newline (servers may omit the final one)."""
        rest, self._buffer = self._buffer, b""
        return [_decode(rest)] if rest.strip() else []


def decode_all(data: bytes) -> list[Any]:
    """Every object in a complete body (one JSON object, or NDJSON lines)."""
    decoder = NdjsonDecoder()
    return decoder.feed(data) + decoder.close()


def _decode(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError as exc:
        preview = line[:80].decode("utf-8", "replace")
        raise ProtocolError(f"Ollama sent a line that is not JSON: {preview!r}") from exc
