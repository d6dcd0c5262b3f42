"""Multi-select in the grid, and deletes that say what they really free."""

import pytest

from tests.tui.helpers import (
    grid_names,
    models_view,
    notices,
    screen_text,
    shows,
    type_text,
    wait_until,
)
from tui.core.format import human_size
from tui.emulator.server import Emulator
from tui.ollama.names import model_key, parse_name
from tui.ui.screens.confirm import ConfirmScreen


def marked_names(app) -> list[str]:
    return sorted(m.name for m in models_view(app).grid.marked_models())


async def test_marks_survive_sort_filter_and_refresh(pilot, emulator: Emulator) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    grid.select_name("qwen2.5:7b")
    await pilot.press("space")
    assert grid.highlighted.name != "qwen2.5:7b"  # on to the next row
    grid.select_name("llava:7b")
    await pilot.press("space")
    assert marked_names(app) == ["llava:7b", "qwen2.5:7b"]
    await wait_until(pilot, lambda: shows(app, "✓ 2 marked, 9.4 GB"))
    await pilot.press("s", "S")  # another sort
    await pilot.press("slash")  # a filter hiding llava
    await type_text(pilot, "qwen")
    await pilot.press("enter")
    emulator.store.install(emulator.store.find_catalog(parse_name("smollm2:135m")),
                           "smollm2:135m")
    await wait_until(pilot, lambda: "smollm2:135m" in [m.name for m in
                                                        app.session.state.models])
    assert marked_names(app) == ["llava:7b", "qwen2.5:7b"]
    await pilot.press("A")  # mark every shown (filtered) model: qwen in name or family
    assert marked_names(app) == ["deepseek-r1:8b", "llava:7b", "qwen2.5:7b", "qwen3:8b"]
    await pilot.press("N")
    assert marked_names(app) == [] and not shows(app, "marked")


async def test_delete_acts_on_the_marks_and_says_what_it_frees(pilot) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    for name in ("gemma3:4b", "mistral:latest"):
        grid.select_name(name)
        await pilot.press("space")
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    sizes = sum(m.size for m in grid.marked_models())
    await wait_until(pilot, lambda: shows(app, f"{human_size(sizes)} of disk"))
    assert shows(app, "Delete gemma3:4b and mistral:latest")
    await pilot.press("y")
    await wait_until(pilot, lambda: f"Deleted 2 models: {human_size(sizes)} freed" in notices(app))
    assert "gemma3:4b" not in grid_names(app) and "mistral:latest" not in grid_names(app)
    assert grid.marked == set()


async def test_a_copy_shares_its_blobs_so_deleting_it_frees_nothing(pilot,
                                                                   emulator: Emulator) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    await app.session.client.copy("llama3.2", "my-llama")
    app.refresh_models()
    await wait_until(pilot, lambda: "my-llama:latest" in grid_names(app))
    total = app.session.disk_used()
    assert total == sum(m.size for m in app.session.state.models) - 2019393189  # once
    grid.select_name("my-llama:latest")
    await pilot.press("d")
    await wait_until(pilot, lambda: shows(app, "Frees 0 B of disk"))
    assert shows(app, "2.0 GB stays: shared with") and shows(app, "llama3.2:latest.")
    await pilot.press("n")
    assert model_key("my-llama") in {model_key(m.name) for m in app.session.state.models}


async def test_compare_the_marked_models(pilot) -> None:
    from tui.ui.screens.compare import CompareScreen

    app, grid = pilot.app, models_view(pilot.app).grid
    grid.select_name("qwen3:8b")
    await pilot.press("space", "c")
    assert "Mark 2 to 4 models" in notices(app)
    grid.select_name("qwen2.5:7b")
    await pilot.press("space", "c")
    await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
    screen = app.screen
    assert screen.names == ["qwen3:8b", "qwen2.5:7b"]  # in list order
    rows = {r.label: r for r in screen.rows}
    assert rows["Family"].differs and not rows["Quantisation"].differs
    assert shows(app, "40,960") and shows(app, "32,768")
    await pilot.press("escape")
    assert app.screen is models_view(app)


FIVE = ("llava:7b", "qwen2.5:7b", "qwen3:8b", "deepseek-r1:8b", "mistral:latest")


async def mark_five_then_filter_qwen(pilot, grid) -> None:
    """Five models marked, then the filter `qwen`, which hides two of them (llava, mistral)."""
    for name in FIVE:
        grid.select_name(name)
        await pilot.press("space")
    await pilot.press("slash")
    await type_text(pilot, "qwen")
    await pilot.press("enter")


async def test_marks_the_filter_hides_are_said_and_every_deleted_model_named(pilot) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    await mark_five_then_filter_qwen(pilot, grid)
    await wait_until(pilot, lambda: shows(app, "✓ 5 marked (2 not shown)"))
    await pilot.press("escape")
    grid.focus()
    await pilot.press("slash")
    await type_text(pilot, "qwen")
    await pilot.press("enter", "d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    question = " ".join(str(app.screen.question).split())
    for name in FIVE:
        assert name in question  # five names: none folded into "and 1 more"
    assert "(2 marked models not shown by the filter)?" in question


@pytest.mark.size(80, 24)
async def test_at_80_columns_the_status_bar_still_says_the_hidden_marks(pilot) -> None:
    """A long status bar sheds the version and the marks' size before it would cut
    "(2 not shown)" in half."""
    app, grid = pilot.app, models_view(pilot.app).grid
    app.start_pull("nosuch:1b")  # "⇣ 1 failed" makes the bar longer still
    await wait_until(pilot, lambda: shows(app, "⇣ 1 failed"))
    await mark_five_then_filter_qwen(pilot, grid)
    await pilot.pause(0.3)
    bar = screen_text(app).splitlines()[-2]
    assert "✓ 5 marked (2 not shown)" in bar, bar
    await pilot.press("escape")
    await wait_until(pilot, lambda: "✓ 5 marked, " in screen_text(app).splitlines()[-2])
