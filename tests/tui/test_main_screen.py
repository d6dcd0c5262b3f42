"""The Models view, driven as a person would, against the emulator over a real socket."""

import dataclasses
import tomllib
from datetime import UTC, datetime

import pytest
from rich.cells import cell_len
from textual import events

from tests.tui.helpers import (
    grid_names,
    info_text,
    models_view,
    notices,
    screen_text,
    shows,
    started,
    type_text,
    wait_until,
)
from tui.emulator.server import Emulator
from tui.emulator.versions import SERVER_VERSIONS
from tui.ollama.names import parse_name
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.model_grid import CURRENT_MARK, LOADED_MARK


@pytest.mark.size(130, 40)
async def test_grid_lists_every_model_with_markers(pilot, emulator: Emulator) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    expected = [e.name for e in emulator.store.installed_sorted()]
    assert grid_names(app) == expected  # newest first, like `ollama list`
    marks = {grid.shown[r].name: grid.cells(r)[0] for r in range(len(grid.shown))}
    assert marks["glm-4.6:cloud"].startswith(CURRENT_MARK)
    assert LOADED_MARK in marks["llama3.2:latest"]
    assert marks["qwen2.5:7b"].strip() == ""
    text = screen_text(app)
    assert "☁ cloud" in text and "2.0 GB" in text and "3d ago" in text
    assert "online" in text and "v0.12.10" in text and "10 models" in text


def header_x(grid, key: str) -> int:
    """A screen column inside the header of column `key`."""
    return next(x for x in range(300) if grid.column_at(x) == key) + 2


@pytest.mark.size(130, 40)
async def test_sorting_by_key_and_by_clicking_a_header(pilot) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    seen = []
    for _ in range(10):  # modified → caps → … → name (the cycle wraps)
        await pilot.press("s")
        seen.append(grid.sort_key)
        if grid.sort_key == "name":
            break
    assert seen[0] == "caps" and seen[-1] == "name" and "modified" not in seen
    assert grid_names(app) == sorted(grid_names(app), key=str.casefold)
    assert "Name▲" in screen_text(app)
    await pilot.press("S")
    assert grid_names(app) == sorted(grid_names(app), key=str.casefold, reverse=True)
    await pilot.click("ModelGrid", offset=(header_x(grid, "size"), 0))
    await pilot.pause()
    sizes = [m.size for m in grid.shown]
    assert grid.sort_key == "size" and sizes == sorted(sizes, reverse=True)


async def test_a_header_click_sorts_by_the_column_under_the_pointer(pilot) -> None:
    grid = models_view(pilot.app).grid
    line = grid.render_line(0).text
    for key, label in (("params", "Params"), ("quant", "Quant"), ("modified", "Modified")):
        x = line.index(label)
        assert grid.column_at(x) == key and grid.column_at(x + len(label) - 1) == key


async def test_filter_as_you_type_and_escape_clears(pilot) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    await pilot.press("slash", "q", "w", "e", "n")
    assert app.is_running  # "q" typed into the filter does not quit
    assert sorted(grid_names(app)) == ["deepseek-r1:8b", "qwen2.5:7b", "qwen3:8b"]
    await pilot.press("escape")
    assert len(grid_names(app)) == 10 and app.focused is grid
    await pilot.press("slash")
    await type_text(pilot, "f16")
    assert grid_names(app) == ["nomic-embed-text:latest"]


async def test_the_models_view_is_kept_while_another_view_is_shown(pilot) -> None:
    """The Models view is the first screen; going to Pulls and back (key and palette's
    mode switch alike) finds it as it was left: same filter, same cursor."""
    app, view = pilot.app, models_view(pilot.app)
    await pilot.press("slash")
    await type_text(pilot, "qwen")
    await pilot.press("enter")
    view.grid.select_name("qwen3:8b")
    await pilot.press("3")
    await wait_until(pilot, lambda: app.current_mode == "pulls")
    await pilot.press("1")
    await wait_until(pilot, lambda: app.screen is view)
    assert view.filter_bar.value == "qwen" and view.grid.highlighted.name == "qwen3:8b"
    assert sorted(grid_names(app)) == ["deepseek-r1:8b", "qwen2.5:7b", "qwen3:8b"]


async def test_cursor_keeps_its_model_across_sort_filter_and_refresh(pilot,
                                                                   emulator: Emulator) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    grid.select_name("qwen2.5:7b")
    await pilot.press("s")  # by caps
    assert grid.highlighted.name == "qwen2.5:7b"
    grid.sort_by("name")
    assert grid.highlighted.name == "qwen2.5:7b"
    await pilot.press("slash")
    await type_text(pilot, "q4")
    assert grid.highlighted.name == "qwen2.5:7b"
    await pilot.press("escape")
    # A model pulled by someone else shows up by itself, above the cursor.
    emulator.store.install(emulator.store.find_catalog(parse_name("llama3.1:8b")),
                           "aaa-model:latest")
    await wait_until(pilot, lambda: "aaa-model:latest" in grid_names(app))
    assert grid_names(app)[0] == "aaa-model:latest"  # sorted by name
    assert grid.highlighted.name == "qwen2.5:7b"


