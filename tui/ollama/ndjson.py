"""Incremental NDJSON decoding: bytes in any chunking → the same JSON objects."""

from __future__ import annotations

import json
from typing import Any

from tui.ollama.errors import ProtocolError


class NdjsonDecoder:
    """Feed it byte chunks as they arrive; it returns each complete line's object."""

    def __init__(self) -> None:
        self._buffer = b""

    def lines(self, chunk: bytes) -> list[bytes]:
        """The complete, non-blank lines that `chunk` finishes, still undecoded."""
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        return [line for line in lines if line.strip()]

    def rest(self) -> list[bytes]:
        """What is left after the last newline (servers may omit the final one)."""
        rest, self._buffer = self._buffer, b""
        return [rest] if rest.strip() else []

    def feed(self, chunk: bytes) -> list[Any]:
        return [decode_line(line) for line in self.lines(chunk)]

    def close(self) -> list[Any]:
        return [decode_line(line) for line in self.rest()]


def latest_of_each_run(lines: list[bytes]) -> list[bytes]:
    """Of each run of lines that start alike (the same status), keep the first and last.

    A pull's progress lines repeat one status with growing byte counts; a progress display
    needs only the newest, and decoding the rest costs most of a pull's CPU. The first line
    of a run stays too: it says what a layer had on disk before this pull (a resume).
    Lines keep their order, so every change of status or layer still comes through.
    """
    kept: list[bytes] = []
    last_key = b""
    run_length = 0
    for line in lines:
        key = line.split(b",", 1)[0]  # '{"status":"pulling 6a0746a1ec1a"'
        if kept and key == last_key:
            run_length += 1
            if run_length > 2:
                kept[-1] = line
            else:
                kept.append(line)
        else:
            kept.append(line)
            last_key, run_length = key, 1
    return kept


def decode_all(data: bytes) -> list[Any]:
    """Every object in a complete body (one JSON object, or NDJSON lines)."""
    decoder = NdjsonDecoder()
    return decoder.feed(data) + decoder.close()


def decode_line(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError as exc:
        preview = line[:80].decode("utf-8", "replace")
        raise ProtocolError(f"Ollama sent a line that is not JSON: {preview!r}") from exc
