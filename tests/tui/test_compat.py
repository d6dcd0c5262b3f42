"""Each use of Textual's private API (tui/ui/compat.py) does what it is there for. The
paging guard and the failing widget that stops alone are in test_resilience.py."""

from textual.app import ComposeResult
from textual.widgets import Static

from tui.ui.compat import SurvivingApp, shown_notifications, timer_running


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
