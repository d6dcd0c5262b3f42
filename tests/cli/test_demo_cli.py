"""`--demo` is a sealed world: every command sees only the demo's three emulators, never the
user's hosts, tokens, model files, registry or settings; and nothing of it outlives the run
(its temporary folder goes, Ctrl-C included).

The user's world here is a capture server on 127.0.0.1 that records every request: the
demo must send it nothing."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pytest

from tests.capture_server import CaptureServer
from tui import cli
from tui.cli.commands import EXIT_OK, EXIT_USAGE
from tui.emulator.server import Emulator
from tui.emulator.store import Store

DEMO_HOSTS = ["emulator", "gpu-a", "gpu-b"]
TOKEN = "tok-SECRET-123"


@pytest.fixture
def user_world(tmp_path: Path, capture: CaptureServer,
               monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user whose only host is the capture server, with a token, a model store holding a
    model (also as $OLLAMA_MODELS and ~/.ollama/models), a registry, a GPU and a current
    model of their own; their history file is unreadable."""
    store = tmp_path / "user-models"
    Emulator(store=Store.small(["tiny-a:1m"]), models_dir=store)  # writes it in Ollama's layout
    home = tmp_path / "home"
    (home / ".ollama").mkdir(parents=True)
    (home / ".ollama" / "models").symlink_to(store)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OLLAMA_MODELS", str(store))
    monkeypatch.setenv("CAP_TOKEN", TOKEN)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "data" / "qgoose-tui" / "history.sqlite3").mkdir(parents=True)
    config = tmp_path / "config.toml"
    config.write_text(f'current_model = "my-own:latest"\nvram = "99GB"\n'
                      f'registry = "{capture.url}"\nhost = "cap"\n'
                      f'[hosts.cap]\nurl = "{capture.url}"\ntoken_env = "CAP_TOKEN"\n'
                      f'models_dir = "{store}"\n')
    return config


@pytest.fixture
def demo(user_world: Path, capsys: pytest.CaptureFixture):
    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--demo", "--config", str(user_world), *args])
        out, err = capsys.readouterr()
        assert TOKEN not in out + err
        return code, out, err

    return run