@pytest.mark.size(130, 40)
async def test_info_panel_follows_the_cursor_and_caches(pilot, emulator: Emulator) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    grid.select_name("llava:7b")
    await wait_until(pilot, lambda: "Capabilities completion, vision" in info_text(app))
    text = info_text(app)
    assert "Context      32,768" in text and "Apache License 2.0 (demo text)" in text
    grid.select_name("qwen2.5:7b")
    await wait_until(pilot, lambda: "You are Qwen" in info_text(app))
    grid.select_name("llava:7b")
    await wait_until(pilot, lambda: "vision" in info_text(app))
    shows = [r for r in emulator.requests if r.path == "/api/show"]
    assert [r.body["model"] for r in shows].count("llava:7b") == 1


@pytest.mark.size(130, 40)
async def test_a_fast_scroll_does_not_send_a_request_per_row(emulator: Emulator,
                                                            make_app) -> None:
    # A newer server lists capabilities: the grid's badges need no /api/show, so every
    # request seen comes from the info panel following the cursor.
    emulator.profile = SERVER_VERSIONS["0.33"]
    app = make_app(emulator.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        grid = models_view(app).grid
        await wait_until(pilot, lambda: any(r.path == "/api/show" for r in emulator.requests))
        before = len([r for r in emulator.requests if r.path == "/api/show"])
        for _ in range(8):  # as fast as a held-down arrow key
            app.post_message(events.Key("down", None))
        await wait_until(pilot, lambda: grid.cursor_row == 8)
        await pilot.pause(0.5)
        shows = [r for r in emulator.requests if r.path == "/api/show"][before:]
        assert len(shows) <= 2
        assert shows[-1].body["model"] == grid.highlighted.name


async def test_use_sets_the_current_model_and_persists_it(pilot) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    grid.select_name("qwen2.5:7b")
    await pilot.press("u")
    await wait_until(pilot, lambda: "★ qwen2.5:7b" in screen_text(app))
    config = tomllib.loads(app.settings.path.read_text())
    assert config["current_model"] == "qwen2.5:7b"
    assert "Model set to qwen2.5:7b" in notices(app)
    row = grid_names(app).index("qwen2.5:7b")
    assert grid.cells(row)[0].startswith(CURRENT_MARK)
    grid.select_name("mistral:latest")
    await pilot.press("enter")
    await wait_until(pilot, lambda: tomllib.loads(app.settings.path.read_text())[
        "current_model"] == "mistral:latest")


@pytest.mark.settings(current_model="gone:latest")
async def test_a_current_model_that_is_not_installed_is_marked(pilot) -> None:
    assert "★ gone:latest (not installed)" in screen_text(pilot.app)


async def test_a_short_current_model_name_is_the_same_model_everywhere(
    emulator: Emulator, make_app
) -> None:
    # DEFAULT_MODEL=llama3.2 once read "★ current" in the panel, "(not installed)" in the
    # status bar, and no ★ in the grid.
    from tui.services.config import load_settings

    settings = load_settings(None, env={"DEFAULT_MODEL": "Llama3.2"})
    assert settings.current_model == "Llama3.2:latest"
    app = make_app(emulator.url, current_model=settings.current_model)
    async with app.run_test(size=(130, 40)) as pilot:
        await started(pilot)
        grid = models_view(app).grid
        grid.select_name("llama3.2:latest")
        await wait_until(pilot, lambda: "★ current" in screen_text(app))
        assert grid.cells(grid.cursor_row)[0].startswith(CURRENT_MARK)
        assert "not installed" not in screen_text(app)


async def test_delete_asks_and_cancel_keeps_the_model(pilot, emulator: Emulator) -> None:
    app = pilot.app
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("d")  # the details that say what is shared are asked first
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert shows(app, "Delete mistral:latest from") and shows(app, "4.1 GB of disk")
    await pilot.press("n")
    assert "mistral:latest" in grid_names(app)
    assert not [r for r in emulator.requests if r.path == "/api/delete"]
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await wait_until(pilot, lambda: "mistral:latest" not in grid_names(app))
    assert emulator.store.find_installed(parse_name("mistral")) is None
    await wait_until(pilot, lambda: "Deleted mistral:latest" in notices(app))


async def test_deleting_the_current_model_warns(pilot) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    grid.select_name("glm-4.6:cloud")
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert app.screen.warning == "It is the current model: tools using it will need another."
    await pilot.press("n")
    for name in ("glm-4.6:cloud", "phi4:14b"):
        grid.select_name(name)
        await pilot.press("space")
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert app.screen.warning == \
        "The current model is among them: tools using it will need another."


async def test_a_failed_delete_keeps_the_row_and_says_why(pilot, emulator: Emulator) -> None:
    app = pilot.app
    models_view(app).grid.select_name("phi4:14b")
    emulator.faults.error_500 = "permission denied"
    emulator.faults.paths = ("/api/delete",)
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await wait_until(pilot, lambda: "permission denied" in notices(app))
    assert "Could not delete phi4:14b" in notices(app)
    assert "phi4:14b" in grid_names(app)


async def test_ollama_going_away_and_coming_back(pilot, emulator: Emulator) -> None:
    app, grid = pilot.app, models_view(pilot.app).grid
    names = grid_names(app)
    await emulator.stop()
    await wait_until(pilot, lambda: grid.has_class("-stale"))  # greyed, still listed
    text = screen_text(app)
    assert "offline" in text and "retry in" in text and grid_names(app) == names
    await emulator.start()
    await wait_until(pilot, lambda: not grid.has_class("-stale"), timeout=8)
    assert app.session.state.online is True and "online" in screen_text(app)


async def test_starting_with_ollama_down_never_crashes(make_app) -> None:
    app = make_app("http://127.0.0.1:9")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.session.state.online is False)
        for key in ("u", "d", "s", "r", "i", "slash"):
            await pilot.press(key)
        assert app.is_running and "offline" in screen_text(app)


