"""The filter language in the filter box, and capability badges fetched once per digest."""

import pytest
from textual.containers import VerticalScroll

from tests.tui.helpers import grid_names, models_view, screen_text, shows, type_text, wait_until
from tui.emulator.server import Emulator


def show_requests(emulator: Emulator) -> list[str]:
    return [r.body.get("model") for r in emulator.requests
            if r.path == "/api/show" and isinstance(r.body, dict)]


async def test_a_structured_query_filters_as_you_type(pilot) -> None:
    app = pilot.app
    await pilot.press("slash")
    await type_text(pilot, "cap:vision size<5GB")
    await wait_until(pilot, lambda: sorted(grid_names(app)) == ["gemma3:4b", "llava:7b"])
    assert not models_view(app).filter_bar.problem_line.has_class("-shown")


async def test_an_unreadable_term_is_shown_and_the_rest_still_filters(pilot) -> None:
    app = pilot.app
    await pilot.press("slash")
    await type_text(pilot, "size<<5 family:qwen3")
    await wait_until(pilot, lambda: sorted(grid_names(app)) == ["deepseek-r1:8b", "qwen3:8b"])
    assert shows(app, "size<<5: '<5' is not a size")
    await pilot.press("escape")
    assert len(grid_names(app)) == 10 and not shows(app, "is not a size")


async def test_a_typo_in_a_capability_is_shown_with_a_hint(pilot) -> None:
    app = pilot.app
    await pilot.press("slash")
    await type_text(pilot, "cap:visoin")
    await wait_until(pilot, lambda: shows(app, "did you mean cap:vision?"))
    assert len(grid_names(app)) == 10  # the unreadable term filters nothing out
    await pilot.press(*["backspace"] * 3)
    await type_text(pilot, "ion")
    await wait_until(pilot, lambda: sorted(grid_names(app)) == ["gemma3:4b", "llava:7b"])
    assert not models_view(app).filter_bar.problem_line.has_class("-shown")


@pytest.mark.size(80, 24)  # the info panel under the grid: its words on one line
async def test_a_filter_matching_nothing_says_how_to_clear_it(pilot) -> None:
    app = pilot.app
    await pilot.press("slash")
    await type_text(pilot, "xyzzy")
    await pilot.press("enter")
    await wait_until(pilot, lambda: grid_names(app) == [])
    assert shows(app, "No model matches the filter (Esc clears it")
    assert not shows(app, "No models installed")
    await pilot.press("escape")
    await wait_until(pilot, lambda: len(grid_names(app)) == 10)


async def test_badges_come_once_per_model_and_are_kept_for_the_next_start(
        pilot, emulator: Emulator, make_app) -> None:
    app = pilot.app
    grid = models_view(app).grid
    caps = next(i for i, c in enumerate(grid.columns) if c.key == "caps") + 1
    local = {m.name for m in app.session.state.models if not m.is_remote}
    await wait_until(pilot, lambda: local <= set(show_requests(emulator)), timeout=8)
    await wait_until(pilot, lambda: all(app.session.known_capabilities(m) is not None
                                        for m in app.session.state.models if m.name in local))
    await wait_until(pilot, lambda: "👀" in screen_text(app))
    row = {m.name: i for i, m in enumerate(grid.shown)}
    await wait_until(pilot, lambda: grid.cells(row["llava:7b"])[caps] == "👀")
    # A cloud model is marked as such (its own capabilities show once the info panel
    # has asked for them: the grid never asks).
    assert grid.cells(row["glm-4.6:cloud"])[caps] in ("☁", "🔧💭☁")
    assert grid.cells(row["qwen3:8b"])[caps] == "🔧💭"
    assert grid.cells(row["phi4:14b"])[caps] == ""  # plain completion: no badge
    asked = show_requests(emulator)
    assert len(asked) == len(set(asked))  # never twice
    await pilot.press("q")
    # The next start reads the badges from the cache: no /api/show for them.
    emulator.requests.clear()
    again = make_app(emulator.url)
    async with again.run_test(size=(120, 30)) as second:
        second_grid = models_view(again).grid
        await wait_until(second, lambda: bool(second_grid.shown))
        await wait_until(second, lambda: "👀" in screen_text(again))
        await second.pause(0.5)
    # Only the highlighted model's details (for the info panel) were asked.
    assert len(show_requests(emulator)) <= 1


async def test_the_help_screen_explains_the_filter(pilot) -> None:
    await pilot.press("question_mark")
    pilot.app.screen.query_one(VerticalScroll).scroll_end(animate=False)
    await pilot.pause()
    assert shows(pilot.app, "size<5GB") and shows(pilot.app, "negates")
    assert shows(pilot.app, "outdated") and shows(pilot.app, "unused>30d")
