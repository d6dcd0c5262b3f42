"""The README's pictures are made from the app as it is now.

screenshots/make_screenshots.py records in screenshots/rendered-from.sha256 the SHA-256 of the
SVG each PNG was drawn from. Here some of those SVGs are made again, in-process and without
the browser, exactly as the script makes them: when the app's look changes and the pictures
are not made again, these tests fail and say how to make them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screenshots.make_screenshots import read_record, svg_digest
from screenshots.scenes import SHOTS, take

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ROOT / "screenshots"
REMAKE = ("make them again with `.venv/bin/python screenshots/make_screenshots.py` (its "
          "docstring says what it needs), look at them, and commit screenshots/")

# Made again on every run, ~3 s each: the README's first picture (the grid with its badges
# and ⬆ marks, the info panel, the status and key bars) and a dialog over the grid. The
# others are checked against their SVGs only: made again, the pull pictures show other
# measured speeds.
CHECKED = ["main", "delete-confirm"]


def readme_pictures() -> list[str]:
    return re.findall(r"\(screenshots/([\w-]+)\.png\)", (ROOT / "README.md").read_text())


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
