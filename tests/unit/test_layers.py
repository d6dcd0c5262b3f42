"""The layers the import contracts in pyproject.toml describe: their lists stay complete, and
the command line's commands never load Textual."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["name"]: c for c in config["contracts"]}


def test_the_app_is_packages_the_emulator_may_not_import() -> None:
    # Code lives in the layer packages, never loose at the top where no contract sees it,
    # and a new package of the app is forbidden to the emulator too.
    loose = {p.name for p in (ROOT / "tui").glob("*.py")} - {"__init__.py", "__main__.py"}
    assert not loose
    parts = {f"tui.{p.name}" for p in (ROOT / "tui").iterdir()
             if p.is_dir() and (p / "__init__.py").exists()}
    forbidden = set(_contracts()["The emulator imports nothing of the app"]["forbidden_modules"])
    assert parts - {"tui.emulator"} == forbidden


def _loaded_while_listing(url: str, entry: str, loaded: str) -> str:
    """Run `list --json` through `entry` (an import line binding `main`) in a fresh
    interpreter; check it listed the emulator's ten models, and return what the expression
    `loaded` printed after it."""
    code = (f"import sys; {entry}; "
            f"status = main(['--host', {url!r}, 'list', '--json']); "
            f"print(sorted({loaded})); sys.exit(status)")
    env = {**os.environ, "XDG_CONFIG_HOME": "/nonexistent-qgoose", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    listing, printed = done.stdout.rsplit("\n", 2)[:2]
    assert json.loads(listing)["count"] == 10
    return printed


def test_list_json_loads_no_textual(threaded_emulator) -> None:
    # A script's `list --json` pays for no UI toolkit.
    assert _loaded_while_listing(
        threaded_emulator.url, "from tui.cli.parser import main",
        "m for m in sys.modules if m.split('.')[0] == 'textual'") == "[]"


def test_the_program_loads_none_of_what_httpx_imports_for_features_we_never_use(
        threaded_emulator) -> None:
    # trio, click and zstandard are here because the test tools brought them; the program
    # itself (the console script's run()) must not pay for them, and still lists.
    assert _loaded_while_listing(
        threaded_emulator.url, "from tui.cli.entry import run as main",
        "n for n in ('trio', 'click', 'zstandard') if sys.modules.get(n) is not None") == "[]"


def test_views_never_touch_a_sessions_http_client() -> None:
    # Every operation exists once, in tui/ops: a view that reached `session.client` would
    # be writing one more copy of it (the Hosts view's transfer once did).
    import ast

    ui = ROOT / "tui" / "ui"
    reaching = sorted(
        f"{path.relative_to(ui)}:{node.lineno}"
        for path in ui.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute) and node.attr in ("client", "_client"))
    assert reaching == []
