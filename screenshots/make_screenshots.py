"""Make the README's screenshots: the real app in demo mode, driven by Pilot (scenes.py), saved
as the SVG Textual writes, and drawn into PNG by headless Chromium the way a good UTF-8
terminal draws the screen (terminal_page.py): emoji badges, ⬆ marks, frames that join up.

Set-up, once (Debian or Ubuntu; the browser and fonts are for the PNGs only):

    sudo apt-get install chromium fonts-dejavu-core fonts-symbola fonts-noto-color-emoji

(or run this script as root with --install-fonts), and the project's venv
(`python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'`). Then, from the repository's root:

    .venv/bin/python screenshots/make_screenshots.py               # every picture, ~1 min
    .venv/bin/python screenshots/make_screenshots.py main offline  # only these
    .venv/bin/python screenshots/make_screenshots.py --svg-only    # SVGs, no browser
    .venv/bin/python screenshots/make_screenshots.py --redraw      # PNGs from the SVGs here

and look at each PNG. It writes screenshots/NAME.svg and NAME.png, and records in
screenshots/rendered-from.sha256 the SHA-256 of the SVG each PNG was drawn from.
tests/tui/test_screenshots.py makes some of the SVGs again and fails when the app no longer
looks like its pictures: re-run this script then (and commit the SVGs, PNGs and the record).
A scene that fails is named, and the others are still made.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if not __package__:  # run as a file: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screenshots.scenes import SHOTS, take  # noqa: E402
from screenshots.terminal_page import missing_fonts, page  # noqa: E402

HERE = Path(__file__).resolve().parent
RECORD = HERE / "rendered-from.sha256"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def svg_digest(svg: str) -> str:
    return hashlib.sha256(svg.encode()).hexdigest()


def read_record() -> dict[str, str]:
    """Each PNG's file name and the SHA-256 of the SVG it was drawn from."""
    if not RECORD.exists():
        return {}
    pairs = (line.split(maxsplit=1) for line in RECORD.read_text().splitlines() if line)
    return {name.strip().replace(".svg", ".png"): digest for digest, name in pairs}


def write_record(record: dict[str, str]) -> None:
    # `sha256sum -c rendered-from.sha256` in this folder checks the committed SVGs.
    RECORD.write_text("".join(f"{digest}  {png.replace('.png', '.svg')}\n"
                              for png, digest in sorted(record.items())))


def draw_png(svg: str, png: Path, browser: str, scale: int) -> None:
    """Draw `svg` into `png` with a headless browser, on a fresh profile every time."""
    html, (width, height) = page(svg)
    with tempfile.TemporaryDirectory(prefix="qgoose-shot-") as tmp:
        page_file, drawn = Path(tmp) / "page.html", Path(tmp) / "drawn.png"
        page_file.write_text(html, encoding="utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={Path(tmp) / 'profile'}", "--hide-scrollbars",
            f"--window-size={width},{height}", f"--force-device-scale-factor={scale}",
            "--default-background-color=00000000", f"--screenshot={drawn}", page_file.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "LC_ALL": "C.UTF-8"})
        if done.returncode != 0 or not drawn.exists():
            raise RuntimeError(f"{browser} failed:\n{done.stderr[-2000:]}")
        shutil.move(drawn, png)


def find_browser(wanted: str | None) -> str:
    for name in (wanted,) if wanted else BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit(f"no browser found ({wanted or ', '.join(BROWSERS)}): "
                     "apt-get install chromium, or name one with --browser")


def check_fonts(install: bool) -> None:
    missing = missing_fonts()
    if missing and install:
        packages = sorted({font.package for font in missing})
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True)
        missing = missing_fonts()
    if missing:
        packages = sorted({font.package for font in missing})
        raise SystemExit(f"fonts missing: {', '.join(f.name for f in missing)}; "
                         f"install them with: sudo apt-get install {' '.join(packages)} "
                         "(or run as root with --install-fonts)")


async def make(names: list[str], browser: str | None, scale: int, redraw: bool) -> list[str]:
    """Make each picture (or, with `redraw`, only its PNG from its SVG); the names of those
    that failed. The browser draws one picture while Pilot plays the next scene."""
    record, failed = read_record(), []
    drawing: list[tuple[str, str, asyncio.Future[None]]] = []
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=2) as browsers, \
            tempfile.TemporaryDirectory(prefix="qgoose-shots-") as workdir:
        for name in names:
            svg_file = HERE / f"{name}.svg"
            try:
                svg = svg_file.read_text("utf-8") if redraw else await take(name, Path(workdir))
            except Exception as error:  # one broken scene should not cost the others
                print(f"{name}: the scene failed: {error!r}", file=sys.stderr)
                failed.append(name)
                continue
            svg_file.write_text(svg, encoding="utf-8")
            print(f"screenshots/{name}.svg")
            if browser is not None:
                png = HERE / f"{name}.png"
                drawing.append((name, svg, loop.run_in_executor(
                    browsers, draw_png, svg, png, browser, scale)))
        for name, svg, drawn in drawing:
            try:
                await drawn
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"{name}: the browser failed: {error}", file=sys.stderr)
                failed.append(name)
                continue
            record[f"{name}.png"] = svg_digest(svg)
            write_record(record)
            print(f"screenshots/{name}.png")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(SHOTS)}")
    parser.add_argument("--svg-only", action="store_true", help="no PNGs, no browser")
    parser.add_argument("--redraw", action="store_true",
                        help="only draw the PNGs again from the SVGs already here")
    parser.add_argument("--browser", help="the Chromium to use (default: found on PATH)")
    parser.add_argument("--scale", type=int, default=1, help="device pixels a CSS pixel")
    parser.add_argument("--install-fonts", action="store_true",
                        help="apt-get install the missing fonts (as root)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in SHOTS]
    if unknown:
        parser.error(f"no such picture: {', '.join(unknown)} (there are {', '.join(SHOTS)})")
    browser = None
    if not args.svg_only:
        browser = find_browser(args.browser)
        check_fonts(args.install_fonts)
    if args.redraw and args.svg_only:
        parser.error("--redraw draws PNGs: it cannot go with --svg-only")
    failed = asyncio.run(make(args.names or list(SHOTS), browser, args.scale, args.redraw))
    if failed:
        print(f"not made: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
