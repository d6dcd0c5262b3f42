"""The demo shows a variant following its base (issue 24's "Done means"): its registry has a
newer llama3.2, changed in its template only, so a variant made from llama3.2 can be
updated under and rebuilt. The installed llama3.2 stays the real one."""

from pathlib import Path

from tests.tui.helpers import models_view, notices, started, wait_until
from tui.core.recipes import Recipe
from tui.ops.variants import create_variant
from tui.services.config import Settings
from tui.ui.app import QGooseApp
from tui.ui.screens.confirm import ConfirmScreen

REAL_DIGEST = "a80c4f17acd5"  # llama3.2:latest as ollama.com serves it


async def test_in_the_demo_llama32_has_an_update_and_r_rebuilds_its_variant(
        tmp_path: Path) -> None:
    app = QGooseApp(Settings(path=tmp_path / "config.toml", update_check_delay=0.01),
                    demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        session = app.session
        base = next(m for m in session.state.models if m.name == "llama3.2:latest")
        assert base.digest.startswith(REAL_DIGEST)  # the installed model is untouched
        await create_variant(session, "llama3.2-32k", Recipe("llama3.2", {"num_ctx": 32768}))
        await session.refresh()
        await wait_until(pilot, lambda: session.model_updates.state_of(base)
                         == "update available")
        grid = models_view(app).grid
        grid.select_name("llama3.2-32k:latest")
        await pilot.press("O")  # no namespace: the demo says which one it may push to
        await wait_until(pilot, lambda: "signed in to ollama.com as demo: C copies it as "
                         "demo/llama3.2-32k:latest" in notices(app))
        grid.select_name("llama3.2:latest")
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: "R on llama3.2:latest rebuilds it" in notices(app))
        grid.select_name("llama3.2:latest")
        await pilot.press("R")
        await wait_until(pilot, lambda: "Rebuilt llama3.2-32k:latest from llama3.2:latest"
                         in notices(app))
