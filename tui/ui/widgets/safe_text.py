"""Text from a server on screen: shown, never obeyed, never markup.

Two layers. `server_text` is how a widget takes a server's string: escaped by
`printable()` ("\\x1b" shown), as plain rich Text. `ControlFilter`, on every line the
app draws, drops any terminal control that came some other way (a message no one thought
would carry server text): whatever the widgets do, none reaches the terminal.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

from tui.core.format import printable

# What a terminal obeys (C0, DEL, C1: ESC starts CSI and OSC, U+009B is CSI itself) and
# what reorders the line (bidi controls, line separators). All are zero cells wide, so
# dropping them leaves the layout as drawn.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def server_text(text: str, style: str = "", *, multiline: bool = False) -> Text:
    """A server's string as rich Text, escaped; one line unless `multiline`."""
    return Text(printable(text, multiline=multiline), style=style)


class ControlFilter(LineFilter):
    """Drops terminal controls from every drawn line (the app's last line of defence)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(_CONTROLS.search(segment.text) for segment in segments):
            return segments  # every line, every frame: the common case costs a scan only
        return [Segment(_CONTROLS.sub("", text), style, control) if control is None
                else Segment(text, style, control) for text, style, control in segments]
