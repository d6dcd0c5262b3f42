"""A web page that draws Textual's SVG screenshot the way a good terminal draws the screen.

Rich's SVG writes each run of same-styled text as one <text> squeezed to a textLength counted
in characters, not cells, so an emoji (two cells) squashes its run, and a font whose glyphs are
not exactly 0.61 em wide drifts within it. Here every character gets its own cell position, the
block elements of Textual's frames and bars (▀ ▄ █ ▌ ▔ ▁ ...) become exact rectangles, as a
terminal draws them, and the fonts are named installed ones: a monospace font at the size whose
advance is one cell, a symbol font for what it lacks, and a colour emoji font sized to two cells.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from itertools import groupby
from math import ceil

from rich.cells import get_character_cell_size

CELL_WIDTH, CELL_HEIGHT = 12.2, 24.4  # Rich's SVG: 20 px characters, 0.61 wide, lines 1.22
BASELINE = 18.5  # from the top of a row to its text's baseline, in Rich's SVG

# One run of text as Rich writes it (the title, outside the terminal, has another shape).
TEXT_RUN = re.compile(
    r'<text class="(?P<style>[^"]+)" x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" '
    r'textLength="[\d.]+" clip-path="(?P<clip>[^"]+)">(?P<body>[^<]*)</text>')
VIEW_BOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _blocks() -> dict[str, tuple[float, float, float, float]]:
    """Each block element as (left, top, width, height), in fractions of a cell."""
    blocks = {"▀": (0.0, 0.0, 1.0, 0.5), "▔": (0.0, 0.0, 1.0, 1 / 8),
              "▐": (0.5, 0.0, 0.5, 1.0), "▕": (7 / 8, 0.0, 1 / 8, 1.0)}
    for eighths in range(1, 9):  # ▁ ▂ ▃ ▄ ▅ ▆ ▇ █: the lower n eighths
        blocks[chr(0x2580 + eighths)] = (0.0, 1 - eighths / 8, 1.0, eighths / 8)
    for eighths in range(1, 8):  # ▉ ▊ ▋ ▌ ▍ ▎ ▏: the left 8 - n eighths
        blocks[chr(0x2588 + eighths)] = (0.0, 0.0, (8 - eighths) / 8, 1.0)
    return blocks


BLOCKS = _blocks()


@dataclass(frozen=True)
class Font:
    """An installed font, the Debian package that has it, and, where it matters, its advance
    in em (for the monospace font, to find the size at which a character is one cell wide)."""

    name: str
    package: str
    advance: float = 0.0


MONO = Font("DejaVu Sans Mono", "fonts-dejavu-core", 1233 / 2048)
MONO_FACES = {("normal", 400): MONO.name, ("normal", 700): "DejaVu Sans Mono Bold",
              ("italic", 400): "DejaVu Sans Mono Oblique",
              ("italic", 700): "DejaVu Sans Mono Bold Oblique"}  # all of the same advance
SYMBOLS = Font("Symbola", "fonts-symbola")
FROM_SYMBOLS = "⬆⧉"  # ⧉, which DejaVu lacks, and ⬆, which it draws tiny
EMOJI = Font("Noto Color Emoji", "fonts-noto-color-emoji", 2550 / 2048)
FONTS = (*(Font(face, MONO.package) for face in MONO_FACES.values()), SYMBOLS, EMOJI)

# DejaVu Sans Mono's box-drawing lines reach from 0.25 em below the baseline to 0.938 em
# above: drawn at this size (a little taller than a row, so that rows overlap rather than
# leave a hairline between them) and this much lower, they fill their cell.
BOX_EMS = (512 + 1921) / 2048
BOX_SIZE = (CELL_HEIGHT + 0.4) / BOX_EMS
BOX_DROP = (1921 - 512) / 2048 / 2 * BOX_SIZE - (BASELINE - CELL_HEIGHT / 2)  # centre to centre


def missing_fonts() -> list[Font]:
    """The fonts fontconfig cannot find (the browser finds local fonts through it)."""
    installed = subprocess.run(["fc-list", "--format", "%{fullname}\\n"], capture_output=True,
                               text=True, check=True).stdout
    names = {name.strip() for line in installed.splitlines() for name in line.split(",")}
    return [font for font in FONTS if font.name not in names]


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _block_rects(char: str, count: int, x: float, top: float, style: str) -> str:
    """`count` of the same block element from x: one rectangle when they join up (no seams
    between cells), else one a cell. Not clipped to the row: a clip's soft edge is a seam."""
    left, upper, width, height = BLOCKS[char]
    spans = [(x, count)] if width == 1 else [(x + n * CELL_WIDTH, 1) for n in range(count)]
    return "".join(
        f'<rect class="{style}" x="{_number(start + left * CELL_WIDTH)}" '
        f'y="{_number(top + upper * CELL_HEIGHT)}" '
        f'width="{_number((cells - 1 + width) * CELL_WIDTH)}" '
        f'height="{_number(height * CELL_HEIGHT)}" shape-rendering="crispEdges"/>'
        for start, cells in spans)


