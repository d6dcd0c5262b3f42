"""JSON nested far deeper than any real answer: the usual one-line error, never the
RecursionError traceback Python's decoder raises at about 1,000 levels (2 KB of brackets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import ThreadedHostile, deep_answers, evil_answers
from tui.cli import parser as cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK

TOO_DEEP = "JSON nested more than 64 levels deep"


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[ThreadedHostile] = []

    def start(answers: dict[str, Any]) -> str:
        servers.append(ThreadedHostile(answers))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture):
    def runner(url: str, *args: str) -> tuple[int, str, str]:
        config = tmp_path / "c.toml"
        config.write_text(f'registry = "{url}"\n')
        code = cli.main(["--host", url, "--config", str(config), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


@pytest.mark.parametrize("args", [["list"], ["status"], ["info", "llama3.2"], ["ps"]])
def test_a_deep_answer_is_one_line_error(serve, run, args) -> None:
    url = serve(deep_answers())
    code, out, err = run(url, *args)
    assert code == EXIT_ERROR and out == ""
    assert err.startswith("qgoose-tui: error: Ollama's answer") and TOO_DEEP in err
    assert len(err.splitlines()) == 1
    code, out, err = run(url, *args, "--json")
    assert code == EXIT_ERROR and json.loads(out)["status"] == "error"
    assert TOO_DEEP in json.loads(out)["message"] and len(err.splitlines()) == 1


def test_hosts_says_which_host_answered_too_deep(serve, run) -> None:
    code, out, err = run(serve(deep_answers()), "hosts")
    assert code == EXIT_ERROR and err == ""
    assert "offline" in out and TOO_DEEP in out


def test_nesting_past_the_limit_but_short_of_python_s_is_refused_too(serve, run) -> None:
    # 100 levels decode without a RecursionError, yet no real answer nests that deep.
    code, _, err = run(serve(deep_answers(levels=100)), "info", "llama3.2")
    assert code == EXIT_ERROR and TOO_DEEP in err and len(err.splitlines()) == 1


def test_a_deep_registry_manifest_makes_the_update_check_unknown(serve, run) -> None:
    answers = {**evil_answers(), **{k: v for k, v in deep_answers().items() if "/v2/" in k}}
    url = serve(answers)
    code, out, err = run(url, "outdated", "--json")
    assert code == EXIT_OK and err == ""
    llama = next(m for m in json.loads(out)["models"] if m["name"] == "llama3.2:latest")
    assert llama["state"] == "unknown" and TOO_DEEP in llama["reason"]
    code, out, err = run(url, "outdated")
    assert code == EXIT_OK and "Traceback" not in err
    assert TOO_DEEP in next(line for line in out.splitlines() if "llama3.2" in line)


def test_a_config_nested_too_deep_is_one_line(tmp_path: Path, capsys) -> None:
    config = tmp_path / "c.toml"
    config.write_text("a = " + "[" * 1100 + "]" * 1100 + "\n")
    code = cli.main(["--config", str(config), "--host", "127.0.0.1:9", "use", "x"])
    err = capsys.readouterr().err
    assert code != EXIT_OK and "Traceback" not in err
    assert "nests arrays or tables too deeply" in err
