"""`]` and `[` jump through the info panel's sections, and the key bar and `?` say so."""

from pathlib import Path

from tests.tui.helpers import info_text, models_view, screen_text, wait_until
from tests.tui.test_snapshots import demo_app, loaded
from tui.ui.screens.help import HelpScreen


def top_line(pilot) -> str:
    """The panel's first line on screen."""
    panel = models_view(pilot.app).info_panel
    return panel.body.render_line(round(panel.scroll_y)).text.strip()


async def test_brackets_jump_from_section_to_section(tmp_path: Path) -> None:
    async with demo_app(tmp_path).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app, view = pilot.app, models_view(pilot.app)
        view.grid.select_name("llama3.2:latest")
        await wait_until(pilot, lambda: "Template" in info_text(app))
        await pilot.pause()
        assert top_line(pilot).startswith("llama3.2:latest")
        tops = []
        for _ in range(3):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            tops.append(top_line(pilot))
        assert tops[0].startswith("Memory") and tops[1] == "Parameters" and \
            tops[2] == "Template", tops
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert top_line(pilot) == "Parameters"
        for _ in range(3):
            await pilot.press("left_square_bracket")
        await pilot.pause()
        assert top_line(pilot).startswith("llama3.2:latest")  # back at the details
        assert "] Info" in screen_text(app).splitlines()[-1]  # the key bar
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = dict(app.screen.keys)
        assert "next section" in keys["]"] and "previous section" in keys["["]
        # `?` names the sections in the order `]` reaches them.
        said = " ".join(keys["]"].split())
        assert "memory, parameters, template, license, Modelfile" in said, said


async def test_the_key_bar_keeps_quit_and_more_at_80_columns(tmp_path: Path) -> None:
    async with demo_app(tmp_path).run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        bar = screen_text(pilot.app).splitlines()[-1]
        assert "] Info" in bar and "? more" in bar and "q Quit" in bar, bar
