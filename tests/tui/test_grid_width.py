"""The model grid fits its width: columns give way, never a sideways scroll (issue 26)."""

from pathlib import Path

import pytest

from tests.tui.helpers import models_view
from tests.tui.test_snapshots import demo_app, loaded
from tui.ui.widgets.model_grid import ModelGrid


def shown_keys(grid: ModelGrid) -> list[str]:
    return [slot.column.key for slot in grid._slots]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_every_sort_fits_without_a_sideways_scroll(tmp_path: Path,
                                                         size: tuple[int, int]) -> None:
    async with demo_app(tmp_path).run_test(size=size) as pilot:
        await loaded(pilot)
        grid = models_view(pilot.app).grid
        seen = set()
        for _ in range(len(grid.columns) + 1):
            await pilot.press("s")
            await pilot.pause()
            seen.add(grid.sort_key)
            keys = shown_keys(grid)
            # The sorted column, the names and the sizes are always there, and nothing
            # hides beyond the right edge.
            assert {grid.sort_key, "name", "size"} <= set(keys), keys
            assert grid.max_scroll_x == 0, (grid.sort_key, keys)
        assert {"used", "family", "modified"} <= seen
