"""Human-readable figures: sizes like `ollama list` (4.7 GB), times like "3 days ago"."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def counted(count: int, noun: str, plural: str = "") -> str:
    """ "1 entry", "3 entries": the count with its noun in the right number."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes from "24GB", "24 GiB", "8G", "512MB" or a plain number; ValueError otherwise."""
    match = _SIZE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a size (like 24GB or 8GiB)")
    number, prefix, binary = match.groups()
    power = "kmgt".find(prefix.lower()) + 1 if prefix else 0
    return int(float(number) * (1024 if binary else 1000) ** power)


def human_size(n: float) -> str:
    """Decimal units, as Ollama prints them: 4683087332 → "4.7 GB"."""
    if n < 1000:
        return f"{int(n)} B"
    value = float(n)
    for unit in _UNITS:
        if value < 1000 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def human_rate(bytes_per_second: float) -> str:
    return f"{human_size(bytes_per_second)}/s"


def human_duration(seconds: float | None) -> str:
    """A compact duration: "42s", "3m 05s", "2h 10m"; "--" when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--"
    total = int(round(seconds))
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    return f"{hours // 24}d {hours % 24}h"


# keep_alive < 0 keeps a model loaded "forever": Ollama reports an expiry ~292 years away.
_FOREVER_AFTER = 100 * 365 * 86400


def until_text(expires: datetime | None, now: datetime | None = None) -> str:
    """When a loaded model will be unloaded: "in 4 minutes", or "forever"."""
    if expires is None:
        return ""
    if (expires - (now or datetime.now(UTC))).total_seconds() > _FOREVER_AFTER:
        return "forever"
    return relative_time(expires, now)


def countdown(expires: datetime | None, now: datetime | None = None) -> str:
    """The same as a live countdown: "4m 05s", "forever", "now" when due."""
    if expires is None:
        return ""
    seconds = (expires - (now or datetime.now(UTC))).total_seconds()
    if seconds > _FOREVER_AFTER:
        return "forever"
    return human_duration(seconds) if seconds > 0 else "now"


# (below this many seconds, seconds a unit, the unit, its short form)
_AGE_UNITS = ((3600, 60, "minute", "m"), (86400, 3600, "hour", "h"),
              (86400 * 30, 86400, "day", "d"), (86400 * 365, 86400 * 30, "month", "mo"),
              (float("inf"), 86400 * 365, "year", "y"))


def _age(when: datetime, now: datetime | None) -> tuple[int, str, str, bool] | None:
    """How long ago (or, `True` last, how far ahead) `when` is: count, unit, its short
    form; None within 45 seconds ("just now")."""
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return None if seconds < 45 else (int(seconds), "second", "s", future)
    for limit, size, unit, short in _AGE_UNITS:  # a loop, not a generator: the grid reads thousands
        if seconds < limit:
            return max(1, int(seconds // size)), unit, short, future
    raise AssertionError("unreachable: the last limit is infinite")


def relative_time(when: datetime | None, now: datetime | None = None) -> str:
    """ "just now", "5 minutes ago", "3 days ago", "2 months ago"; "unknown" when unknown."""
    age = _age(when, now) if when is not None else None
    if age is None:
        return "unknown" if when is None else "just now"
    count, unit, _short, future = age
    label = f"{count} {unit}{'s' if count != 1 else ''}"
    return f"in {label}" if future else f"{label} ago"


def short_relative_time(when: datetime | None, now: datetime | None = None) -> str:
    """The compact form for narrow columns: "5m ago", "3d ago", "2mo ago"."""
    age = _age(when, now) if when is not None else None
    if age is None:
        return "unknown" if when is None else "just now"
    count, _unit, short, future = age
    return f"in {count}{short}" if future else f"{count}{short} ago"


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain text columns separated by two spaces, like `ollama list`; each cell one
    printable line (a newline in a server's name cannot forge a row)."""
    headers = [printable(h) for h in headers]
    # A row checked whole first: 50,000 rows of plain text are the usual list.
    rows = [row if "".join(row).isprintable() else [printable(cell) for cell in row]
            for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def render_pairs(pairs: list[tuple[str, str]]) -> str:
    """`label  value` lines, the values in one column, each one printable line."""
    pairs = [(label, printable(value)) for label, value in pairs]
    width = max((len(label) for label, _ in pairs), default=0)
    return "\n".join(f"{label.ljust(width)}  {value}".rstrip() for label, value in pairs)


# Runs of anything but printable ASCII (and, in multi-line text, newlines and tabs): where
# an unsafe character can be.
_NOT_PLAIN = re.compile("[^ -~]+")
_NOT_PLAIN_LINES = re.compile("[^ -~\n\t]+")


def printable(text: str, *, multiline: bool = False,
              escape: Callable[[str], str] | None = None) -> str:
    """Text from a server, store or bundle made safe to show: what a terminal would obey
    (ESC and so CSI and OSC, every C0 and C1 control, DEL) and what would reorder or hide
    what is shown (the bidi controls U+202A-E and U+2066-9, U+200E/F, U+061C, line
    separators, any other non-printable character) is shown escaped, as "\\x1b".

    A single line unless `multiline` (a license, a template): newlines and tabs stay
    then, and nothing else. `escape` writes one unsafe character (JSON needs "\\u001b")."""
    if text.isprintable():
        return text  # the common case: the same string, not a copy
    if multiline and text.replace("\n", "").replace("\t", "").isprintable():
        return text  # the common case of a license or a table: quicker than the search
    keep = "\n\t" if multiline else ""
    shown = escape or _escape

    def safe(match: re.Match[str]) -> str:
        run = match[0]
        if run.isprintable():
            return run  # accented letters, CJK, emoji: kept as they are
        return "".join(ch if ch in keep or ch.isprintable() else shown(ch) for ch in run)

    return (_NOT_PLAIN_LINES if multiline else _NOT_PLAIN).sub(safe, text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def json_escape(ch: str) -> str:
    """One character as JSON's \\uXXXX escape (a surrogate pair above U+FFFF)."""
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def safe_json(payload: Any) -> str:
    """`payload` as one line of JSON (non-ASCII text kept readable) holding no character
    printable() would escape: json.dumps escapes only U+0000-U+001F, so DEL, the C1
    controls (U+009B is a terminal's CSI) and the bidi controls would be written raw. Each
    is written as \\uXXXX: valid JSON that decodes to the very text the server sent."""
    text = json.dumps(payload, ensure_ascii=False)
    if text.isascii() and "\x7f" not in text:
        return text  # the common case, checked far faster than printable() scans
    return printable(text, escape=json_escape)


def excerpt(text: str, max_lines: int = 200, max_chars: int = 20_000) -> str:
    """The start of a long text (a 5 MB license) and a last line saying how much more
    there is: enough to read, and quick to lay out."""
    if len(text) <= max_chars and text.count("\n") < max_lines:
        return text
    head = "\n".join(text[:max_chars].split("\n", max_lines)[:max_lines])
    more_lines = text.count("\n") - head.count("\n")
    if more_lines:
        return f"{head}\n… {more_lines:,} more {'line' if more_lines == 1 else 'lines'}"
    return f"{head}… {len(text) - len(head):,} more characters"


def processor_text(gpu_fraction: float) -> str:
    """Like `ollama ps`: "100% GPU", "100% CPU" or "48%/52% CPU/GPU"."""
    gpu = round(gpu_fraction * 100)
    if gpu >= 100:
        return "100% GPU"
    if gpu <= 0:
        return "100% CPU"
    return f"{100 - gpu}%/{gpu}% CPU/GPU"
