"""The TUI against a hostile Ollama: its text is shown, escaped, and never obeyed.

The red team's server put an OSC 52 clipboard write and an OSC 0 title in model_info's
architecture; highlighting a model was enough for the info panel's memory estimate
("unknown: model_info lacks …") to write both to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import Static

from tests.hostile import CONTROLS, EVIL, evil_answers, hostile_ollama
from tests.tui.helpers import info_text, models_view, notices, screen_text, started, wait_until
from tui.ollama.models import ModelInfo
from tui.ui.app import QGooseApp
from tui.ui.screens.confirm import ConfirmScreen


def raw_controls(text: str) -> list[str]:
    return [hex(ord(ch)) for ch in CONTROLS if ch in text]


async def test_a_highlighted_hostile_model_shows_its_text_escaped(
        make_app: Callable[..., QGooseApp]) -> None:
    async with hostile_ollama(evil_answers()) as url:
        app = make_app(url)
        async with app.run_test(size=(130, 50)) as pilot:
            await started(pilot)
            # First in the grid, the model whose very name is hostile (no valid name:
            # the client asks nothing about it).
            await wait_until(pilot, lambda: "evil\\x1b]0;PWNED" in info_text(app))
            assert raw_controls(info_text(app)) == []
            assert raw_controls(screen_text(app)) == []
            assert "evil\\x1b]0;PWNED" in screen_text(app)  # the grid and the panel
            await pilot.press("d")  # refused: the toast's title names the model
            await wait_until(pilot, lambda: "Could not delete evil" in notices(app))
            assert "Could not delete evil\\x1b]0;PWNED" in notices(app)
            assert raw_controls(notices(app)) == []
            await pilot.press("down")
            await wait_until(pilot, lambda: "unknown: " in info_text(app))
            panel = info_text(app)
            # The memory estimate's message names the server's architecture: escaped.
            assert "unknown: model_info lacks llama\\x1b]0;PWNED\\x07\\x1b]52;c;" in panel
            assert "MIT\\x1b]0;PWNED" in panel and "second line" in panel  # the license
            assert raw_controls(panel) == [] and raw_controls(screen_text(app)) == []
            await pilot.press("d")  # the server refuses, in its own words: a toast
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await wait_until(pilot, lambda: "cannot delete" in notices(app))
            assert raw_controls(notices(app)) == [] and raw_controls(screen_text(app)) == []


async def test_no_terminal_control_is_drawn_even_where_text_was_not_escaped(
        make_app: Callable[..., QGooseApp], emulator: Any) -> None:
    # The last line of defence: a widget given raw server text by mistake.
    app = make_app(emulator.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await models_view(app).mount(Static(Text("forgotten" + EVIL)), before=0)
        await wait_until(pilot, lambda: "forgotten" in screen_text(app))
        assert raw_controls(screen_text(app)) == []
        assert "forgotten]0;PWNED]52;c;cHduZWQ=\\[2J31m" in screen_text(app)  # dropped


async def test_a_huge_license_and_template_are_shown_in_part(
        make_app: Callable[..., QGooseApp]) -> None:
    # 5 MB of license and 3 MB of template once made the first key wait 3.4 s: the panel
    # laid out every line of them. It shows the start, and says how much is left.
    answers = evil_answers()
    license_text = "\n".join(f"license line {n} " + "x" * 60 for n in range(70_000))
    template = "{{ .Prompt }}\n" * 220_000
    answers["POST /api/show"] = {**answers["POST /api/show"], "license": license_text,
                                 "template": template}
    async with hostile_ollama(answers) as url:
        app = make_app(url)
        async with app.run_test(size=(130, 50)) as pilot:
            await started(pilot)
            await pilot.press("down")  # llama3.2, the model the server describes
            await wait_until(pilot, lambda: "more lines" in info_text(app), timeout=15)
            panel = info_text(app)
            assert "… 69,800 more lines" in panel  # after the license's first 200 lines
            assert "… 219,800 more lines" in panel  # and the template's
            assert len(panel) < 60_000
            model = models_view(app).grid.shown[1]
            info = app.session.cached_info(model)
            assert isinstance(info, ModelInfo) and len(info.license) > 5_000_000
            await pilot.press("up", "down")  # shown again from what is known: the same part
            await wait_until(pilot, lambda: "… 69,800 more lines" in info_text(app))


async def test_server_text_in_tables_is_never_markup(make_app: Callable[..., QGooseApp]) -> None:
    # A DataTable reads a plain string cell as markup: "[link=…]" would become a hyperlink.
    answers = evil_answers()
    running = answers["GET /api/ps"]["models"][0]
    answers["GET /api/ps"] = {"models": [{**running, "name": "x[reverse]pwn[/reverse]:1b"}]}
    answers["GET /api/version"] = {"version": "0.12[link=https://example.invalid]v[/link]"}
    async with hostile_ollama(answers) as url:
        app = make_app(url)
        async with app.run_test(size=(160, 40)) as pilot:
            await started(pilot)
            await pilot.press("2")  # the Running view
            await wait_until(pilot, lambda: "x[reverse]pwn[/reverse]:1b" in screen_text(app))
            await pilot.press("4")  # the Hosts view
            await wait_until(pilot, lambda: "0.12[link=https://example.invalid]v[/link]"
                             in screen_text(app))
