"""A token HTTP headers cannot carry ("sécret"): one clear line naming the variable, in
every command, nothing sent, and the token itself never printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import parser as cli
from tui.cli.commands import EXIT_USAGE
from tui.emulator.server import Emulator

TOKEN = "sécret-ünïcode"
LINE = "the token in A_TOKEN is not ASCII: HTTP headers cannot carry it"


@pytest.fixture
def run(threaded_emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture,
        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("A_TOKEN", TOKEN)
    config = tmp_path / "c.toml"
    config.write_text(f'host = "a"\n[hosts.a]\nurl = "{threaded_emulator.url}"\n'
                      'token_env = "A_TOKEN"\n')

    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


@pytest.mark.parametrize("args", [
    ["list"], ["status"], ["ps"], ["info", "llama3.2"], ["pull", "llama3.2"],
    ["rm", "llama3.2", "--yes"], ["cp", "llama3.2", "x"], ["load", "llama3.2"],
    ["outdated"], ["mv", "llama3.2", "x"], ["pull", "llama3.2", "--on", "a"],
])
def test_every_command_says_it_in_one_line_and_sends_nothing(
        run, threaded_emulator: Emulator, args: list[str]) -> None:
    code, out, err = run(*args)
    assert LINE in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert "sécret" not in out + err
    assert code != 0
    assert not threaded_emulator.requests  # not even without the token


def test_json_output_says_it_too(run) -> None:
    code, out, err = run("list", "--json")
    assert code == EXIT_USAGE and json.loads(out)["message"] == LINE
    assert err == f"qgoose-tui: error: {LINE}\n"


def test_hosts_and_fleet_show_it_as_the_host_s_problem(run) -> None:
    for command in ("hosts", "fleet"):
        code, out, err = run(command)
        assert code != 0 and LINE in out and "Traceback" not in err
        assert "sécret" not in out + err


@pytest.mark.parametrize("token", ["abc\ndef", "abc\rdef", "tok\x1b]52;c;eA==\x07"])
def test_a_token_holding_a_control_character_is_one_clear_line_too(
        run, threaded_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    # It said "talking to Ollama … failed during the model list: LocalProtocolError".
    monkeypatch.setenv("A_TOKEN", token)
    code, out, err = run("list")
    assert err == ("qgoose-tui: error: the token in A_TOKEN holds a control character: HTTP "
                   "headers cannot carry it\n")
    assert code != 0 and not threaded_emulator.requests
