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


def test_the_emulator_contract_names_every_part_of_the_app() -> None:
    # A new module of the app must be forbidden to the emulator too, or the rule goes stale.
    parts = {f"tui.{p.stem}" for p in (ROOT / "tui").iterdir()
             if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
             or (p.is_dir() and (p / "__init__.py").exists())}
    forbidden = set(_contracts()["The emulator imports nothing of the app"]["forbidden_modules"])
    assert parts - {"tui.emulator"} == forbidden


def test_list_json_loads_no_textual(threaded_emulator) -> None:
    # A script's `list --json` pays for no UI toolkit.
    code = ("import sys; from tui.cli.parser import main; "
            f"status = main(['--host', {threaded_emulator.url!r}, 'list', '--json']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')); "
            "sys.exit(status)")
    env = {**os.environ, "XDG_CONFIG_HOME": "/nonexistent-qgoose", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)
    listing, loaded = done.stdout.rsplit("\n", 2)[0], done.stdout.rsplit("\n", 2)[1]
    assert done.returncode == 0, done.stderr
    assert json.loads(listing)["count"] == 10
    assert loaded == "[]"
