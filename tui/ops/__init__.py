"""The user-level operations, each written once, for the TUI, the command line and the web API.

An operation takes a host's session (or the fleet) and plain arguments, does the work, and
returns a result object: a frozen dataclass with `to_json()` giving the shape the command
line's `--json` prints and the web API returns. The command line prints results, the TUI turns
them into toasts and screens; neither repeats an operation's rules. No Textual here.
"""

from __future__ import annotations

from typing import Any, Protocol


class Result(Protocol):
    """What every operation returns."""

    def to_json(self) -> dict[str, Any]: ...


class BadRequest(ValueError):
    """Input an operation refuses before anything is asked (a missing name, an option out
    of range): the command line exits 2, the web API answers 400."""