async def test_the_last_list_shows_before_ollama_answers(emulator: Emulator, make_app) -> None:
    app = make_app(emulator.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        names = grid_names(app)
    emulator.faults.stall = True  # the next start gets no answer at all
    app = make_app(emulator.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "models" in app.views)
        assert grid_names(app) == names  # from the cache, at once
        assert models_view(app).grid.has_class("-stale")
        text = screen_text(app)
        assert "connecting" in text and "not installed" not in text
        emulator.faults.clear()


async def test_nonsense_from_the_server_is_a_state_not_a_crash(pilot,
                                                               emulator: Emulator) -> None:
    app = pilot.app
    emulator.faults.html = True
    await wait_until(pilot, lambda: app.session.state.online is False)
    assert "HTML page" in app.session.state.error and app.is_running
    text = screen_text(app)  # it answers, so it is not "offline": an error, with its reason
    assert "○ error (" in text and "offline" not in text


async def test_no_model_is_called_missing_before_a_list_was_read(emulator, make_app) -> None:
    emulator.faults.error_500 = "the disk is on fire"
    app = make_app(emulator.url, current_model="gone:latest")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "error (" in screen_text(app))
        assert app.session.state.online is False and "not installed" not in screen_text(app)


async def test_server_text_is_shown_literally(emulator: Emulator, make_app) -> None:
    emulator.store.find_installed(parse_name("phi4:14b")).name = "[bold]evil[/bold]:latest"
    entry = emulator.store.find_installed(parse_name("mistral"))
    license_text = "See [link=http://evil.example]here[/link] \x1b[2J\x1b]8;;x\x07 [red]"
    entry.model = dataclasses.replace(entry.model, license=license_text)
    app = make_app(emulator.url)
    async with app.run_test(size=(150, 40)) as pilot:
        await started(pilot)
        grid = models_view(app).grid
        row = grid_names(app).index("[bold]evil[/bold]:latest")
        assert grid.cells(row)[1] == "[bold]evil[/bold]:latest"
        assert "[bold]evil[/bold]:latest" in screen_text(app)  # shown, not made bold
        grid.select_name("mistral:latest")
        await wait_until(pilot, lambda: "[link=http://evil.example]" in screen_text(app))
        text = screen_text(app)
        assert "\\x1b[2J" in text and "\\x07" in text and "\x1b" not in text


