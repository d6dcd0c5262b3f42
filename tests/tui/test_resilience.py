"""One failing widget (ours or Textual's) never takes the app, or its pulls, down."""

import asyncio
from collections.abc import Callable

from textual import events
from textual.command import CommandPalette

from tests.tui.helpers import models_view, notices
from tui.core.pulls import PullState
from tui.emulator.server import Emulator
from tui.ui.compat import guard_option_list_paging


async def test_page_down_right_after_opening_the_palette(pilot) -> None:
    # Textual 8.2.8 raised KeyError here (the list had no layout yet) and ended the app.
    app = pilot.app
    app.action_command_palette()
    await pilot.press("pagedown", "pageup", "pagedown")
    await pilot.pause()
    assert app.is_running and isinstance(app.screen, CommandPalette)
    await pilot.press("escape")
    assert app.screen is models_view(app)


def test_the_paging_guard_is_installed_once() -> None:
    from textual.widgets import OptionList

    guard_option_list_paging()
    first = OptionList._move_page
    guard_option_list_paging()
    assert OptionList._move_page is first and getattr(first, "guarded", False)


async def test_a_failing_widget_is_reported_and_the_pulls_go_on(pilot, emulator: Emulator,
                                                               monkeypatch) -> None:
    emulator.pull_rate = 200e6
    app = pilot.app
    app.survive_widget_errors = True  # as outside tests
    app.start_pull("smollm2:135m")
    job = app.session.pulls.get("smollm2:135m")
    grid = models_view(app).grid

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug in the grid")

    monkeypatch.setattr(type(grid), "on_click", broken)
    # Posted, not clicked: Pilot's click waits for every widget, and the grid has stopped.
    grid.post_message(events.Click(grid, 5, 3, 0, 0, 1, False, False, False))
    await _until(lambda: "a bug in the grid" in notices(app))
    await _until(lambda: job.state is PullState.DONE, timeout=30)
    assert app.is_running and grid.disabled and app.focused is not grid
    app.post_message(events.Key("2", "2"))  # the other views still answer
    await _until(lambda: app.current_mode == "running")


async def _until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Like wait_until, without Pilot: it waits for every widget, and one has stopped."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the app never reached the expected state")
