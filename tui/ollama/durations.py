"""Go durations ("5m", "1h30m", "-1s"), as Ollama reads `keep_alive`, with Go's error texts.

Shared by the client (to check a keep-alive before sending it) and the emulator (to answer
as Ollama does).
"""

from __future__ import annotations

import json
import math
import re

_UNIT_NANOS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
               "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}
_PART = re.compile(r"(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)")
MAX_NANOS = 2**63 - 1
FOREVER = math.inf


def parse_go_duration(text: str) -> float:
    """Seconds from a Go duration string ("5m", "1h30m", "-1s"), as time.ParseDuration reads
    it, with its error texts."""
    quoted = json.dumps(text)
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0.0
    if not body:
        raise ValueError(f"time: invalid duration {quoted}")
    nanos, at = 0.0, 0
    while at < len(body):
        match = _PART.match(body, at)
        if match is None or match.group(1) in ("", "."):
            number = re.match(r"\d+\.?\d*", body[at:])
            if number and number.end() == len(body) - at:
                raise ValueError(f"time: missing unit in duration {quoted}")
            if number:
                unit = re.match(r"[^\d.]+", body[at + number.end():])
                raise ValueError(f"time: unknown unit {json.dumps(unit[0] if unit else '')} "
                                 f"in duration {quoted}")
            raise ValueError(f"time: invalid duration {quoted}")
        nanos += float(match.group(1)) * _UNIT_NANOS[match.group(2)]
        at = match.end()
    if nanos > MAX_NANOS:
        raise ValueError(f"time: invalid duration {quoted}")
    return (-nanos if text.startswith("-") else nanos) / 1e9


def keep_alive_text(seconds: float) -> str:
    """A keep-alive for humans: "5m", "1h", "forever"."""
    if seconds < 0 or math.isinf(seconds):
        return "forever"
    if seconds and seconds % 60 == 0 and seconds >= 3600:
        hours, minutes = divmod(int(seconds // 60), 60)
        return f"{hours}h{minutes}m" if minutes else f"{hours}h"
    if seconds and seconds % 60 == 0:
        return f"{int(seconds // 60)}m"
    return f"{seconds:g}s"


def keep_alive_value(text: str) -> str | int:
    """What to send as `keep_alive` for a user's words: a Go duration ("30m", "2h"), whole
    seconds, or -1 for "forever". ValueError, with Go's reason, for anything else."""
    value = text.strip()
    if value.lower() in ("forever", "-1", "never"):
        return -1
    if value.lstrip("-").isdigit():
        return int(value)
    try:
        parse_go_duration(value)
    except ValueError as exc:
        raise ValueError(f"invalid keep-alive {value!r}: {exc} (try 5m, 1h or forever)") \
            from None
    return value


def keep_alive_words(keep_alive: str | int | None) -> str:
    """ "for 1h", "until unloaded", "for Ollama's default time (5 minutes)"."""
    if keep_alive is None:
        return "for Ollama's default time (5 minutes)"
    seconds = keep_alive if isinstance(keep_alive, int) else parse_go_duration(keep_alive)
    return "until unloaded" if seconds < 0 else f"for {keep_alive_text(seconds)}"
