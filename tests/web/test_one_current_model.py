"""One current model for every program: set over HTTP, a running TUI shows it; set in the
TUI, the API says so at once."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import models_view, screen_text, started, wait_until
from tests.web.conftest import Start
from tui.services.config import CurrentModelWatch, Settings, save_setting, set_current_model
from tui.services.list_cache import ListCache
from tui.ui.app import QGooseApp
from tui.ui.widgets.model_grid import CURRENT_MARK


async def test_the_tui_and_the_api_share_the_current_model(start_web: Start,
                                                           config_path: Path,
                                                           tmp_path: Path) -> None:
    web = await start_web()
    settings = Settings(host=web.emulator.url, path=config_path)
    app = QGooseApp(settings, list_cache=ListCache(tmp_path / "cache"))
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)

        def marked() -> list[str]:
            """The names on the grid's rows that carry the current mark (a row starts with
            it; the status bar and the info panel show it too, elsewhere on their line)."""
            return [line.split()[1] for line in screen_text(app).splitlines()
                    if line.startswith(CURRENT_MARK)]

        assert marked() == ["glm-4.6:cloud"]
        response = await web.post("/api/models/set/", {"model": "gemma3:4b"})
        assert response.status_code == 200
        await wait_until(pilot, lambda: marked() == ["gemma3:4b"])
        assert models_view(app).status_bar.current_model == "gemma3:4b"

        models_view(app).use_model("qwen2.5:7b")  # the u key's work, in a worker
        await wait_until(pilot, lambda: marked() == ["qwen2.5:7b"])
        listed = (await web.get("/api/models/")).json()
        assert listed["current_model"] == "qwen2.5:7b"
        assert [m["name"] for m in listed["models"] if m["is_current"]] == ["qwen2.5:7b"]


def test_the_watch_reads_the_file_only_when_the_current_model_changed(
        config_path: Path) -> None:
    settings = Settings(path=config_path)
    watch = CurrentModelWatch(settings)
    assert watch.check() is False  # no file yet: the default stays
    other = Settings(path=config_path)
    set_current_model(other, ["llama3.2:latest"], "llama3.2")
    assert watch.check() is True and settings.current_model == "llama3.2:latest"
    assert watch.check() is False  # nothing new
    save_setting(config_path, "popular_models", ["phi4"])  # another key: not a change
    assert watch.check() is False and settings.current_model == "llama3.2:latest"
    config_path.write_text("current_model = = broken\n")  # a broken file changes nothing
    assert watch.check() is False and settings.current_model == "llama3.2:latest"
