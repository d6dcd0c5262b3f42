"""The README's pictures are made from the app as it is now.

screenshots/make_screenshots.py records in screenshots/rendered-from.sha256 the SHA-256 of the
SVG each PNG was drawn from. Here some of those SVGs are made again, in-process and without
the browser, exactly as the script makes them: when the app's look changes and the pictures
are not made again, these tests fail and say how to make them.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from screenshots.make_screenshots import read_record, svg_digest
from screenshots.scenes import SHOTS, take
from screenshots.terminal_page import CELL_HEIGHT, CELL_WIDTH, page

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ROOT / "screenshots"
REMAKE = ("make them again with `.venv/bin/python screenshots/make_screenshots.py` (its "
          "docstring says what it needs), look at them, and commit screenshots/")

# Made again on every run, ~3 s each: the README's first picture (the grid with its badges
# and ⬆ marks, the info panel, the status and key bars) and a dialog over the grid. The
# others are checked against their SVGs only: made again, the pull pictures show other
# measured speeds.
CHECKED = ["main", "delete-confirm"]


# Pictures of the web page, made by screenshots/make_web_screenshot.py in a browser.
WEB_PICTURES = {"web-page"}


def readme_pictures() -> list[str]:
    """The terminal pictures the README shows."""
    found = re.findall(r"\(screenshots/([\w-]+)\.png\)", (ROOT / "README.md").read_text())
    return [name for name in found if name not in WEB_PICTURES]


def test_each_picture_is_drawn_from_the_svg_beside_it() -> None:
    names = readme_pictures()
    assert "main" in names
    record = read_record()
    for name in [*names, "main-80x24"]:
        assert name in SHOTS, f"README.md shows screenshots/{name}.png, which no scene makes"
        png, svg = PICTURES / f"{name}.png", PICTURES / f"{name}.svg"
        assert png.exists() and svg.exists(), f"screenshots/{name}.png or .svg is missing: " \
            + REMAKE
        assert record.get(png.name) == svg_digest(svg.read_text(encoding="utf-8")), \
            f"screenshots/{name}.png was not drawn from screenshots/{name}.svg: {REMAKE}"


@pytest.mark.parametrize("name", CHECKED)
async def test_the_picture_shows_the_app_as_it_is_now(name: str, tmp_path: Path) -> None:
    svg = await take(name, tmp_path)
    assert read_record().get(f"{name}.png") == svg_digest(svg), \
        f"the app no longer looks like screenshots/{name}.png: {REMAKE}"


def drawn(markup: str) -> str:
    """The page for one line of Rich markup, exported to SVG as Textual does."""
    console = Console(record=True, width=40, file=io.StringIO(), color_system="truecolor")
    console.print(markup, highlight=False, end="")
    return page(console.export_svg())[0]


def columns(page_html: str) -> dict[int, str]:
    """Each character the page draws as text, by the terminal column it is drawn at."""
    at: dict[int, str] = {}
    runs = re.findall(r'<text class="[^"]*-r\d+[^"]*"[^>]* x="([\d. ]+)"[^>]*>(.*?)</text>',
                      page_html)
    for xs, body in runs:
        chars = html.unescape(re.sub(r"</?tspan[^>]*>", "", body))
        for x, char in zip(xs.split(), chars, strict=True):
            at[round(float(x) / CELL_WIDTH)] = char
    return at


def test_bold_text_keeps_to_its_cells() -> None:
    # Drawn in one piece, a bold run as wide as the font makes it ran into the next word.
    at = columns(drawn("Delete [bold]deepseek-r1:8b[/bold] from emulator?"))
    line = "Delete deepseek-r1:8b from emulator?"
    assert "".join(at.get(column, "?") for column in range(len(line))) \
        == line.replace(" ", "\xa0")


def test_emoji_take_two_cells_each() -> None:
    # Rich's SVG squeezes 👀🔧 into the width of two characters, not four cells.
    page_html = drawn("👀🔧 x")
    assert columns(page_html) == {0: "👀", 2: "🔧", 4: "\xa0", 5: "x"}
    assert page_html.count('<tspan class="wide">') == 2


def test_a_frame_edge_is_one_solid_rectangle() -> None:
    # A dialog's thick top edge, drawn with glyphs, stuck out as separate blocks.
    page_html = drawn("[red on blue]▀▀▀▀[/]x")
    rects = re.findall(r'<rect class="[^"]*-r\d+" x="([\d.]+)" y="[\d.]+" '
                       r'width="([\d.]+)" height="([\d.]+)"', page_html)
    assert [(float(x), float(w), float(h)) for x, w, h in rects] \
        == [(0, 4 * CELL_WIDTH, CELL_HEIGHT / 2)]
    assert columns(page_html) == {4: "x"}
