"""The CLI through its real entry point, against an emulator on a loopback socket."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import respx

from tui.cli import parser as cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from tui.emulator.server import Emulator


@pytest.fixture
def run(threaded_emulator: Emulator, config_path: Path, capsys: pytest.CaptureFixture):
    """Run `qgoose-tui ARGS…` against the emulator; return (exit code, stdout, stderr)."""

    def runner(*args: str, host: str | None = None) -> tuple[int, str, str]:
        argv = ["--host", host or threaded_emulator.url, "--config", str(config_path), *args]
        code = cli.main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return runner


def test_list_json_has_the_seed_shape(run) -> None:
    code, out, err = run("list", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and err == ""
    assert set(data) == {"status", "models", "current_model", "ollama_available", "count"}
    assert data["status"] == "success" and data["ollama_available"] is True
    assert data["count"] == len(data["models"]) == 10
    model = data["models"][0]
    assert {"name", "size", "digest", "modified_at", "details", "is_current"} <= set(model)
    assert {"format", "family", "parameter_size", "quantization_level"} <= set(model["details"])
    # glm-4.6:cloud is the seed's default current model, and the demo has it installed.
    assert [m["name"] for m in data["models"] if m["is_current"]] == ["glm-4.6:cloud"]


def test_list_as_a_table(run) -> None:
    code, out, _ = run("list")
    lines = out.splitlines()
    assert code == EXIT_OK
    assert lines[0].split() == ["NAME", "PARAMS", "QUANT", "FAMILY", "SIZE", "MODIFIED"]
    llama = next(line for line in lines if "llama3.2:latest" in line)
    assert "2.0 GB" in llama and "3 days ago" in llama and "Q4_K_M" in llama
    assert next(line for line in lines if "glm-4.6:cloud" in line).startswith("*")


def test_unreachable_ollama(run, threaded_emulator: Emulator) -> None:
    dead = "http://127.0.0.1:9"  # the discard port: nothing listens there
    code, out, err = run("list", "--json", host=dead)
    data = json.loads(out)
    assert code == EXIT_UNREACHABLE
    assert data["ollama_available"] is False and data["status"] == "error"
    assert data["models"] == [] and data["count"] == 0
    assert err.strip() == f"qgoose-tui: error: cannot reach Ollama at {dead}: connection refused"
    assert len(err.strip().splitlines()) == 1
    code, out, err = run("status", host=dead)
    assert code == EXIT_UNREACHABLE and out == "" and "cannot reach Ollama" in err
    code, out, err = run("pull", "llama3.2", host=dead)  # exited 1 once, unlike the others
    assert code == EXIT_UNREACHABLE and "cannot reach Ollama" in err


def test_info(run) -> None:
    code, out, _ = run("info", "llava:7b", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["status"] == "success" and data["model"] == "llava:7b"
    assert {"model", "details", "template", "license"} <= set(data["info"])
    code, out, _ = run("info", "llava:7b")
    assert "Context       32,768" in out and "License" in out
    code, out, err = run("info", "nosuch")
    assert code == EXIT_ERROR and "model 'nosuch:latest' not found" in err


def test_status(run, threaded_emulator: Emulator) -> None:
    code, out, _ = run("status", "--json")
    data = json.loads(out)
    assert code == EXIT_OK
    assert data["host"] == threaded_emulator.url and data["version"] == "0.12.10"
    assert data["ollama_available"] is True and data["count"] == 10
    assert data["current_model"] == "glm-4.6:cloud"
    assert [r["name"] for r in data["running"]] == ["llama3.2:latest"]
    code, out, _ = run("status")
    assert "0.12.10 (online)" in out and "10 installed" in out


def test_use_only_installed_models_and_persists(run, config_path: Path) -> None:
    code, out, _ = run("use", "QWEN2.5:7b", "--json")
    assert code == EXIT_OK
    assert json.loads(out) == {"status": "success", "model": "qwen2.5:7b",
                               "message": "Model set to qwen2.5:7b"}
    assert tomllib.loads(config_path.read_text())["current_model"] == "qwen2.5:7b"
    code, out, err = run("use", "llama3.1:8b")
    assert code == EXIT_ERROR and "llama3.1:8b is not installed" in err
    assert tomllib.loads(config_path.read_text())["current_model"] == "qwen2.5:7b"
    code, _, err = run("use", "bad name")
    assert code == EXIT_USAGE and "invalid model name 'bad name'" in err
    code, out, _ = run("list", "--json")
    assert json.loads(out)["current_model"] == "qwen2.5:7b"


def test_use_when_ollama_is_down_changes_nothing(run, config_path: Path) -> None:
    code, _, err = run("use", "qwen2.5:7b", host="http://127.0.0.1:9")
    assert code == EXIT_UNREACHABLE and not config_path.exists()


def test_pull_json_stream_and_final(run) -> None:
    code, out, _ = run("pull", "smollm2:135m", "--json", "--stream")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK
    assert lines[0] == {"status": "pulling manifest"} and lines[-1] == {"status": "success"}
    code, out, _ = run("pull", "smollm2:135m", "--json")
    assert json.loads(out) == {"status": "success", "model": "smollm2:135m",
                               "message": "Pulled smollm2:135m"}


def test_pull_errors(run, threaded_emulator: Emulator) -> None:
    code, out, err = run("pull", "nosuch:1b", "--json")
    assert code == EXIT_ERROR and json.loads(out)["status"] == "error"
    assert "nosuch:1b is not in the registry" in err
    code, _, err = run("pull", "a//b")
    assert code == EXIT_USAGE and "namespace part is empty" in err
    assert not [r for r in threaded_emulator.requests if r.body == {"model": "a//b"}]


def test_pull_cut_midway_says_it_can_resume(run, threaded_emulator: Emulator) -> None:
    threaded_emulator.pull_rate = 100e6
    threaded_emulator.faults.cut_after_events = 10
    code, _, err = run("pull", "llama3.1:8b")
    assert code == EXIT_ERROR
    assert "connection to Ollama" in err and "kept; run again to resume" in err


def test_pull_on_a_terminal_draws_a_progress_bar(run, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_is_tty", lambda stream: True)
    code, out, _ = run("pull", "smollm2:135m")
    assert code == EXIT_OK
    assert "\r" in out and "[########################] 100%" in out
    assert out.rstrip().endswith("Pulled smollm2:135m")


def test_rm_asks_on_a_terminal(run, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_is_tty", lambda stream: True)
    answers = iter(["n\n", "y\n", "n\n"])
    monkeypatch.setattr(cli, "_line_typed", lambda: next(answers))  # what the user types
    code, out, err = run("rm", "mistral")
    assert code == EXIT_OK and err == "Delete mistral:latest (4.1 GB)? [y/N] "
    assert "mistral:latest" in run("list")[1]
    code, out, _ = run("rm", "mistral")
    assert code == EXIT_OK and "Model mistral:latest deleted successfully" in out
    assert "mistral:latest" not in run("list")[1]
    # A copy shares every blob with its source: the question says it frees nothing.
    run("cp", "llama3.2", "my-llama")
    _, _, err = run("rm", "my-llama")
    assert err == ("Delete my-llama:latest (2.0 GB, shared with llama3.2:latest: "
                   "frees nothing)? [y/N] ")


def test_rm_with_yes_and_json(run, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_is_tty", lambda stream: True)
    monkeypatch.setattr(cli, "_line_typed", lambda: pytest.fail("--yes must not ask"))
    size = next(m["size"] for m in json.loads(run("list", "--json")[1])["models"]
                if m["name"] == "phi4:14b")
    code, out, _ = run("rm", "--yes", "--json", "phi4:14b")
    assert code == EXIT_OK
    assert json.loads(out) == {"status": "success", "model": "phi4:14b",
                               "message": "Model phi4:14b deleted successfully",
                               "freed_bytes": size, "freed_is_approximate": False}


def test_rm_reports_what_it_really_freed(run) -> None:
    run("cp", "llama3.2", "my-llama")
    # Deleting the copy frees nothing: its source keeps every blob.
    data = json.loads(run("rm", "-y", "--json", "my-llama")[1])
    assert data["freed_bytes"] == 0
    # Deleting both tags of one model frees it once, not twice.
    run("cp", "mistral", "mistral:backup")
    code, out, _ = run("rm", "-y", "mistral", "mistral:backup")
    assert code == EXIT_OK and "Freed 4.1 GB of disk" in out
    run("cp", "gemma3:4b", "gemma-copy")
    data = json.loads(run("rm", "-y", "--json", "gemma3:4b")[1])
    assert data["freed_bytes"] == 0  # gemma-copy keeps the blobs


def test_rm_several_with_one_missing(run) -> None:
    code, out, err = run("rm", "-y", "--json", "gemma3:4b", "nosuch")
    data = json.loads(out)
    assert code == EXIT_ERROR and data["status"] == "error"
    assert [r["status"] for r in data["results"]] == ["success", "error"]
    assert "nosuch:latest is not installed" in err


def test_cp_and_ps(run) -> None:
    code, out, _ = run("cp", "llama3.2", "llama3-backup", "--json")
    assert code == EXIT_OK and json.loads(out)["model"] == "llama3-backup:latest"
    assert "llama3-backup:latest" in run("list")[1]
    code, out, _ = run("cp", "nosuch", "x")
    assert code == EXIT_ERROR
    code, out, _ = run("ps")
    assert "llama3.2:latest" in out and "100% GPU" in out
    code, out, _ = run("ps", "--json")
    assert json.loads(out)["count"] == 1


def test_server_text_is_never_a_terminal_escape(run, threaded_emulator: Emulator) -> None:
    code, _, _ = run("cp", "llama3.2", "evil")
    entry = next(e for e in threaded_emulator.store.installed.values() if e.name == "evil:latest")
    entry.name = "evil\x1b[2J:latest"
    code, out, _ = run("list")
    assert "\x1b" not in out and "evil\\x1b[2J:latest" in out


def test_a_corrupt_config_file_warns_and_carries_on(run, config_path: Path) -> None:
    config_path.parent.mkdir(parents=True)
    config_path.write_text("current_model = = 1\n")
    code, out, err = run("list", "--json")
    assert code == EXIT_OK
    assert f"warning: config file {config_path} is not valid TOML" in err and "line 1" in err
    assert config_path.read_text() == "current_model = = 1\n"  # untouched


def _real_entry_point(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})})


def test_the_real_entry_point_with_ollama_host(threaded_emulator: Emulator,
                                               tmp_path: Path) -> None:
    hostport = threaded_emulator.url.removeprefix("http://")
    result = _real_entry_point("list", "--json", "--config", str(tmp_path / "c.toml"),
                               env={"OLLAMA_HOST": hostport})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["count"] == 10


def test_demo_mode_needs_no_ollama(tmp_path: Path) -> None:
    result = _real_entry_point("--demo", "status", "--json", "--config", str(tmp_path / "c.toml"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ollama_available"] is True and data["host"].startswith("http://127.0.0.1:")


def test_usage_errors_exit_2() -> None:
    result = _real_entry_point("frobnicate")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_the_emulator_command_serves_with_faults(tmp_path: Path) -> None:
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "tui", "emulator", "--port", str(port),
                               "--models", "20", "--fail", "500"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert f"listening on http://127.0.0.1:{port}" in server.stdout.readline()
        deadline = time.monotonic() + 10
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/tags")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.status_code == 500 and response.json() == {"error": "emulated server error"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_never_writes_the_users_config(tmp_path, capsys) -> None:
    # Trying the demo once overwrote the user's real current model with a demo one.
    config = tmp_path / "config.toml"
    config.write_text('current_model = "my-own:latest"\n')
    code = cli.main(["use", "qwen2.5:7b", "--demo", "--config", str(config), "--json"])
    assert code == EXIT_OK
    assert json.loads(capsys.readouterr().out)["message"] == \
        "Model set to qwen2.5:7b (demo: not saved)"
    assert config.read_text() == 'current_model = "my-own:latest"\n'


async def test_the_demo_app_saves_elsewhere_and_says_so(tmp_path) -> None:
    from tests.tui.helpers import models_view, screen_text, started
    from tui.services.config import load_settings
    from tui.ui.app import QGooseApp

    config = tmp_path / "config.toml"
    config.write_text('current_model = "my-own:latest"\n')
    app = QGooseApp(load_settings(config), demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        assert "not saved" in screen_text(app)
        models_view(app).grid.select_name("qwen2.5:7b")
        await pilot.press("u")
        assert app.settings.current_model == "qwen2.5:7b"
    assert config.read_text() == 'current_model = "my-own:latest"\n'
    assert app.settings.path != config


def test_no_password_in_the_settings_repr(tmp_path) -> None:
    from tui.services.config import load_settings

    settings = load_settings(tmp_path / "c.toml", env={"OLLAMA_HOST": "http://u:s3cret@gpu:1"})
    assert "s3cret" not in repr(settings) and settings.base_url.endswith("@gpu:1")


@pytest.mark.parametrize("host", ["999.1.1.1", "http://[::1", "http://u:S3CRET@999.1.1.1:1"])
def test_a_malformed_host_is_one_line_and_exit_2(host: str, tmp_path, capsys) -> None:
    code = cli.main(["--host", host, "list", "--json", "--config", str(tmp_path / "c.toml")])
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE
    assert json.loads(out)["ollama_available"] is False
    assert err.count("\n") == 1 and "invalid Ollama host" in err and "S3CRET" not in out + err


def test_ctrl_c_at_the_delete_question_stops_at_once(tmp_path) -> None:
    # A y/N prompt once swallowed Ctrl-C: the process sat in read() until Enter.
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys
    import time

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo", "--config", str(tmp_path / "c.toml"),
         "rm", "mistral"], stdin=follower, stdout=follower, stderr=follower,
        start_new_session=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        if select.select([leader], [], [], 0.5)[0]:
            seen += os.read(leader, 4096)
    assert b"[y/N]" in seen
    proc.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
    try:
        code = proc.wait(timeout=5)
    finally:
        proc.kill()
    while select.select([leader], [], [], 0.2)[0]:
        try:
            seen += os.read(leader, 4096)
        except OSError:
            break
    os.close(leader)
    assert code == 130 and b"nothing deleted" in seen


def test_nonsense_figures_and_nameless_entries(tmp_path, capsys) -> None:
    # A server (or proxy) sending absurd or mistyped figures: no 300-digit sizes, no
    # negative ones, no blank rows; the dropped entries are mentioned once on stderr.
    tags = {"models": [
        {"name": "huge:latest", "size": 1e300, "digest": "a" * 64},
        {"name": "negative:latest", "size": -5, "digest": "b" * 64},
        {"size": 3, "digest": "c" * 64},
        {"name": 5, "digest": "d" * 64},
        "junk",
    ]}
    ps = {"models": [{"name": "huge:latest", "size": 10, "size_vram": 11}, {"size": 1}]}
    host = "http://weird.test:11434"
    argv = ["--host", host, "--config", str(tmp_path / "c.toml")]
    with respx.mock(base_url=host) as api:
        api.get("/api/tags").respond(json=tags)
        api.get("/api/ps").respond(json=ps)
        api.get("/api/version").respond(json={"version": "0.12.10"})
        code = cli.main([*argv, "list"])
        out, err = capsys.readouterr()
        assert code == EXIT_OK
        rows = out.splitlines()[1:]
        assert [row.split()[0] for row in rows] == ["huge:latest", "negative:latest"]
        assert all(len(row) < 100 and " -5 B" not in row for row in rows)
        assert err == "qgoose-tui: note: left out 3 entries without a name from the model list\n"
        assert cli.main([*argv, "status"]) == EXIT_OK
        out, err = capsys.readouterr()
        assert "Loaded   huge:latest\n" in out and "2 installed, 0 B\n" in out
        assert "left out 1 entry without a name from the running-model list" in err
        assert cli.main([*argv, "ps"]) == EXIT_OK
        assert "100% GPU" in capsys.readouterr().out


def test_json_output_carries_no_raw_control_byte() -> None:
    from tui.cli.output import json_for_terminal

    # json.dumps leaves DEL and C1 controls raw; U+009B is CSI on many terminals.
    value = {"model": "evil\x9b2J\x7f名前\u2028"}
    line = json_for_terminal(value)
    assert "\x9b" not in line and "\x7f" not in line and len(line.splitlines()) == 1
    assert json.loads(line) == value


def test_list_with_the_filter_language(run, threaded_emulator: Emulator) -> None:
    code, out, _ = run("list", "--filter", "cap:vision size<5GB", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["count"] == 2
    assert sorted(m["name"] for m in data["models"]) == ["gemma3:4b", "llava:7b"]
    shows = [r for r in threaded_emulator.requests if r.path == "/api/show"]
    assert len(shows) == 9  # the old server lists no capabilities: asked once per local model
    code, out, _ = run("list", "--filter", "loaded")
    assert code == EXIT_OK and "llama3.2:latest" in out and "qwen" not in out
    code, out, err = run("list", "--filter", "size<<5 cap:tools", "--json")
    assert code == EXIT_USAGE and json.loads(out)["status"] == "error"
    assert "invalid filter: size<<5" in err


@pytest.mark.parametrize(("query", "hint"), [
    ("cap:visoin", "did you mean cap:vision?"), ("size<5", "did you mean size<5GB?"),
    ("params>7", "did you mean params>7b?"),
    ("name:", "invalid filter: name: needs a value, like name:coder")])
def test_a_misread_filter_term_is_a_usage_error_with_a_hint(run, query, hint) -> None:
    code, out, err = run("list", "--filter", query)
    assert code == EXIT_USAGE and out == "" and hint in err


def test_an_empty_filter_result_is_not_an_empty_server(run) -> None:
    code, out, _ = run("list", "--filter", "qwen2.5 llava")
    assert code == EXIT_OK
    assert out == "No model matches 'qwen2.5 llava' (10 models installed)\n"


def test_mv_renames_safely_and_the_current_model_follows(run, config_path) -> None:
    run("use", "mistral")
    code, out, _ = run("mv", "mistral", "goose:7b", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["model"] == "goose:7b"
    assert data["current_model"] == "goose:7b" and 'current_model = "goose:7b"' in \
        config_path.read_text()
    listed = [m["name"] for m in json.loads(run("list", "--json")[1])["models"]]
    assert "goose:7b" in listed and "mistral:latest" not in listed
    code, _, err = run("mv", "goose:7b", "qwen3:8b")
    assert code == EXIT_ERROR and "qwen3:8b exists: Ollama would overwrite it" in err


@pytest.mark.parametrize("as_json", [True, False])
def test_stats_says_when_the_history_cannot_be_read(run, as_json: bool) -> None:
    # It said "never" for every model, with "status": "success".
    from tui.services.history import default_history_path

    default_history_path().mkdir(parents=True)  # a folder where the file should be
    code, out, err = run("stats", *(["--json"] if as_json else []))
    assert code == EXIT_ERROR and err.count("\n") == 1
    assert "qgoose-tui: error: the history file" in err and "cannot be read" in err
    if as_json:
        data = json.loads(out)
        assert data["status"] == "error" and data["history_available"] is False
        assert len(data["models"]) == 10 and "cannot be read" in data["message"]
        assert all(m["last_used"] is None and m["times_loaded"] is None
                   for m in data["models"])
    else:
        assert "never" not in out


def test_stats_records_what_the_cli_does(run) -> None:
    run("ps")  # llama3.2 is loaded in the demo set
    run("use", "qwen3:8b")
    run("use", "qwen3:8b")
    run("load", "mistral")
    data = json.loads(run("stats", "--json")[1])
    assert data["status"] == "success" and data["history_available"] is True
    by_name = {m["name"]: m for m in data["models"]}
    assert by_name["qwen3:8b"]["times_current"] == 2
    assert by_name["llama3.2:latest"]["times_loaded"] == 1
    assert by_name["mistral:latest"]["times_loaded"] == 1
    assert by_name["phi4:14b"]["last_used"] is None
    assert data["models"][-1]["last_used"] is None  # never used: last
    code, out, _ = run("stats")
    assert code == EXIT_OK and "never" in out and "just now" in out
    # The filter finds models unused for a while (never used: counted from their arrival).
    unused = json.loads(run("list", "--filter", "unused>30d", "--json")[1])["models"]
    assert "mistral:latest" not in [m["name"] for m in unused]
    assert "phi4:14b" in [m["name"] for m in unused]  # arrived 40 days ago, never used


def test_cp_never_replaces_a_different_model_unasked(run) -> None:
    before = {m["name"]: m["digest"] for m in json.loads(run("list", "--json")[1])["models"]}
    code, out, err = run("cp", "llama3.2", "mistral")
    assert code == EXIT_ERROR and out == ""
    assert err == ("qgoose-tui: error: mistral: mistral:latest exists: Ollama would overwrite "
                   "it (--force replaces it)\n")
    after = {m["name"]: m["digest"] for m in json.loads(run("list", "--json")[1])["models"]}
    assert after == before  # mistral is still mistral
    # The same wording as mv's refusal.
    assert run("mv", "llama3.2", "mistral")[2] == ("qgoose-tui: error: mistral: mistral:latest "
                                                  "exists: Ollama would overwrite it\n")
    code, out, _ = run("cp", "llama3.2", "mistral", "--force", "--json")
    assert code == EXIT_OK and json.loads(out)["model"] == "mistral:latest"
    after = {m["name"]: m["digest"] for m in json.loads(run("list", "--json")[1])["models"]}
    assert after["mistral:latest"] == before["llama3.2:latest"]


def test_cp_onto_a_copy_of_itself_needs_no_force(run) -> None:
    assert run("cp", "llama3.2", "backup")[0] == EXIT_OK
    code, out, err = run("cp", "llama3.2", "backup")
    assert code == EXIT_OK and "Copied llama3.2:latest to backup:latest" in out


def test_rm_yes_of_the_current_model_says_so(run, config_path: Path) -> None:
    run("use", "llama3.2")
    code, out, err = run("rm", "--yes", "llama3.2")
    assert code == EXIT_OK and "deleted successfully" in out
    assert "llama3.2:latest was the current model; it is no longer installed" in err
    code, out, err = run("rm", "--yes", "mistral")
    assert code == EXIT_OK and "current model" not in err
