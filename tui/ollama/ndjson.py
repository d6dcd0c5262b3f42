"""Incremental NDJSON decoding: bytes in any chunking → the same JSON objects."""

from __future__ import annotations

from typing import Any

from tui.ollama.errors import ProtocolError
from tui.ollama.json_limits import TooDeepError, loads_bounded

# Ollama's longest lines are a few hundred bytes; a megabyte without a newline is a
# server (or something posing as one) that will never end the line.
MAX_LINE_BYTES = 1 << 20


class NdjsonDecoder:
    """Feed it byte chunks as they arrive; it returns each complete line's object."""

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self._partial: list[bytes] = []  # pieces of the unfinished line, joined once
        self._partial_size = 0
        self._max_line = max_line

    def lines(self, chunk: bytes) -> list[bytes]:
        """The complete, non-blank lines that `chunk` finishes, still undecoded.

        Only the new chunk is split, so a long line costs linear time, not quadratic.
        """
        *done, tail = chunk.split(b"\n")
        if done and self._partial:
            done[0] = b"".join(self._partial) + done[0]
            self._partial, self._partial_size = [], 0
        if tail:
            self._partial.append(tail)
            self._partial_size += len(tail)
        if self._partial_size > self._max_line or any(len(ln) > self._max_line for ln in done):
            raise ProtocolError(f"Ollama sent a line longer than {self._max_line // 1024} KB: "
                                "not one of its answers")
        return [line for line in done if line.strip()]

    def rest(self) -> list[bytes]:
        """What is left after the last newline (servers may omit the final one)."""
        rest = b"".join(self._partial)
        self._partial, self._partial_size = [], 0
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
        return loads_bounded(line)
    except TooDeepError as exc:
        raise ProtocolError(f"Ollama sent {exc}: not one of its answers") from None
    except ValueError as exc:
        preview = line[:80].decode("utf-8", "replace")
        raise ProtocolError(f"Ollama sent a line that is not JSON: {preview!r}") from exc
