"""The main screen, driven as a person would, against the emulator over a real socket."""

import tomllib

from textual import events

from tests.tui.conftest import app_for, grid_names, notices, screen_text, started, wait_until
from tui.app import QGooseApp
from tui.emulator.server import Emulator
from tui.ollama.names import parse_name
from tui.widgets.model_grid import CURRENT_MARK, LOADED_MARK


async def test_grid_lists_every_model_with_markers(emulator: Emulator, make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(130, 40)) as pilot:
        await started(pilot)
        expected = [e.name for e in emulator.store.installed_sorted()]
        assert grid_names(app) == expected  # newest first, like `ollama list`
        marks = {app.grid.shown[r].name: app.grid.cells(r)[0]
                 for r in range(len(app.grid.shown))}
        assert marks["glm-4.6:cloud"].startswith(CURRENT_MARK)
        assert LOADED_MARK in marks["llama3.2:latest"]
        assert marks["qwen2.5:7b"].strip() == ""
        text = screen_text(app)
        assert "☁ cloud" in text and "2.0 GB" in text and "3d ago" in text
        assert "online" in text and "v0.12.10" in text and "9 models" in text


def header_x(app: QGooseApp, key: str) -> int:
    """A screen column inside the header of column `key`."""
    return next(x for x in range(300) if app.grid.column_at(x) == key) + 2


async def test_sorting_by_key_and_by_clicking_a_header(emulator: Emulator,
                                                       make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(130, 40)) as pilot:
        await started(pilot)
        await pilot.press("s")  # modified → name
        assert grid_names(app) == sorted(grid_names(app), key=str.casefold)
        assert "Name ▲" in screen_text(app)
        await pilot.press("S")
        assert grid_names(app) == sorted(grid_names(app), key=str.casefold, reverse=True)
        await pilot.click("ModelGrid", offset=(header_x(app, "size"), 0))
        await pilot.pause()
        sizes = [m.size for m in app.grid.shown]
        assert app.grid.sort_key == "size" and sizes == sorted(sizes, reverse=True)


async def test_filter_as_you_type_and_escape_clears(emulator: Emulator, make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.press("slash", "q", "w", "e", "n")
        assert app.is_running  # "q" typed into the filter does not quit
        assert sorted(grid_names(app)) == ["deepseek-r1:8b", "qwen2.5:7b"]  # family qwen3 too
        await pilot.press("escape")
        assert len(grid_names(app)) == 9 and app.focused is app.grid
        await pilot.press("slash", *"f16")
        assert grid_names(app) == ["nomic-embed-text:latest"]


async def test_cursor_keeps_its_model_across_sort_filter_and_refresh(
    emulator: Emulator, make_settings
) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        app.grid.select_name("qwen2.5:7b")
        await pilot.press("s")
        assert app.grid.highlighted.name == "qwen2.5:7b"
        await pilot.press("slash", *"q4")
        assert app.grid.highlighted.name == "qwen2.5:7b"
        await pilot.press("escape")
        # A model pulled by someone else shows up by itself, above the cursor.
        emulator.store.install(emulator.store.find_catalog(parse_name("aaa-model")) or
                               emulator.store.find_catalog(parse_name("llama3.1:8b")),
                               "aaa-model:latest")
        await wait_until(pilot, lambda: "aaa-model:latest" in grid_names(app))
        assert grid_names(app)[0] == "aaa-model:latest"  # sorted by name
        assert app.grid.highlighted.name == "qwen2.5:7b"


async def test_info_panel_follows_the_cursor_and_caches(emulator: Emulator,
                                                        make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(130, 40)) as pilot:
        await started(pilot)
        app.grid.select_name("llava:7b")
        await wait_until(pilot, lambda: "Capabilities completion, vision" in screen_text(app))
        text = screen_text(app)
        assert "Context      32,768" in text and "Apache License 2.0 (demo text)" in text
        app.grid.select_name("qwen2.5:7b")
        await wait_until(pilot, lambda: "You are Qwen" in screen_text(app))
        app.grid.select_name("llava:7b")
        await wait_until(pilot, lambda: "vision" in screen_text(app))
        shows = [r for r in emulator.requests if r.path == "/api/show"]
        assert [r.body["model"] for r in shows].count("llava:7b") == 1


async def test_a_fast_scroll_does_not_send_a_request_per_row(emulator: Emulator,
                                                             make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(130, 40)) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: any(r.path == "/api/show" for r in emulator.requests))
        before = len([r for r in emulator.requests if r.path == "/api/show"])
        for _ in range(8):  # as fast as a held-down arrow key
            app.post_message(events.Key("down", None))
        await wait_until(pilot, lambda: app.grid.cursor_row == 8)
        await pilot.pause(0.5)
        shows = [r for r in emulator.requests if r.path == "/api/show"][before:]
        assert len(shows) <= 2
        assert shows[-1].body["model"] == app.grid.highlighted.name


