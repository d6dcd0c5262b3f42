"""Each use of Textual's private API (tui/ui/compat.py) does what it is there for. The
paging guard and the failing widget that stops alone are in test_resilience.py."""

import string
import unicodedata
from collections.abc import Callable

import pytest
import textual.app
import textual.screen
from textual import keys
from textual.app import ComposeResult
from textual.keys import _character_to_key
from textual.widgets import Static

from tests.tui.helpers import shows, started
from tui.emulator.server import Emulator
from tui.ui.app import QGooseApp
from tui.ui.compat import SurvivingApp, known_ascii_keys, shown_notifications, timer_running


class Crashing(SurvivingApp):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def compose(self) -> ComposeResult:
        yield Static("up")

    def on_mount(self) -> None:
        password = self.secret  # a local variable where the crash happens
        raise RuntimeError(f"a bug with {len(password)} characters at hand")


def test_a_crash_report_shows_the_traceback_without_local_variables(capfd) -> None:
    Crashing("hunter2-in-OLLAMA_HOST").run(headless=True)
    report = capfd.readouterr().err
    assert "RuntimeError" in report and "a bug with 22 characters at hand" in report
    assert "hunter2" not in report


async def test_shown_notifications_are_the_toasts_on_screen() -> None:
    app = SurvivingApp()
    async with app.run_test() as pilot:
        app.notify("first", title="One")
        app.notify("second")
        await pilot.pause()
        assert [(n.title, n.message) for n in shown_notifications(app)] == \
            [("One", "first"), ("", "second")]
        app.clear_notifications()
        assert list(shown_notifications(app)) == []


async def test_timer_running_follows_pause_and_resume() -> None:
    app = SurvivingApp()
    async with app.run_test():
        timer = app.set_interval(10, lambda: None, pause=True)
        assert not timer_running(timer)
        timer.resume()
        assert timer_running(timer)
        timer.pause()
        assert not timer_running(timer)


ASCII_KEY_NAMES = sorted({*string.printable, *map(_character_to_key, string.printable),
                          *keys.KEY_DISPLAY_ALIASES, *keys.KEY_TO_UNICODE_NAME,
                          *keys.REPLACED_KEYS, *keys.KEY_NAME_REPLACEMENTS, "tab", "escape",
                          "space", "enter", "f1", "ctrl+p", "shift+tab", "+", "é"})


def test_ascii_keys_read_as_textual_reads_them() -> None:
    known_ascii_keys()
    for key in ASCII_KEY_NAMES:
        assert textual.app.format_key(key) == keys.format_key(key), key
        assert textual.screen.key_to_character(key) == keys.key_to_character(key), key


async def test_the_first_screen_shows_its_keys_without_unicode_names(
        emulator: Emulator, make_app: Callable[..., QGooseApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each name looked up reads ~60 KiB of Unicode's name database into memory.
    keys.format_key.cache_clear()  # what earlier tests looked up would not be seen again
    keys.key_to_character.cache_clear()
    looked_up: list[str] = []
    lookup = unicodedata.lookup
    monkeypatch.setattr(unicodedata, "lookup", lambda name: looked_up.append(name) or lookup(name))
    app = make_app(emulator.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.pause()
        assert shows(app, "] Info ? more") and looked_up == []
