"""The pull dialog says, as a name is typed, its download size and whether it fits this
host, from the model's own header in the registry; pulling what does not fit asks first."""

import pytest
from textual.widgets import Static

from tests.tui.helpers import shows, type_text, wait_until
from tui.emulator.registry import blob_log
from tui.emulator.server import Emulator
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.pull_dialog import PullDialog


def fit_line(app) -> str:
    """The dialog's size-and-verdict line, as one line (the screen wraps it)."""
    return str(app.screen.query_one("#fit", Static).content) \
        if isinstance(app.screen, PullDialog) else ""


@pytest.mark.settings(vram="12GB", fit_context=8192)
@pytest.mark.size(110, 30)
async def test_typing_a_name_shows_its_size_and_verdict(pilot, emulator: Emulator,
                                                        monkeypatch) -> None:
    from tui.ui.screens import pull_dialog

    # A pause long enough that two key presses fall inside it even on a busy CPU.
    app_pause = pull_dialog.DEBOUNCE
    monkeypatch.setattr(pull_dialog, "DEBOUNCE", 1.5)
    app = pilot.app
    await pilot.press("p", *"qwen3:3")  # a name on the way: its check is cancelled
    await pilot.press(*"2b")
    await wait_until(pilot, lambda: "to download" in fit_line(app))
    # qwen3:32b: 20 GB of weights; its KV cache is 2 GiB at 8k, 8 GiB at 32k.
    assert fit_line(app) == ("20.0 GB to download · partly on CPU: 23.3 GB at 8k vs 12.0 GB"
                             " · does not fit: 33.0 GB at 32k vs 12.0 GB")
    assert shows(app, "20.0 GB to download · partly on CPU")
    manifests = [r.path for r in emulator.requests if "/manifests/" in r.path]
    assert manifests.count("/v2/library/qwen3/manifests/32b") == 1
    assert "/v2/library/qwen3/manifests/3" not in manifests  # typed on from: never asked
    assert blob_log(emulator).bytes_served <= 16 << 20
    # The app's own pause again: that the last name's check wins is all that is left to see.
    monkeypatch.setattr(pull_dialog, "DEBOUNCE", app_pause)
    await pilot.press(*["backspace"] * 3, *"0.6b")
    await wait_until(pilot, lambda: fit_line(app).endswith("fits at 8k · fits at 32k"))
    assert not shows(app, "20.0 GB to download")


@pytest.mark.settings(vram="8GB", fit_context=32768)
async def test_pulling_what_does_not_fit_asks_first(pilot, emulator: Emulator) -> None:
    # Once confirmed, the 20 GB pull barely moves: Pilot waits after each key for an idle
    # process, which a stream at full speed never is (the last key then took 2 s).
    emulator.pull_rate, emulator.progress_interval = 1e5, 0.2
    app = pilot.app
    await pilot.press("p")
    await type_text(pilot, "qwen3:32b")
    await wait_until(pilot, lambda: "does not fit: 33.0 GB at 32k vs 8.0 GB" in fit_line(app))
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert shows(app, "qwen3:32b does not fit this host's GPU")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, PullDialog))
    assert emulator.pull_requests() == [] and not app.session.pulls
    await pilot.press("enter", "y")
    await wait_until(pilot, lambda: app.session.pulls.get("qwen3:32b") is not None)


async def test_an_unknown_name_says_why_and_still_pulls(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await pilot.press("p")
    await type_text(pilot, "nosuchmodel")
    await wait_until(pilot, lambda: "size unknown:" in fit_line(app))
    assert "has no nosuchmodel:latest (HTTP 404)" in fit_line(app)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, PullDialog))
