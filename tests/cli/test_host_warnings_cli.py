"""The token warnings apply to every host a command names or talks to, once each, and never
hold the token. The hosts that are not this machine are never contacted: only commands that
do not connect to them (export reads files; a transfer reads its source's files) name them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.capture_server import CaptureServer
from tui import cli
from tui.emulator.server import Emulator
from tui.emulator.store import Store

TOKEN = "tok-SECRET-123"
IN_THE_CLEAR = "the token travels in the clear"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    monkeypatch.setenv("A_TOKEN", TOKEN)
    monkeypatch.setenv("B_TOKEN", TOKEN)
    monkeypatch.delenv("D_TOKEN", raising=False)

    def runner(config_text: str, *args: str) -> tuple[int, str, str]:
        config = tmp_path / "config.toml"
        config.write_text(config_text)
        code = cli.main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        assert TOKEN not in out + err
        return code, out, err

    return runner


def test_hosts_named_as_a_source_or_target_are_warned_about(run, capture: CaptureServer,
                                                             tmp_path: Path) -> None:
    store = tmp_path / "store"
    Emulator(store=Store.small(["tiny-a:1m"]), models_dir=store)  # writes it in Ollama's layout
    config = (f'[hosts.a]\nurl = "{capture.url}"\ntoken_env = "A_TOKEN"\n'
              f'[hosts.b]\nurl = "http://gpu-b.example:11434"\ntoken_env = "B_TOKEN"\n'
              f'models_dir = "{store}"\n'
              f'[hosts.c]\nurl = "http://127.0.0.1.nip.io:11434"\ntoken_env = "B_TOKEN"\n'
              f'models_dir = "{store}"\n'
              f'[hosts.d]\nurl = "{capture.url}"\ntoken_env = "D_TOKEN"\n')
    _, _, err = run(config, "export", "tiny-a:1m", str(tmp_path / "b.tar"), "--from", "b")
    assert err.count(IN_THE_CLEAR) == 1 and "host b: " in err and "D_TOKEN" not in err
    _, _, err = run(config, "export", "tiny-a:1m", str(tmp_path / "c.tar"), "--from", "c")
    assert err.count(IN_THE_CLEAR) == 1 and "host c: " in err  # a name, not 127.0.0.1
    assert capture.requests == []  # export reads files only
    _, _, err = run(config, "transfer", "tiny-a:1m", "--from", "b", "--to", "d")
    assert err.count(IN_THE_CLEAR) == 1 and err.count("D_TOKEN is not set") == 1
    # Only d was contacted, and without a token (its variable is not set).
    assert capture.requests and all(r.authorization == "" for r in capture.requests)


def test_every_fleet_host_is_warned_about_once(run, capture: CaptureServer) -> None:
    fleet = (f'[hosts.a]\nurl = "{capture.url}"\ntoken_env = "A_TOKEN"\n'
             f'[hosts.d]\nurl = "{capture.url}"\ntoken_env = "D_TOKEN"\n')
    for args in (["hosts", "--json"], ["fleet"], ["pull", "x", "--on", "all"],
                 ["rm", "x", "--on", "d,d", "--yes"]):
        _, _, err = run(fleet, *args)
        assert err.count("D_TOKEN is not set") == 1, args
    # d in use: warned when the settings are read, and not again for the fleet.
    code, out, err = run('host = "d"\n' + fleet, "hosts", "--json")
    assert err.count("D_TOKEN is not set") == 1 and len(json.loads(out)["hosts"]) == 2
    sent = {r.authorization for r in capture.requests}
    assert sent == {"", f"Bearer {TOKEN}"}  # a's token to a; nothing for d