async def test_use_sets_the_current_model_and_persists_it(emulator: Emulator,
                                                          make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        app.grid.select_name("qwen2.5:7b")
        await pilot.press("u")
        config = tomllib.loads(app.settings.path.read_text())
        assert config["current_model"] == "qwen2.5:7b"
        assert "★ qwen2.5:7b" in screen_text(app)
        row = grid_names(app).index("qwen2.5:7b")
        assert app.grid.cells(row)[0].startswith(CURRENT_MARK)
        app.grid.select_name("mistral:latest")
        await pilot.press("enter")
        assert tomllib.loads(app.settings.path.read_text())["current_model"] == "mistral:latest"


async def test_a_current_model_that_is_not_installed_is_marked(emulator: Emulator,
                                                               make_settings) -> None:
    app = app_for(emulator, make_settings, current_model="gone:latest")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        assert "★ gone:latest (not installed)" in screen_text(app)


async def test_delete_asks_and_cancel_keeps_the_model(emulator: Emulator,
                                                      make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        app.grid.select_name("mistral:latest")
        await pilot.press("d")
        assert "Delete mistral:latest (4.1 GB)" in screen_text(app)
        await pilot.press("n")
        assert "mistral:latest" in grid_names(app)
        assert not [r for r in emulator.requests if r.path == "/api/delete"]
        await pilot.press("d", "y")
        await wait_until(pilot, lambda: "mistral:latest" not in grid_names(app))
        assert emulator.store.find_installed(parse_name("mistral")) is None
        await wait_until(pilot, lambda: "Deleted mistral:latest (4.1 GB)" in notices(app))


async def test_deleting_the_current_model_warns(emulator: Emulator, make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        app.grid.select_name("glm-4.6:cloud")
        await pilot.press("d")
        assert "This is the current model" in screen_text(app)


async def test_a_failed_delete_keeps_the_row_and_says_why(emulator: Emulator,
                                                          make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        app.grid.select_name("phi4:14b")
        emulator.faults.error_500 = "permission denied"
        emulator.faults.paths = ("/api/delete",)
        await pilot.press("d", "y")
        await wait_until(pilot, lambda: "permission denied" in notices(app))
        assert "phi4:14b" in grid_names(app)


async def test_ollama_going_away_and_coming_back(emulator: Emulator, make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        names = grid_names(app)
        await emulator.stop()
        await wait_until(pilot, lambda: app.state.online is False)
        text = screen_text(app)
        assert "offline" in text and "retry in" in text
        assert grid_names(app) == names and app.grid.has_class("-stale")
        await emulator.start()
        await wait_until(pilot, lambda: app.state.online is True, timeout=8)
        assert not app.grid.has_class("-stale") and "online" in screen_text(app)


async def test_starting_with_ollama_down_never_crashes(make_settings) -> None:
    app = QGooseApp(make_settings("http://127.0.0.1:9"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.state.online is False)
        for key in ("u", "d", "s", "r", "i", "slash"):
            await pilot.press(key)
        assert app.is_running and "offline" in screen_text(app)


async def test_nonsense_from_the_server_is_a_state_not_a_crash(emulator: Emulator,
                                                               make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        emulator.faults.html = True
        await wait_until(pilot, lambda: app.state.online is False)
        assert "HTML page" in app.state.error and app.is_running


async def test_server_text_is_shown_literally(emulator: Emulator, make_settings) -> None:
    emulator.store.find_installed(parse_name("phi4:14b")).name = "[bold]evil[/bold]:latest"
    entry = emulator.store.find_installed(parse_name("mistral"))
    license_text = "See [link=http://evil.example]here[/link] \x1b[2J\x1b]8;;x\x07 [red]"
    entry.model = entry.model.__class__(**{**entry.model.__dict__, "license": license_text})
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(130, 40)) as pilot:
        await started(pilot)
        row = grid_names(app).index("[bold]evil[/bold]:latest")
        assert app.grid.cells(row)[1] == "[bold]evil[/bold]:latest"
        assert "[bold]evil[/bold]:latest" in screen_text(app)  # shown, not made bold
        app.grid.select_name("mistral:latest")
        await wait_until(pilot, lambda: "[link=http://evil.example]" in screen_text(app))
        text = screen_text(app)
        assert "\\x1b[2J" in text and "\\x07" in text and "\x1b" not in text


async def test_help_and_info_toggle(emulator: Emulator, make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        assert "filter as you type" in screen_text(app)
        await pilot.press("escape")
        assert app.info_panel.display
        await pilot.press("i")
        assert not app.info_panel.display


async def test_narrow_terminals_put_the_panel_under_the_grid(emulator: Emulator,
                                                             make_settings) -> None:
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        grid, panel = app.grid.region, app.info_panel.region
        assert panel.y >= grid.bottom and grid.width == 80
    app = app_for(emulator, make_settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot)
        grid, panel = app.grid.region, app.info_panel.region
        assert panel.x >= grid.right and grid.width >= 80
