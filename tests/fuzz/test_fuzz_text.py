"""Fuzzing the one function that makes server text printable, and what is built on it: any
text comes out with nothing a terminal obeys or that reorders the line, JSON decodes to the
very text that went in, JSON of any depth is a value or a ValueError."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from textual.color import Color

from tests.fuzz.test_fuzz import FUZZ
from tui.cli.output import json_for_terminal
from tui.core.format import printable
from tui.ollama.json_limits import MAX_DEPTH, loads_bounded
from tui.ui.widgets.safe_text import ControlFilter

# Controls, bidi marks, separators, surrogates and private use mixed into ordinary text.
ODD = st.sampled_from(["\x1b", "\x07", "\x9b", "\x85", "\x7f", "\u202e", "\u2066", "\u200f",
                       "\u061c", "\u2028", "\r", "\n", "\t", "\ud800", "\U000e0001", "é", "名",
                       "🦙", "\xa0"])
TEXT = st.lists(st.text(max_size=8) | ODD, max_size=30).map("".join)


def shown_safely(text: str, allowed: str = "") -> bool:
    """Nothing non-printable but `allowed` (a control, a bidi mark, a separator…)."""
    return all(ch.isprintable() or ch in allowed for ch in text)


@FUZZ
@given(TEXT)
def test_printable_leaves_nothing_to_obey(text: str) -> None:
    assert shown_safely(printable(text))
    multiline = printable(text, multiline=True)
    assert shown_safely(multiline, "\n\t")
    assert multiline.count("\n") == text.count("\n")  # the lines stay the lines
    assert printable(printable(text)) == printable(text)


@FUZZ
@given(st.dictionaries(TEXT, TEXT | st.lists(TEXT, max_size=3), max_size=4))
def test_json_for_terminal_is_safe_and_means_the_same(payload: dict) -> None:
    line = json_for_terminal(payload)
    assert shown_safely(line) and "\n" not in line
    assert json.loads(line) == payload


@FUZZ
@given(st.lists(st.tuples(TEXT, st.sampled_from([None, "bold"])), max_size=6))
def test_the_screen_filter_leaves_no_control_and_keeps_the_width(parts: list) -> None:
    segments = [Segment(text) for text, _ in parts]
    kept = ControlFilter().apply(segments, Color(0, 0, 0))
    drawn = "".join(segment.text for segment in kept)
    assert not any(unicodedata.category(ch) == "Cc" or 0x202A <= ord(ch) <= 0x202E
                   or 0x2066 <= ord(ch) <= 0x2069 for ch in drawn)
    assert sum(s.cell_length for s in kept) == sum(s.cell_length for s in segments)


@FUZZ
@given(st.integers(1, 3000), st.sampled_from(["[", '{"a":']))
def test_json_of_any_depth_is_a_value_or_a_value_error(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = opener * depth + ("1" if opener != "[" else "") + closer * depth
    try:
        loads_bounded(text)
    except ValueError:
        assert depth > MAX_DEPTH
    else:
        assert depth <= MAX_DEPTH
