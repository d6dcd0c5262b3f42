from datetime import UTC, datetime, timedelta

import pytest

from tui.format import human_duration, human_size, printable, relative_time

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
    assert printable("line one\n\ttabbed [bold]x[/bold]") == "line one\n\ttabbed [bold]x[/bold]"


def test_short_relative_times_fit_a_narrow_column() -> None:
    from tui.format import short_relative_time

    assert [short_relative_time(NOW - d, now=NOW) for d in (
        timedelta(seconds=5), timedelta(minutes=5), timedelta(days=12), timedelta(days=64),
        timedelta(days=800))] == ["just now", "5m ago", "12d ago", "2mo ago", "2y ago"]