def _is_box_line(char: str) -> bool:
    return "\u2500" <= char <= "\u257f"


def _cells(match: re.Match[str]) -> str:
    """One run of text, with each character at its cell, box-drawing lines a little taller
    so that they join the next row's, and block elements as rectangles."""
    style, clip, body = match["style"], match["clip"], html.unescape(match["body"])
    x0, baseline = float(match["x"]), float(match["y"])
    if any(get_character_cell_size(char) == 0 for char in body):
        return match[0]  # a combining mark would get a cell of its own: leave the run be
    drawn: list[str] = []
    glyphs: dict[bool, list[tuple[str, float]]] = {False: [], True: []}  # by: is a box line
    column = 0
    for char, same in groupby(body):
        count, width = len(list(same)), get_character_cell_size(char)
        x = x0 + column * CELL_WIDTH
        if char in BLOCKS:
            drawn.append(_block_rects(char, count, x, baseline - BASELINE, style))
        else:
            glyph = html.escape(char, quote=False).replace(" ", "&#160;")
            if width == 2:
                glyph = f'<tspan class="wide">{glyph}</tspan>'
            glyphs[_is_box_line(char)] += [(glyph, x + n * width * CELL_WIDTH)
                                           for n in range(count)]
        column += count * width
    for box, placed in glyphs.items():
        if not placed:
            continue
        xs = " ".join(_number(x) for _, x in placed)
        text = "".join(glyph for glyph, _ in placed)
        where = (f'class="{style} box" y="{_number(baseline + BOX_DROP)}"' if box
                 else f'class="{style}" y="{_number(baseline)}" clip-path="{clip}"')
        drawn.append(f'<text {where} x="{xs}">{text}</text>')
    return "".join(drawn)


def page(svg: str) -> tuple[str, tuple[int, int]]:
    """The HTML page that shows `svg` at its own size, and that size in CSS pixels."""
    size = VIEW_BOX.search(svg)
    if size is None:
        raise ValueError("not an SVG screenshot from Rich: it has no viewBox")
    width, height = float(size[1]), float(size[2])
    drawn, runs = TEXT_RUN.subn(_cells, svg)
    if not runs:
        raise ValueError("no text runs found: has Rich changed how it writes SVG?")
    mono_size = CELL_WIDTH / MONO.advance
    emoji = 2 * CELL_WIDTH / EMOJI.advance
    chars = ", ".join(f"U+{ord(char):X}" for char in FROM_SYMBOLS)
    faces = "\n".join(f'@font-face {{ font-family: "shot-mono"; font-style: {slant}; '
                      f'font-weight: {weight}; src: local("{face}"); }}'
                      for (slant, weight), face in MONO_FACES.items())
    style = f"""
{faces}
@font-face {{ font-family: "shot-symbols"; src: local("{SYMBOLS.name}"); unicode-range: {chars}; }}
@font-face {{ font-family: "shot-emoji"; src: local("{EMOJI.name}"); }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
svg {{ display: block; width: {_number(width)}px; height: {_number(height)}px; }}
[class$="-matrix"] {{
    font-family: "shot-symbols", "shot-mono", "shot-emoji" !important;
    font-size: {mono_size:.3f}px !important;
    font-variant-ligatures: none; font-variant-east-asian: normal !important;
}}
[class$="-matrix"] .box {{ font-size: {BOX_SIZE:.3f}px; }}
[class$="-matrix"] .wide {{ font-family: "shot-emoji", "shot-mono"; font-size: {emoji:.3f}px; }}
[class$="-title"] {{ font-family: "DejaVu Sans", sans-serif !important; }}
"""
    html_page = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>{style}</style>'
                 f"</head><body>{drawn}</body></html>\n")
    return html_page, (ceil(width), ceil(height))
