"""Where the command line writes. Everything a command prints to stdout or stderr passes
`printable()` on its way, exception messages included: text from a server, store or
bundle is shown, never obeyed by the terminal, whichever command printed it.

JSON is written as one line whose strings escape every character `printable()` would,
as \\uXXXX: valid JSON that decodes to the very text the server sent.
"""

from __future__ import annotations

from typing import Any, TextIO, cast

from tui.core.format import printable, safe_json


class PrintableStream:
    """A text stream that passes on only printable text (newlines and tabs kept)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text, multiline=True))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)  # encoding, fileno…: the real stream's


def printable_stream(stream: TextIO) -> TextIO:
    """`stream`, writing only printable text from now on."""
    if isinstance(stream, PrintableStream):
        return stream
    # Not a TextIO to mypy, but all a command does with one (print, write, flush, isatty).
    return cast(TextIO, PrintableStream(stream))


def raw(stream: TextIO) -> TextIO:
    """The stream under a PrintableStream: for our own control sequences (a progress line's
    redraw) and for text already made printable (JSON)."""
    return stream.stream if isinstance(stream, PrintableStream) else stream


def json_for_terminal(payload: Any) -> str:
    """One line of JSON with no control character in it (see safe_json)."""
    return safe_json(payload)


def write_json(stream: TextIO, payload: Any, flush: bool = False) -> None:
    """`payload` as one line of JSON (already printable: written as it is)."""
    out = raw(stream)
    out.write(json_for_terminal(payload) + "\n")
    if flush:
        out.flush()
