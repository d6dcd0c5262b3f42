"""A host whose token HTTP cannot carry: an error state that says why, told once, never a
"Something went wrong" toast at every poll; the token never shown."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import notices, screen_text, shows, wait_until
from tui.emulator.server import Emulator
from tui.services.config import Settings
from tui.services.hosts_config import HostConfig
from tui.services.list_cache import ListCache
from tui.ui.app import QGooseApp


async def test_a_token_that_is_not_ascii_is_the_host_s_error(emulator: Emulator,
                                                             tmp_path: Path) -> None:
    settings = Settings(path=tmp_path / "config.toml", host_name="a",
                        hosts={"a": HostConfig("a", emulator.url, token_env="A_TOKEN")},
                        env={"A_TOKEN": "sécret"})
    settings.refresh_interval = 0.3
    app = QGooseApp(settings, list_cache=ListCache(tmp_path / "cache"))
    async with app.run_test(size=(140, 30)) as pilot:
        state = app.session.state
        await wait_until(pilot, lambda: state.failures >= 3)
        assert state.online is False and "the token in A_TOKEN is not ASCII" in state.error
        assert shows(app, "○ error (the token in A_TOKEN is not")
        assert notices(app).count("the token in A_TOKEN is not ASCII") == 1
        assert "Something went wrong" not in notices(app)
        assert "sécret" not in screen_text(app) + notices(app)
    assert not emulator.requests
