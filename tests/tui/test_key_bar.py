"""The key bar at the bottom: the view's keys, pressed with the mouse too."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.tui.helpers import models_view, wait_until
from tui.ui.widgets.key_bar import KeyBar


def key_bar(pilot: Pilot) -> KeyBar:
    return pilot.app.screen.query_one(KeyBar)


def bar_text(pilot: Pilot) -> str:
    return key_bar(pilot).render().plain


def offset_of(pilot: Pilot, description: str) -> tuple[int, int]:
    """Where on the bar the key with this description is drawn."""
    bar = key_bar(pilot)
    bar.render()
    start = next(start for start, _end, key in bar._spans if key.description == description)
    return start + 1, 0


async def test_the_bar_shows_the_keys_of_the_view_on_screen(pilot) -> None:
    text = bar_text(pilot)
    for words in ("s Sort", "/ Filter", "u Use", "d Delete", "p Pull", "? more", "q Quit",
                  "^p palette"):
        assert words in text
    await pilot.press("4")  # the Hosts view has keys of its own
    await wait_until(pilot, lambda: "Pull onto" in bar_text(pilot))
    assert "u Use" not in bar_text(pilot)


async def test_clicking_a_key_does_what_the_key_does(pilot) -> None:
    await pilot.click(KeyBar, offset=offset_of(pilot, "more"))
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")


async def test_hovering_a_key_shows_its_tooltip(pilot) -> None:
    await pilot.hover(KeyBar, offset=offset_of(pilot, "Delete"))
    bar = key_bar(pilot)
    assert bar.tooltip is not None and "asks first" in str(bar.tooltip)


async def test_keys_come_and_go_with_the_bindings(pilot) -> None:
    assert "P Pulls" not in bar_text(pilot)  # shown only while there are pulls
    models_view(pilot.app).filter_bar.input.focus()
    await wait_until(pilot, lambda: "u Use" not in bar_text(pilot))  # letters go to the filter
    await pilot.press("escape")
    await wait_until(pilot, lambda: "u Use" in bar_text(pilot))


@pytest.mark.size(60, 24)
async def test_a_narrow_terminal_keeps_whole_keys_and_the_palette_key(pilot) -> None:
    bar = key_bar(pilot)
    text = bar.render().plain
    assert len(text) == 60
    assert text.rstrip().endswith("^p palette")
    keys, _palette = bar.keys()
    drawn = [(start, end, key) for start, end, key in bar._spans if key.description != "palette"]
    assert 0 < len(drawn) < len(keys)  # drawn closer together, and the last left out
    for start, end, key in drawn:  # none cut in half
        assert text[start:end].strip() == f"{key.display} {key.description}"


@pytest.mark.size(80, 24)
async def test_at_80_columns_the_left_out_keys_are_one_question_mark_away(pilot) -> None:
    text = bar_text(pilot)
    assert "? more" in text and "? Help" not in text  # the view has keys only ? lists
    assert text.index("? more") < text.index("^p palette")
    for words in ("s Sort", "/ Filter", "u Use", "d Delete", "p Pull"):  # the most used stay
        assert words in text
    await pilot.click(KeyBar, offset=offset_of(pilot, "more"))
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")
