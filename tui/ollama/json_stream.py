"""Decode a JSON object's one array member entry by entry, as the body arrives.

`/api/tags` is `{"models": [entry, entry, …]}`. Read whole, a list of thousands exists
three times at its peak: the body's bytes, its text, and the decoded objects. Decoded as
the chunks come, only the entries made so far and the text of the unfinished one exist.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from typing import Any

from tui.ollama.errors import ProtocolError
from tui.ollama.json_limits import TooDeepError

_WHITESPACE = " \t\n\r"
_NUMBER_CHARS = "0123456789+-.eE"


class NotStreamable(Exception):
    """The body does not start as a JSON object: read it whole instead."""


class ArrayMemberDecoder:
    """Feed it the body's chunks; `finish()` gives `{key: [converted entries]}` and the other
    members of the top-level object, as `json.loads` with `object_hook` would."""

    def __init__(self, key: str, object_hook: Callable[[dict[str, Any]], Any]) -> None:
        self._key = key
        self._json = json.JSONDecoder(object_hook=object_hook)
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._text = ""  # what has arrived and is not decoded yet
        self._retry_at = 0  # a value cut by a chunk boundary is tried again from this length
        self._state = "start"  # start → name → colon → value ⇄ entries → end (→ name…)
        self._name = ""
        self._members: dict[str, Any] = {}
        self._final = False

    @property
    def started(self) -> bool:
        """Whether the body began as an object (before that, the caller keeps its bytes)."""
        return self._state != "start"

    def feed(self, chunk: bytes) -> None:
        try:
            self._text += self._utf8.decode(chunk)
        except UnicodeDecodeError as exc:
            raise ProtocolError("Ollama's answer was not UTF-8 text") from exc
        if len(self._text) >= self._retry_at:
            self._advance()

    def finish(self) -> dict[str, Any]:
        self._retry_at, self._final = 0, True
        self._advance()
        if self._state != "end":
            raise ProtocolError("Ollama's answer was cut short or was not valid JSON")
        return self._members

    def _advance(self) -> None:
        text, at = self._text, 0
        try:
            while True:
                if self._state == "entries":
                    at = self._entries(text, at)
                at = _skip_whitespace(text, at)
                if at == len(text):
                    break
                at = self._step(text, at)
        except RecursionError:  # the decoder recursed once per level: far too deep
            raise ProtocolError(f"Ollama's answer was {TooDeepError()}: not one of its "
                                "answers") from None
        except _NeedMore as stop:
            at = stop.at if stop.at is not None else at  # the entries before it are taken
            # Tried again once the text has doubled: a long value costs linear time.
            self._retry_at = 2 * (len(text) - at)
            if self._final:
                raise ProtocolError("Ollama's answer was cut short or was not valid JSON") \
                    from None
        self._text = text[at:]

    def _step(self, text: str, at: int) -> int:
        """Take one token or value at `at`; return where the next one starts."""
        char, state = text[at], self._state
        if state in ("start", "end"):
            if char != "{":
                if state == "start":
                    raise NotStreamable
                raise ProtocolError("Ollama's answer was not valid JSON")
            # Several objects, one a line (a streamed answer): the last one counts.
            self._members = {}
            self._state = "name"
            return at + 1
        if state == "name":
            if char == "}":
                self._state = "end"
                return at + 1
            if char == ",":
                return at + 1
            self._name, end = self._decode(text, at)
            if not isinstance(self._name, str):
                raise ProtocolError("Ollama's answer was not valid JSON")
            self._state = "colon"
            return end
        if state == "colon":
            if char != ":":
                raise ProtocolError("Ollama's answer was not valid JSON")
            self._state = "value"
            return at + 1
        if state == "value":
            if self._name == self._key and char == "[":
                self._members[self._key] = []
                self._state = "entries"
                return at + 1
            self._members[self._name], end = self._decode(text, at)
            self._state = "name"
            return end
        # state == "entries", at what `_entries` leaves: the end, or an entry not an object
        if char == "]":
            self._state = "name"
            return at + 1
        entry, end = self._decode(text, at)
        self._members[self._key].append(entry)
        return end

    def _entries(self, text: str, at: int) -> int:
        """The array's entries from `at`, in a tight loop (tens of thousands of them); stops
        at anything but an object, a comma or whitespace, for `_step` to take."""
        decode, append = self._json.raw_decode, self._members[self._key].append
        end = len(text)
        while at < end:
            char = text[at]
            if char == "," or char in _WHITESPACE:
                at += 1
            elif char == "{":
                try:
                    entry, at = decode(text, at)
                except json.JSONDecodeError:
                    raise _NeedMore(at) from None  # cut by the chunk's end (or invalid)
                append(entry)
            else:
                break
        return at

    def _decode(self, text: str, at: int) -> tuple[Any, int]:
        try:
            value, end = self._json.raw_decode(text, at)
        except json.JSONDecodeError:
            raise _NeedMore from None  # cut by the chunk's end (or invalid: finish() says)
        if isinstance(value, int | float) and not self._final and \
                (end == len(text) or text[end] in _NUMBER_CHARS):
            raise _NeedMore  # "12" or "0." may be the first part of "1234" or "0.5"
        return value, end


class _NeedMore(Exception):
    def __init__(self, at: int | None = None) -> None:
        super().__init__()
        self.at = at  # where the unfinished value starts, when entries before it were taken


def _skip_whitespace(text: str, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at
