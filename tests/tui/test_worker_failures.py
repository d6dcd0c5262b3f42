"""No silent failures: a worker that fails of a bug in a view or a dialog (their
Worker.StateChanged does not bubble to the app) is said in a toast, and the app goes on."""

from tests.tui.helpers import models_view, notices, wait_until
from tui.ui.screens.bench import BenchScreen
from tui.ui.screens.confirm import ConfirmScreen


async def test_a_failing_worker_of_a_view_is_said_and_the_app_goes_on(pilot,
                                                                      monkeypatch) -> None:
    app = pilot.app

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in delete")

    monkeypatch.setattr(app.session, "delete", broken)
    models_view(app).grid.select_name("phi4:14b")
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await wait_until(pilot, lambda: "RuntimeError: a bug in delete" in notices(app))
    assert "Something went wrong" in notices(app)
    await pilot.press("2")  # the app goes on
    await wait_until(pilot, lambda: app.current_mode == "running")


async def test_a_failing_worker_of_a_dialog_is_said_and_the_dialog_goes_on(pilot,
                                                                          monkeypatch) -> None:
    app = pilot.app

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in the benchmark")

    monkeypatch.setattr("tui.ops.choosing.benchmark", broken)
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("b")
    assert isinstance(app.screen, BenchScreen)
    await pilot.press("enter")  # Start has the focus
    await wait_until(pilot, lambda: "RuntimeError: a bug in the benchmark" in notices(app))
    assert app.screen.is_current and not app.screen.running
    await pilot.press("escape")
    assert not isinstance(app.screen, BenchScreen)
