"""Usage in the TUI: the Used column fed by what the app sees (loaded models, the current
model), kept for the next start and shared with the CLI; the unused filter."""

import pytest

from tests.tui.helpers import grid_names, models_view, type_text, wait_until
from tui.services.history import History, default_history_path


def used_text(app, name: str) -> str:
    grid = models_view(app).grid
    column = next(c for c in grid.columns if c.key == "used")
    return column.text(next(m for m in grid.shown if m.name == name))


@pytest.mark.size(140, 40)
async def test_the_used_column_follows_loads_and_the_current_model(pilot, emulator) -> None:
    app = pilot.app
    # llama3.2 is loaded in the demo set: seen in /api/ps, it was used just now.
    await wait_until(pilot, lambda: used_text(app, "llama3.2:latest") == "just now")
    assert used_text(app, "phi4:14b") == "never"
    models_view(app).grid.select_name("phi4:14b")
    await pilot.press("u")
    await wait_until(pilot, lambda: used_text(app, "phi4:14b") == "just now")
    kept = History(default_history_path()).usage(emulator.url)
    assert kept["registry.ollama.ai/library/phi4:14b"].times_current == 1
    # Sorted by last use: the used ones first, the never used after.
    models_view(app).grid.sort_by("used")
    assert set(grid_names(app)[:2]) == {"llama3.2:latest", "phi4:14b"}


async def test_unused_filter(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: used_text(app, "llama3.2:latest") == "just now")
    await pilot.press("slash")
    await type_text(pilot, "unused>30d")
    # Never used, and arrived more than 30 days ago (the demo's modified dates).
    assert set(grid_names(app)) == {"mistral:latest", "phi4:14b", "nomic-embed-text:latest",
                                    "llava:7b"}
