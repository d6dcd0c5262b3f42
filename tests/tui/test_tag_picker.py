"""The pull dialog's tag picker lists each tag of a library model the app knows, with its
size, quantisation and verdict read from the registry; choosing a tag fills the name (and
pulling one that does not fit still asks first). A newer server's recommended models are
offered in the list with their verdicts; an older server's absence of them says nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Input, OptionList

from tests.tui.helpers import notices, shows, started, type_text, wait_until
from tui.emulator.server import Emulator, running_emulator
from tui.ui.app import QGooseApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.pull_dialog import PullDialog
from tui.ui.widgets.tag_picker import TagPicker


def picker(app) -> TagPicker:  # type: ignore[no-untyped-def]
    return app.screen.query_one(TagPicker)


def rows(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each listed tag's row, as the picker shows it."""
    tags = picker(app)
    return {str(tags.get_option_at_index(i).id): str(tags.get_option_at_index(i).prompt)
            for i in range(tags.option_count)}


def all_read(app) -> bool:  # type: ignore[no-untyped-def]
    shown = rows(app)
    return bool(shown) and not any("reading the registry" in row for row in shown.values())


async def choose(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    tags = picker(pilot.app)
    tags.focus()
    tags.highlighted = tags.get_option_index(name)
    await pilot.press("enter")


@pytest.mark.settings(vram="12GB", fit_context=8192)
@pytest.mark.size(110, 40)
async def test_the_picker_lists_each_tag_with_size_and_verdict(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await pilot.press("p")
    await type_text(pilot, "qwen3")
    await wait_until(pilot, lambda: all_read(app))
    shown = rows(app)
    assert list(shown) == ["qwen3:0.6b", "qwen3:1.7b", "qwen3:4b", "qwen3:8b", "qwen3:14b",
                           "qwen3:30b", "qwen3:32b", "qwen3:235b"]
    # The same figures as the typed name's line: 20 GB of weights, 2 GiB of KV at 8k.
    assert " ".join(shown["qwen3:32b"].split()) == \
        "32b 20.0 GB Q4_K_M partly on CPU: 23.3 GB at 8k"
    assert shown["qwen3:0.6b"].endswith("fits at 8k")
    assert "does not fit" in shown["qwen3:235b"]
    await choose(pilot, "qwen3:32b")
    assert app.screen.query_one("#name", Input).value == "qwen3:32b"
    assert isinstance(app.screen, PullDialog) and not app.session.pulls  # only filled in
    assert shows(app, "20.0 GB to download · partly on CPU: 23.3 GB at 8k vs 12.0 GB")
    manifests = [r.path for r in emulator.requests if "/manifests/" in r.path]
    assert manifests.count("/v2/library/qwen3/manifests/32b") == 1  # read once, for both


@pytest.mark.settings(vram="8GB", fit_context=32768)
@pytest.mark.size(110, 40)
async def test_a_chosen_tag_that_does_not_fit_asks_before_pulling(pilot,
                                                                  emulator: Emulator) -> None:
    app = pilot.app
    await pilot.press("p")
    await type_text(pilot, "qwen3:")
    await wait_until(pilot, lambda: all_read(app))
    await choose(pilot, "qwen3:32b")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert shows(app, "qwen3:32b does not fit this host's GPU")
    assert emulator.pull_requests() == []


async def test_names_without_known_tags_show_no_picker(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await pilot.press("p")
    await type_text(pilot, "gemma3")
    await wait_until(pilot, lambda: picker(app).display and picker(app).option_count == 5)
    for typed in ("me/gemma3", "nosuchmodel", ""):
        name = app.screen.query_one("#name", Input)
        name.value = typed
        await pilot.pause()
        assert not picker(app).display, typed


def popular_rows(app: QGooseApp) -> dict[str, str]:
    options = app.screen.query_one("#popular", OptionList)
    return {str(options.get_option_at_index(i).id): str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)}


@pytest.mark.parametrize("version", ["0.33", "0.12"])
async def test_a_servers_recommendations_are_offered_with_verdicts(
        version: str, make_app: Callable[..., QGooseApp]) -> None:
    async with running_emulator(server_version=version) as emu:
        app = make_app(emu.url, vram="12GB", fit_context=8192)
        async with app.run_test(size=(110, 40)) as pilot:
            await started(pilot)
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.screen, PullDialog))
            asked = lambda: any(r.path.endswith("model-recommendations")  # noqa: E731
                                for r in emu.requests)
            await wait_until(pilot, asked)
            await pilot.pause(0.2)
            shown = popular_rows(app)
            if version == "0.12":
                assert not any("★" in row for row in shown.values())
                assert "recommend" not in notices(app).lower()
                return
            await wait_until(pilot, lambda: "★" in popular_rows(app).get("gemma3:12b", ""))
            shown = popular_rows(app)
            assert shown["gemma3:12b"].split()[-4:] == ["wants", "12.0", "GB:", "fits"]
            assert shown["gpt-oss:20b"].endswith("wants 16.0 GB: partly on CPU")
            assert "runs on ollama.com (pro plan)" in shown["qwen3-coder:480b-cloud"]
            assert shown["qwen3:8b"].startswith("★ qwen3:8b")  # listed already: marked
            options = app.screen.query_one("#popular", OptionList)
            options.focus()
            options.highlighted = options.get_option_index("gemma3:12b")
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.session.pulls.get("gemma3:12b") is not None)
