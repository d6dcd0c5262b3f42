"""Rename and copy in the TUI: the new name checked as typed, the current model following,
a failed rename keeping the original."""

from tests.tui.helpers import grid_names, models_view, notices, shows, type_text, wait_until
from tui.emulator.server import Emulator
from tui.ui.screens.rename_dialog import RenameDialog


async def test_rename_checks_the_name_as_typed_and_the_current_model_follows(pilot) -> None:
    app = pilot.app
    grid = models_view(app).grid
    grid.select_name("mistral:latest")
    await pilot.press("u")  # make it the current model
    await wait_until(pilot, lambda: app.settings.current_model == "mistral:latest")
    await pilot.press("m")
    assert isinstance(app.screen, RenameDialog)
    assert shows(app, "that is its name already")
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "qwen3:8b")
    assert shows(app, "qwen3:8b exists: Ollama would overwrite it")
    await pilot.press("enter")
    assert isinstance(app.screen, RenameDialog)  # refused
    await pilot.press(*["backspace"] * 8)
    await type_text(pilot, "goose")
    assert shows(app, "✓ becomes goose:latest")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "goose:latest" in grid_names(app))
    assert "mistral:latest" not in grid_names(app)
    assert "Renamed mistral:latest to goose:latest; the current model is now goose:latest" \
        in notices(app)
    assert app.settings.current_model == "goose:latest"
    assert grid.highlighted.name == "goose:latest"


async def test_copy_keeps_both(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("llama3.2:latest")
    await pilot.press("C", "ctrl+a", "ctrl+k")
    await type_text(pilot, "llama-backup")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "llama-backup:latest" in grid_names(app))
    assert "llama3.2:latest" in grid_names(app)


async def test_a_failed_rename_keeps_the_original(pilot, emulator: Emulator) -> None:
    app = pilot.app
    emulator.faults.error_500, emulator.faults.paths = "interrupted", ("/api/delete",)
    models_view(app).grid.select_name("phi4:14b")
    await pilot.press("m", "ctrl+a", "ctrl+k")
    await type_text(pilot, "phi-new")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "both names exist now" in notices(app))
    await wait_until(pilot, lambda: {"phi4:14b", "phi-new:latest"} <= set(grid_names(app)))


async def test_a_copy_onto_another_model_asks_first(pilot) -> None:
    from tui.ui.screens.confirm import ConfirmScreen

    app = pilot.app
    digest = {m.name: m.digest for m in app.session.state.models}
    models_view(app).grid.select_name("llama3.2:latest")
    await pilot.press("C", "ctrl+a", "ctrl+k")
    await type_text(pilot, "mistral")
    assert shows(app, "mistral:latest exists: Enter asks before replacing it")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert shows(app, "Replace mistral:latest with a copy of llama3.2:latest?")
    await pilot.press("n")  # nothing replaced
    await pilot.pause(0.2)
    assert {m.name: m.digest for m in app.session.state.models} == digest
    await pilot.press("C", "ctrl+a", "ctrl+k")
    await type_text(pilot, "mistral")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await wait_until(pilot, lambda: "Copied llama3.2:latest to mistral:latest" in notices(app))
    now = {m.name: m.digest for m in app.session.state.models}
    assert now["mistral:latest"] == digest["llama3.2:latest"]


async def test_rename_never_replaces_even_after_the_copy_rule(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("llama3.2:latest")
    await pilot.press("m", "ctrl+a", "ctrl+k")
    await type_text(pilot, "mistral")
    await pilot.press("enter")
    assert isinstance(app.screen, RenameDialog)  # refused: a rename cannot replace
    assert shows(app, "mistral:latest exists: Ollama would overwrite it")


async def test_the_name_box_turns_red_while_the_name_cannot_be_used(pilot) -> None:
    from tui.ui.widgets.model_name_input import ModelNameInput

    app = pilot.app
    models_view(app).grid.select_name("phi4:14b")
    await pilot.press("C", "ctrl+a", "ctrl+k")
    await type_text(pilot, "bad//name")
    box = app.screen.query_one(ModelNameInput)
    assert box.has_class("-invalid") and shows(app, "invalid model name")
    await pilot.press(*["backspace"] * 6)
    await type_text(pilot, "/name")
    assert not box.has_class("-invalid") and shows(app, "✓ becomes bad/name:latest")
