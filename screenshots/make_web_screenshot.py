"""Make the README's picture of the web page: `qgoose-tui serve` on the demo's emulator, a
pull under way, photographed by Debian's headless Chromium.

    python screenshots/make_web_screenshot.py

Needs `chromium` (apt-get install chromium). Nothing is loaded from outside this machine.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from tui.emulator.server import running_emulator
from tui.services.config import Settings, set_current_model
from tui.services.history import History
from tui.services.session import HostSession
from tui.web.security import Guard
from tui.web.server import serving

HERE = Path(__file__).resolve().parent
SIZE = "1280,1000"


async def photograph(chromium: str, out: Path) -> None:
    # Slow enough that the pull is still under way when the picture is taken.
    async with running_emulator(pull_rate=40e6) as emulator:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(host=emulator.url, path=Path(tmp) / "config.toml")
            set_current_model(settings, ["llama3.2:latest"], "llama3.2:latest")
            session = HostSession(emulator.url, history=History(None))
            async with serving(session, settings, Guard(), 0) as url:
                await session.refresh()
                session.pulls.start("qwen2.5:0.5b")
                await asyncio.sleep(2.0)  # a few seconds into the pull
                browser = await asyncio.create_subprocess_exec(
                    chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--hide-scrollbars",
                    f"--user-data-dir={tmp}/profile", f"--window-size={SIZE}",
                    "--virtual-time-budget=3000", f"--screenshot={out}", url,
                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                await browser.wait()
            await session.aclose()


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("needs chromium (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    out = HERE / "web-page.png"
    asyncio.run(photograph(chromium, out))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