def test_the_demo_lists_only_its_own_hosts(demo, capture: CaptureServer) -> None:
    code, out, err = demo("hosts", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and [h["name"] for h in data["hosts"]] == DEMO_HOSTS
    assert all(h["online"] and h["url"].startswith("http://127.0.0.1:") for h in data["hosts"])
    assert capture.url not in out and "warning" not in err
    code, out, _ = demo("fleet", "--json")
    assert code == EXIT_OK and [h["name"] for h in json.loads(out)["hosts"]] == DEMO_HOSTS
    code, out, _ = demo("status", "--json")
    status = json.loads(out)
    assert code == EXIT_OK and status["host"] != capture.url
    assert status["current_model"] == "glm-4.6:cloud"  # the demo's, not "my-own:latest"
    assert demo("outdated", "--json")[0] == EXIT_OK  # the demo's registry, not the user's
    code, out, err = demo("stats", "--json")  # the demo's history, not the user's file
    assert code == EXIT_OK and json.loads(out)["history_available"] is True, err
    assert capture.requests == []


def test_the_demo_pulls_and_deletes_only_on_its_own_hosts(demo, capture: CaptureServer) -> None:
    code, _, err = demo("rm", "llama3.2", "--on", "cap", "--yes")
    assert code == EXIT_USAGE and "unknown host cap" in err
    assert "emulator, gpu-a, gpu-b" in err
    code, out, _ = demo("pull", "llama3.2", "--on", "all", "--json")
    assert code == EXIT_OK and list(json.loads(out)["results"]) == DEMO_HOSTS
    code, out, _ = demo("rm", "gemma3:4b", "--on", "all", "--yes", "--json")
    results = json.loads(out)["results"]
    assert sorted(results) == DEMO_HOSTS and results["gpu-b"]["status"] == "success"
    assert capture.requests == []


def test_the_demo_never_reads_or_sends_the_users_models(demo, capture: CaptureServer,
                                                        tmp_path: Path) -> None:
    bundle = tmp_path / "out.tar"
    # The user's current host has a models_dir: the demo's current host is not that host.
    code, _, err = demo("export", "tiny-a:1m", str(bundle))
    assert code != EXIT_OK and not bundle.exists()
    # Nor is the demo's emulator, on this machine, Ollama: ~/.ollama is not its store.
    code, _, err = demo("export", "tiny-a:1m", str(bundle), "--from", "emulator")
    assert code != EXIT_OK and not bundle.exists() and "home" not in err
    code, _, err = demo("export", "tiny-a:1m", str(bundle), "--from", "cap")
    assert code == EXIT_USAGE and "unknown host cap" in err
    code, _, err = demo("transfer", "tiny-a:1m", "--from", "cap", "--to", "cap")
    assert code == EXIT_USAGE and "unknown host cap" in err
    code, _, err = demo("transfer", "tiny-a:1m", "--from", "emulator", "--to", "gpu-a")
    assert code == EXIT_USAGE and not bundle.exists()
    # Said as what it is, not as a temporary path the user never chose.
    assert "the demo's hosts keep their models in memory" in err and "tmp" not in err
    assert capture.requests == []


def test_the_demo_imports_onto_its_own_hosts_only(demo, capture: CaptureServer,
                                                  user_world: Path, capsys,
                                                  tmp_path: Path) -> None:
    bundle = tmp_path / "tiny.tar"
    assert cli.main(["--config", str(user_world), "export", "tiny-a:1m", str(bundle)]) == 0
    capsys.readouterr()
    code, _, err = demo("import", str(bundle), "--to", "cap")
    assert code == EXIT_USAGE and "unknown host cap" in err
    code, out, _ = demo("import", str(bundle), "--to", "gpu-a", "--json")
    assert code == EXIT_OK and json.loads(out)["to"] == "gpu-a"
    assert capture.requests == []


# -- --demo and --host ------------------------------------------------------------------

DEMO_WITH_HOST = ("qgoose-tui: error: --demo runs its own built-in Ollama emulator and cannot "
                  "use --host: drop --host to try the demo, or drop --demo to use that host\n")


@pytest.mark.parametrize("where", [["--demo", "--host", "HOST", "list"],
                                   ["--demo", "list", "--host", "HOST", "--json"],
                                   ["--host", "HOST", "--demo", "serve", "--port", "0"]])
def test_the_demo_refuses_a_host_flag_instead_of_ignoring_it(
        where: list[str], temp_dir: Path, tmp_path: Path, capture: CaptureServer,
        capsys) -> None:
    argv = [capture.url if arg == "HOST" else arg for arg in where]
    code = cli.main(["--config", str(tmp_path / "c.toml"), *argv])
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE and err == DEMO_WITH_HOST
    if "--json" in argv:
        assert json.loads(out)["status"] == "error"
    else:
        assert out == ""
    assert demo_folders(temp_dir) == [] and capture.requests == []  # nothing was started


def test_the_demo_app_refuses_a_host_flag_with_the_same_line(tmp_path: Path,
                                                             capture: CaptureServer) -> None:
    result = subprocess.run([sys.executable, "-m", "tui", "--demo", "--config",
                             str(tmp_path / "c.toml"), "--host", capture.url],
                            capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == EXIT_USAGE and result.stderr == DEMO_WITH_HOST
    assert result.stdout == "" and capture.requests == []


def test_the_demo_runs_with_ollama_host_set(tmp_path: Path, capture: CaptureServer,
                                            monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("OLLAMA_HOST", capture.url)
    monkeypatch.setenv("OLLAMA_BASE_URL", capture.url)
    code = cli.main(["--demo", "--config", str(tmp_path / "c.toml"), "list", "--json"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK and json.loads(out)["count"] > 0, err
    assert capture.requests == []


# -- nothing of the demo outlives it ------------------------------------------------------

def demo_folders(where: Path) -> list[Path]:
    return list(where.glob("qgoose-tui-demo-*"))


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary directory of this process and of the programs it starts."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setenv("TMPDIR", str(where))
    monkeypatch.setattr(tempfile, "tempdir", str(where))  # gettempdir() caches it
    return where


def test_a_demo_command_leaves_no_folder(temp_dir: Path, tmp_path: Path, capsys) -> None:
    config = str(tmp_path / "c.toml")
    assert cli.main(["--demo", "--config", config, "use", "qwen2.5:7b"]) == EXIT_OK
    assert cli.main(["--demo", "--config", config, "info", "nosuch"]) != EXIT_OK
    assert demo_folders(temp_dir) == []
    result = subprocess.run([sys.executable, "-m", "tui", "--demo", "--config", config,
                             "status"], capture_output=True, text=True, timeout=60)
    assert result.returncode == EXIT_OK, result.stderr
    assert demo_folders(temp_dir) == []


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])  # Ctrl-C, or `kill`
def test_a_demo_command_stopped_by_a_signal_leaves_no_folder(stop: str, temp_dir: Path,
                                                             tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "tui", "--demo", "--config",
                             str(tmp_path / "c.toml"), "pull", "llama3.1:8b"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline()  # the pull has begun
        assert len(demo_folders(temp_dir)) == 1  # the folder exists while the demo runs
        proc.send_signal(getattr(signal, stop))
        assert proc.wait(timeout=15) == 130
    finally:
        proc.kill()
    assert demo_folders(temp_dir) == []


@pytest.mark.parametrize("stop", ["q", "SIGINT", "SIGHUP"])  # SIGHUP: its terminal closed
def test_the_demo_app_leaves_no_folder(stop: str, temp_dir: Path, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "tui", "--demo", "--config",
                             str(tmp_path / "c.toml")], stdin=follower, stdout=follower,
                            stderr=follower, start_new_session=True,
                            env={**os.environ, "TERM": "xterm-256color"})
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while b"online" not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                seen += os.read(leader, 65536)
        assert b"online" in seen and len(demo_folders(temp_dir)) == 1
        if stop == "q":
            os.write(leader, b"q")
        else:
            proc.send_signal(getattr(signal, stop))
        proc.wait(timeout=15)
    finally:
        proc.kill()
        os.close(leader)
    assert demo_folders(temp_dir) == []


async def test_a_demo_app_made_directly_removes_its_folder(temp_dir: Path,
                                                          tmp_path: Path) -> None:
    from tests.tui.helpers import started
    from tui.services.config import Settings
    from tui.ui.app import QGooseApp

    app = QGooseApp(Settings(path=tmp_path / "c.toml"), demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        assert len(demo_folders(temp_dir)) == 1
        assert list(app.settings.hosts) == DEMO_HOSTS
    assert demo_folders(temp_dir) == []


async def test_the_demo_app_never_uses_the_users_hosts_or_files(
        tmp_path: Path, capture: CaptureServer) -> None:
    from tests.tui.helpers import notices, wait_until
    from tests.tui.test_hosts import fleet_ready
    from tui.services.config import load_settings
    from tui.ui.app import QGooseApp

    # A user host named like a demo host, whose model files are readable here.
    store = tmp_path / "user-models"
    Emulator(store=Store.small(["qwen3:8b"]), models_dir=store)
    config = tmp_path / "config.toml"
    config.write_text(f'vram = "99GB"\n[hosts.emulator]\nurl = "{capture.url}"\n'
                      f'token_env = "CAP_TOKEN"\nmodels_dir = "{store}"\n')
    app = QGooseApp(load_settings(config, env={"CAP_TOKEN": TOKEN}), demo=True)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        assert list(app.sessions) == DEMO_HOSTS and app.settings.vram == ""
        assert app.settings.hosts["emulator"].url != capture.url
        view = app.views["hosts"]
        view.matrix.move_cursor(row=next(i for i, r in enumerate(view._rows)
                                         if r.name == "qwen3:8b"))
        await pilot.press("t")  # copy it from a host whose files are readable: none is
        await wait_until(pilot, lambda: "model files readable here" in notices(app))
    assert capture.requests == []
