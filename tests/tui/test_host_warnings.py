"""The app talks to every host of the fleet: each one's warnings are shown, once."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import notices, started
from tui.emulator.server import running_emulator
from tui.services.config import load_settings
from tui.services.list_cache import ListCache


async def test_every_fleet_host_is_warned_about_once(tmp_path: Path) -> None:
    from tui.ui.app import QGooseApp

    async with running_emulator() as one, running_emulator() as two:
        config = tmp_path / "config.toml"
        config.write_text(f'[hosts.one]\nurl = "{one.url}"\ntoken_env = "ONE_TOKEN"\n'
                          f'[hosts.two]\nurl = "{two.url}"\ntoken_env = "TWO_TOKEN"\n')
        settings = load_settings(config, env={"ONE_TOKEN": "t-one"})
        app = QGooseApp(settings, list_cache=ListCache(tmp_path / "cache"))
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            shown = notices(app)
        assert shown.count("TWO_TOKEN is not set") == 1 and "ONE_TOKEN" not in shown
        assert "t-one" not in shown
