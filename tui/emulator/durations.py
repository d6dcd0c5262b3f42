"""Go's time.ParseDuration as the emulator's keep_alive needs it, with Go's error texts
(the emulator's own copy: it imports nothing of the app)."""

from __future__ import annotations

import json
import re

MAX_NANOS = 2**63 - 1
_NANOS = {"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9,
          "m": 60 * 10**9, "h": 3600 * 10**9}
_TERM = re.compile(r"(\d+\.?\d*|\.\d+)([^\d.]*)")


def go_duration_seconds(text: str) -> float:
    """Seconds of a Go duration ("90s", "1h30m", "-5m"); ValueError with Go's words."""
    quoted = json.dumps(text)
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0.0
    if not body:
        raise ValueError(f"time: invalid duration {quoted}")
    nanos, at = 0.0, 0
    while at < len(body):
        term = _TERM.match(body, at)
        if term is None:
            raise ValueError(f"time: invalid duration {quoted}")
        number, unit = term.groups()
        if not unit:
            raise ValueError(f"time: missing unit in duration {quoted}")
        if unit not in _NANOS:
            raise ValueError(f"time: unknown unit {json.dumps(unit)} in duration {quoted}")
        nanos += float(number) * _NANOS[unit]
        at = term.end()
    if nanos > MAX_NANOS:
        raise ValueError(f"time: invalid duration {quoted}")
    return (-nanos if text.startswith("-") else nanos) / 1e9
