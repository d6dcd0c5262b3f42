"""The command line against a hostile Ollama whose every text carries terminal escapes.

Whatever a command prints (tables, facts, errors, JSON), nothing reaches the terminal that
it would obey: no ESC (so no CSI, no OSC 0 title, no OSC 52 clipboard write), no C1 CSI,
no bidi override. JSON escapes them and still decodes to the server's own text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import CONTROLS, EVIL, EVIL_NAME, ThreadedHostile, evil_answers
from tui.cli import parser as cli


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = ThreadedHostile(evil_answers())
    yield server.url
    server.close()


@pytest.fixture
def run(hostile: str, tmp_path: Path, capsys: pytest.CaptureFixture):
    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--host", hostile, "--config", str(tmp_path / "c.toml"), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


def raw_controls(text: str) -> list[str]:
    return [hex(ord(ch)) for ch in CONTROLS if ch in text]


def strings(value: Any) -> list[str]:
    """Every string in a decoded JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in strings(v))]
    return [s for v in value for s in strings(v)] if isinstance(value, list) else []


@pytest.mark.parametrize("args", [
    ["list"], ["info", "llama3.2"], ["status"], ["ps"], ["fit", "llama3.2", "--vram", "8GB"],
    ["rm", "llama3.2", "--yes"], ["cp", "llama3.2", "copy"], ["pull", "llama3.2"],
    ["load", "llama3.2"], ["compare", "llama3.2", EVIL_NAME.replace(EVIL, "")],
])
def test_plain_output_and_errors_show_the_escapes_without_obeying_them(run, args) -> None:
    code, out, err = run(*args)
    assert raw_controls(out + err) == []
    assert "Traceback" not in err
    if code:  # a failure is said in one line, the server's words escaped in it
        assert len(err.strip().splitlines()) == 1 and "\\x1b]0;PWNED" in err


def test_the_server_text_is_visible_as_escapes(run) -> None:
    _, out, _ = run("info", "llama3.2")
    assert "License" in out and "MIT\\x1b]0;PWNED\\x07" in out
    assert "second line\twith a tab" in out  # the license keeps its lines and tabs
    _, out, _ = run("list")
    rows = out.splitlines()
    assert len(rows) == 3  # a header and the two models: no row forged, none split
    assert "evil\\x1b]0;PWNED\\x07\\x1b]52;c;cHduZWQ=\\x1b\\" in out


@pytest.mark.parametrize("args", [["list"], ["info", "llama3.2"], ["status"], ["ps"]])
def test_json_escapes_every_control_and_decodes_to_the_server_text(run, args) -> None:
    code, out, err = run(*args, "--json")
    assert code == 0 and err == ""
    assert raw_controls(out) == [] and len(out.splitlines()) == 1
    data = json.loads(out)
    assert any(EVIL in text for text in strings(data))  # the server's text, unchanged
    if args == ["list"]:
        assert data["models"][1]["name"] == EVIL_NAME


def test_a_failed_pull_with_json_lines_escapes_the_controls(run) -> None:
    code, out, err = run("pull", "llama3.2", "--json", "--stream")
    assert code == 1 and raw_controls(out + err) == []
    assert "disk full\\x1b]0;PWNED" in json.loads(out.splitlines()[-1])["message"]
