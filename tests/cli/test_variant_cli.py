"""`create`, `push`, `rebuild` and `info --modelfile` through the real entry point, against
an emulator on a loopback socket."""

import io
import json
import os
from pathlib import Path

import pytest

from tui.cli import parser as cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from tui.emulator.server import Emulator


@pytest.fixture
def run(threaded_emulator: Emulator, config_path: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    # The history (recipes) in the test's own folder, never the user's.
    monkeypatch.setattr("tui.services.history.default_history_path",
                        lambda: tmp_path / "history.sqlite3")
    monkeypatch.setattr("tui.cli.commands.default_history_path",
                        lambda: tmp_path / "history.sqlite3")

    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--host", threaded_emulator.url, "--config", str(config_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


def test_create_a_variant_as_json_then_see_its_modelfile(run) -> None:
    code, out, err = run("create", "llama3.2-32k", "--from", "llama3.2", "--num-ctx", "32k",
                         "--system", "Answer briefly.", "--temperature", "0.3",
                         "--stop", "END", "--param", "seed=7", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and err == ""
    assert data["status"] == "success" and data["model"] == "llama3.2-32k:latest"
    assert data["recipe"]["parameters"] == {"seed": 7, "num_ctx": 32768, "temperature": 0.3,
                                            "stop": ["END"]}
    assert data["recipe"]["base"] == "llama3.2:latest" and len(data["digest"]) == 64
    code, out, _ = run("info", "llama3.2-32k", "--modelfile")
    assert code == EXIT_OK
    assert "PARAMETER num_ctx 32768" in out and 'SYSTEM """Answer briefly."""' in out
    code, out, _ = run("info", "llama3.2-32k", "--modelfile", "--json")
    assert json.loads(out)["modelfile"].startswith("# Modelfile generated")


def test_create_prints_the_statuses_then_says_what_it_made(run) -> None:
    code, out, _ = run("create", "short", "--from", "llama3.2", "--ctx", "2048")
    assert code == EXIT_OK
    assert "short: writing manifest" in out
    assert out.splitlines()[-1] == "Created short:latest from llama3.2:latest"


@pytest.mark.parametrize(("args", "message"), [
    (("--temperature", "warm"), "temperature must be a number, not 'warm'"),
    (("--param", "num_context=4"), "unknown parameter 'num_context'"),
    (("--param", "seed"), "'seed' is not KEY=VALUE"),
    (("--num-ctx", "lots"), "num_ctx must be a number of tokens like 32768 or 32k, not "
                            "'lots'"),
    (("--ctx", "32kb"), "like 32768 or 32k, not '32kb'"),
    (("--ctx", "0k"), "num_ctx must be above 0, not 0"),
    (("--quantize", "Q8_0"), "already quantized (Q4_K_M)"),
])
def test_bad_input_is_one_line_and_exit_2(run, args: tuple[str, ...], message: str) -> None:
    code, out, err = run("create", "v", "--from", "llama3.2", *args, "--json")
    assert code == EXIT_USAGE and message in json.loads(out)["message"]
    assert err.count("\n") == 1 and "Traceback" not in err


def test_replacing_needs_force_and_a_missing_base_fails(run) -> None:
    assert run("create", "v", "--from", "llama3.2")[0] == EXIT_OK
    code, _, err = run("create", "v", "--from", "llama3.2")
    assert code == EXIT_ERROR and "v:latest already exists: --force replaces it" in err
    assert run("create", "v", "--from", "llama3.2", "--force")[0] == EXIT_OK
    code, _, err = run("create", "w", "--from", "nosuch")
    assert code == EXIT_ERROR and "nosuch:latest is not installed here" in err


def test_push_with_progress_and_the_refusals(run, threaded_emulator: Emulator) -> None:
    run("create", "demo/mine", "--from", "llama3.2")
    code, out, _ = run("push", "demo/mine")
    assert code == EXIT_OK and "demo/mine: pushing manifest" in out
    assert out.splitlines()[-1].startswith("Pushed demo/mine:latest (")
    code, out, _ = run("push", "llama3.2", "--json")
    assert code == EXIT_USAGE and "has no namespace" in json.loads(out)["message"]
    threaded_emulator.account = ""
    code, _, err = run("push", "demo/mine")
    assert code == EXIT_ERROR and "run `ollama signin`" in err


def test_rebuild_after_the_base_is_updated(run, threaded_emulator: Emulator) -> None:
    base = threaded_emulator.store.make_outdated(1)[0]
    run("create", "follow", "--from", base, "--num-ctx", "4096")
    code, out, _ = run("rebuild")
    assert code == EXIT_OK and "bases are unchanged" in out
    assert run("pull", base)[0] == EXIT_OK
    code, out, _ = run("rebuild", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["rebuilt"] == 1
    assert data["results"] == [{"model": "follow:latest", "status": "rebuilt",
                                "message": f"Rebuilt follow:latest from {base}"}]
    code, _, err = run("rebuild", "llama3.2")
    assert code == EXIT_ERROR and "no recipe to rebuild it" in err


# -- --template FILE ----------------------------------------------------------------------

# Several lines, Go's braces, a non-ASCII character and a last newline: sent as written.
TEMPLATE = ("{{ if .System }}<|system|>{{ .System }}<|end|>\n{{ end }}"
            "<|user|>{{ .Prompt }}<|end|>\n<|assistant|>« {{ .Response }}\n")


def creates(emulator: Emulator) -> list[dict]:
    return [r.body or {} for r in emulator.requests if r.path == "/api/create"]


def shown_template(run, name: str) -> str:
    code, out, err = run("info", name, "--json")
    assert code == EXIT_OK, err
    return json.loads(out)["info"]["template"]


def test_create_with_a_template_file_sends_it_as_written_and_keeps_it(
        run, threaded_emulator: Emulator, tmp_path: Path) -> None:
    file = tmp_path / "chat.tmpl"
    file.write_text(TEMPLATE, encoding="utf-8")
    base = threaded_emulator.store.make_outdated(1)[0]
    code, out, err = run("create", "chat", "--from", base, "--template", str(file), "--json")
    assert code == EXIT_OK and err == ""
    assert json.loads(out)["recipe"]["template"] == TEMPLATE
    assert shown_template(run, "chat") == TEMPLATE
    code, out, _ = run("info", "chat", "--modelfile")
    assert f'TEMPLATE """{TEMPLATE}"""' in out
    # Made again from the updated base, the variant keeps its template.
    assert run("pull", base)[0] == EXIT_OK
    code, out, _ = run("rebuild", "--json")
    assert code == EXIT_OK and json.loads(out)["rebuilt"] == 1
    assert shown_template(run, "chat") == TEMPLATE


def test_create_reads_the_template_from_standard_input(
        run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(TEMPLATE.encode())))
    code, out, err = run("create", "piped", "--from", "llama3.2", "--template", "-", "--json")
    assert code == EXIT_OK and json.loads(out)["recipe"]["template"] == TEMPLATE, err
    assert shown_template(run, "piped") == TEMPLATE


@pytest.mark.parametrize(("stdin", "problem"), [
    (None, "standard input is closed"),
    ("tty", "standard input is a terminal"),
], ids=["closed", "terminal"])
def test_a_template_from_standard_input_that_cannot_come_creates_nothing(
        run, threaded_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, stdin: str | None,
        problem: str) -> None:
    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", None if stdin is None else Terminal(io.BytesIO()))
    code, out, err = run("create", "v", "--from", "llama3.2", "--template", "-", "--json")
    assert code == EXIT_USAGE and "Traceback" not in err
    assert json.loads(out)["message"].startswith(f"--template -: {problem}")
    assert creates(threaded_emulator) == []


def test_create_without_a_template_sends_none(run, threaded_emulator: Emulator) -> None:
    base_template = shown_template(run, "llama3.2")
    assert run("create", "plain", "--from", "llama3.2", "--ctx", "4k")[0] == EXIT_OK
    assert "template" not in creates(threaded_emulator)[-1]
    assert shown_template(run, "plain") == base_template


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read it (no such file or directory)"),
    ("folder", "cannot read it (is a directory)"),
    ("fifo", "cannot read it (it is a FIFO)"),  # no writer: reading it would wait forever
    (b"{{ .Prompt }} caf\xe9\n", "not UTF-8 text (byte 18)"),
    (b"{{ .Prompt }}" * 30_000, "over 256 KiB, which no prompt template is"),
    (b" \n\n", "empty (leave --template out to keep the base's template)"),
], ids=["missing", "folder", "fifo", "not-utf8", "huge", "blank"])
def test_a_template_file_that_cannot_be_used_creates_nothing(
        run, threaded_emulator: Emulator, tmp_path: Path, content: bytes | str | None,
        message: str) -> None:
    file = tmp_path / "bad.tmpl"
    if content == "folder":
        file.mkdir()
    elif content == "fifo":
        os.mkfifo(file)
    elif isinstance(content, bytes):
        file.write_bytes(content)
    code, out, err = run("create", "v", "--from", "llama3.2", "--template", str(file),
                         "--json")
    assert code == EXIT_USAGE and err.count("\n") == 1 and "Traceback" not in err
    assert json.loads(out)["message"] == f"--template {file}: {message}"
    assert creates(threaded_emulator) == []
    code, out, _ = run("list", "--json")
    assert "v:latest" not in [m["name"] for m in json.loads(out)["models"]]