async def test_wide_names_keep_the_columns_in_line(emulator: Emulator, make_app) -> None:
    # A CJK name is two cells a character: cut by characters, it pushed its row right.
    emulator.store.find_installed(parse_name("phi4:14b")).name = "通义千问模型" * 4 + ":latest"
    app = make_app(emulator.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        grid = models_view(app).grid
        slots = {slot.column.key: slot.width for slot in grid._slots}
        quant_start = 5 + slots["name"] + 2 + slots["params"] + 2  # lead, marks, gaps
        for row, model in enumerate(grid.shown):
            line = grid.render_line(row + 1).text
            quant = model.details.quantization_level
            assert cell_len(line[: line.rindex(quant)]) == quant_start, line


async def test_help_lists_the_live_keys_of_the_view(pilot) -> None:
    app = pilot.app
    await pilot.press("question_mark")
    text = screen_text(app)
    assert "filter as you type" in text and "make the highlighted model the current one" in text
    listed = " ".join(what for _, what in app.screen.keys)  # all of it, seen or scrolled
    assert "Pulls view" in listed and "mark or unmark" in listed
    assert "Focus Next" not in listed  # ours only, not Textual's
    await pilot.press("escape")
    assert models_view(app).info_panel.display
    await pilot.press("i")
    assert not models_view(app).info_panel.display


async def test_the_palette_offers_the_views_actions(pilot) -> None:
    app = pilot.app
    titles = [c.title for c in app.get_system_commands(app.screen)]
    assert {"Filter", "Use", "Delete", "Pull", "Sort", "Help", "Quit"} <= set(titles)
    assert "Up" not in titles


async def test_the_palette_finds_an_action_by_the_words_that_explain_it(pilot) -> None:
    """The README's words find their key: "benchmark" finds Bench, "current" finds Use;
    Enter runs it."""
    from textual.command import CommandPalette

    from tui.ui.screens.bench import BenchScreen

    app = pilot.app
    models_view(app).grid.select_name("llama3.2:latest")  # not the cloud model: it runs here
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await type_text(pilot, "current")
    await wait_until(pilot, lambda: shows(app, "make the highlighted model the current one"))
    said = "".join(screen_text(app).split())
    use = "Usemakethehighlightedmodelthecurrentone"
    assert said.count(use) == 1  # once, though u and Enter both do it
    assert said.index(use) < said.index("Changethecurrenttheme")  # ours before Textual's
    await pilot.press(*["backspace"] * 7)
    await type_text(pilot, "benchmark")
    await wait_until(pilot, lambda: shows(app, "benchmark the highlighted model: its speed"))
    await pilot.press("down", "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, BenchScreen))


async def test_number_keys_and_tabs_switch_views(pilot) -> None:
    app = pilot.app
    await pilot.press("2")
    assert app.current_mode == "running"
    await wait_until(pilot, lambda: "llama3.2:latest" in screen_text(app))  # loaded
    await pilot.press("4")
    assert app.current_mode == "hosts" and "online" in screen_text(app)
    await pilot.press("3")
    assert app.current_mode == "pulls" and "No pulls" in screen_text(app)
    await pilot.click("ViewTabs", offset=(2, 0))
    assert app.current_mode == "models"


async def test_narrow_terminals_put_the_panel_under_the_grid(emulator: Emulator,
                                                             make_app) -> None:
    for size, beside in (((80, 24), False), ((140, 40), True)):
        app = make_app(emulator.url)
        async with app.run_test(size=size) as pilot:
            await started(pilot)
            view = models_view(app)
            grid, panel = view.grid.region, view.info_panel.region
            if beside:
                assert panel.x >= grid.right and grid.width >= 80
            else:
                assert panel.y >= grid.bottom and grid.width == 80


CRASHING_APP = """
import sys
from pathlib import Path
from tui.ui.app import QGooseApp
from tui.services.config import Settings

class Crashing(QGooseApp):
    def on_ready(self):
        host = self.settings.host  # a local holding the password
        raise RuntimeError("a bug")

secret = "s3" + "cret"  # not spelled out in any source line the report may quote
Crashing(Settings(host=f"http://u:{secret}@127.0.0.1:9", path=Path(sys.argv[1]))).run(
    headless=True)
"""


def test_a_crash_report_never_shows_the_password(tmp_path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", CRASHING_APP, str(tmp_path / "c.toml")],
                          capture_output=True, text=True, timeout=60)
    report = done.stdout + done.stderr
    assert "RuntimeError" in report and "a bug" in report
    assert "s3cret" not in report


async def test_a_list_set_again_shows_what_changed_in_it(pilot) -> None:
    """Each refresh sets the list again and keeps the cells of the models it had: a model
    changed meanwhile (pulled again elsewhere: a new time, size and digest) is read anew."""
    grid = models_view(pilot.app).grid
    models = list(grid._models)
    row = next(i for i, m in enumerate(models) if m.name == "phi4:14b")
    changed = dataclasses.replace(models[row], size=123_000_000_000, digest="f" * 64,
                                  modified_at_text=datetime.now(UTC).isoformat())
    grid.set_models([*models[:row], changed, *models[row + 1:]], "", set())
    grid.select_name("phi4:14b")
    cells = grid.cells(grid.cursor_row)
    assert "123 GB" in cells and "just now" in cells
