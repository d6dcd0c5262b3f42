"""The README's key table names every key of every view (issue 26: a newcomer reads it
first), read from the live bindings so that a new key cannot be left out of it."""

import re
from pathlib import Path

from tests.tui.helpers import wait_until
from tests.tui.test_snapshots import demo_app, loaded
from tui.ui.screens.help import _our_bindings

README = Path(__file__).parents[2] / "README.md"
NAMES = {"question_mark": "?", "slash": "/", "right_square_bracket": "]",
         "left_square_bracket": "[", "space": "Space", "enter": "Enter", "escape": "Esc",
         "up": "↑", "down": "↓", "pageup": "PgUp", "pagedown": "PgDn", "home": "Home",
         "end": "End", "tab": "Tab"}


def readme_keys() -> set[str]:
    """Every key the README's key table names: `x`, `Ctrl+U`, ↑ …"""
    text = README.read_text(encoding="utf-8")
    table = text.split("| key | what it does |", 1)[1].split("\n\n", 1)[0]
    keys = set()
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        keys |= set(re.findall(r"`([^`]+)`", first)) | set(first.split())
    return keys


def shown_as(key: str) -> str:
    if key.startswith("ctrl+"):
        return "Ctrl+" + key.removeprefix("ctrl+").upper()
    return NAMES.get(key, key)


async def test_every_key_of_every_view_is_in_the_readme(tmp_path: Path) -> None:
    documented = readme_keys()
    missing: set[str] = set()
    async with demo_app(tmp_path).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app = pilot.app
        for view in ("models", "running", "pulls", "hosts"):
            await pilot.press(str(("models", "running", "pulls", "hosts").index(view) + 1))
            await wait_until(pilot, lambda v=view: app.screen is app.views.get(v))
            await pilot.pause()
            for node in [app.screen, *app.screen.query("*"), app]:
                for binding in _our_bindings(node):  # what ? lists, Textual's own aside
                    if shown_as(binding.key) not in documented:
                        missing.add(f"{view}: {shown_as(binding.key)} ({binding.description})")
    assert not missing, "not in the README's key table:\n" + "\n".join(sorted(missing))
