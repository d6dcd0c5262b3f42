from datetime import UTC, datetime, timedelta

import pytest

from tui.core.format import human_duration, human_size, printable, relative_time

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 B"), (999, "999 B"), (1000, "1.0 KB"), (136727040, "137 MB"),
    (2019393189, "2.0 GB"), (4683087332, "4.7 GB"), (14659507200, "14.7 GB"),
    (355_000_000_000, "355 GB"), (2.5e12, "2.5 TB"),
])
def test_sizes_read_like_ollama_list(n: float, text: str) -> None:
    assert human_size(n) == text


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(seconds=10), "just now"), (timedelta(minutes=5), "5 minutes ago"),
    (timedelta(hours=1), "1 hour ago"), (timedelta(days=3), "3 days ago"),
    (timedelta(days=64), "2 months ago"), (timedelta(days=800), "2 years ago"),
    (timedelta(minutes=-4), "in 4 minutes"),
])
def test_relative_times(delta: timedelta, text: str) -> None:
    assert relative_time(NOW - delta, now=NOW) == text


def test_durations() -> None:
    assert [human_duration(s) for s in (None, 5, 185, 7800, 3 * 86400)] == \
        ["--", "5s", "3m 05s", "2h 10m", "3d 0h"]


def test_terminal_control_bytes_are_shown_not_obeyed() -> None:
    shown = printable("evil\x1b[2J\x1b]8;;http://x\x07name\r")
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
    assert shown == "evil\\x1b[2J\\x1b]8;;http://x\\x07name\\x0d"
    text = "line one\n\ttabbed [bold]x[/bold]"
    assert printable(text, multiline=True) == text  # a license keeps its lines and tabs
    assert printable(text) == "line one\\x0a\\x09tabbed [bold]x[/bold]"  # a name: one line


def test_every_control_and_bidi_character_is_escaped_and_the_rest_kept() -> None:
    unsafe = ("\x00\x1b\x7f\x85\x9b\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066"
              "\u2069\U000e0001")
    shown = printable(f"a{unsafe}b\r\nc", multiline=True)
    assert not any(ch in shown for ch in unsafe + "\r")
    assert shown.startswith("a\\x00\\x1b\\x7f\\x85\\x9b\\u061c") and shown.endswith("b\\x0d\nc")
    kept = "naïve 名前 🦙 tab\there"
    assert printable(kept, multiline=True) == kept
    assert printable("café\u202e") == "café\\u202e"


def test_json_escapes_give_the_same_string_back() -> None:
    import json

    from tui.core.format import json_escape

    text = json.dumps("x\u202e\x9b\U000e0001y", ensure_ascii=False)
    escaped = printable(text, escape=json_escape)
    assert escaped.isascii() and json.loads(escaped) == "x\u202e\x9b\U000e0001y"


def test_a_long_text_is_cut_with_a_note_of_what_is_left() -> None:
    from tui.core.format import excerpt

    license_text = "\n".join(f"line {n}" for n in range(3200))
    shown = excerpt(license_text, max_lines=200, max_chars=20_000)
    assert shown.splitlines()[:200] == license_text.splitlines()[:200]
    assert shown.splitlines()[-1] == "… 3,000 more lines" and len(shown.splitlines()) == 201
    one_line = "x" * 50_000
    assert excerpt(one_line, max_chars=20_000) == "x" * 20_000 + "… 30,000 more characters"
    assert excerpt("short\ntext") == "short\ntext"


def test_short_relative_times_fit_a_narrow_column() -> None:
    from tui.core.format import short_relative_time

    assert [short_relative_time(NOW - d, now=NOW) for d in (
        timedelta(seconds=5), timedelta(minutes=5), timedelta(days=12), timedelta(days=64),
        timedelta(days=800))] == ["just now", "5m ago", "12d ago", "2mo ago", "2y ago"]
