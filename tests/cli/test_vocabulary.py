"""One vocabulary in the command line (issue 26): the same situation gets the same exit code
and the same words whichever command meets it."""

from pathlib import Path

import pytest

from tui import cli
from tui.cli.commands import EXIT_ERROR

UNKNOWN = [("info", "nosuch"), ("use", "nosuch"), ("load", "nosuch"), ("unload", "nosuch"),
           ("update", "nosuch"), ("rm", "--yes", "nosuch"), ("bench", "nosuch"),
           ("fit", "nosuch"), ("cp", "nosuch", "other"), ("mv", "nosuch", "other"),
           ("compare", "nosuch", "qwen3:8b"), ("info", "nosuch", "--modelfile"),
           ("create", "v", "--from", "nosuch")]


@pytest.mark.parametrize("argv", UNKNOWN, ids=lambda argv: argv[0])
def test_a_model_that_does_not_exist_is_exit_1_and_named_in_full(
        argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = cli.main([*argv, "--demo", "--config", str(tmp_path / "c.toml")])
    err = capsys.readouterr().err
    assert code == EXIT_ERROR, err
    # The name as Ollama knows it (with its tag), in the same words everywhere (Ollama's
    # own may follow), without a traceback.
    assert "nosuch:latest is not installed" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [("bench", "glm-4.6:cloud"), ("fit", "glm-4.6:cloud"),
                                  ("load", "glm-4.6:cloud")], ids=lambda argv: argv[0])
def test_a_cloud_model_that_cannot_do_it_is_exit_1_with_the_reason(
        argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = cli.main([*argv, "--demo", "--config", str(tmp_path / "c.toml")])
    err = capsys.readouterr().err
    assert code == EXIT_ERROR and "ollama.com" in err, err
