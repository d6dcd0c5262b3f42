"""`qgoose-tui serve` and `qgoose-tui current` through the real entry point."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Start
from tui.cli import parser as cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from tui.emulator.server import Emulator

TOKEN = "serve-cli-token-0123456789"


@pytest.fixture
def run(threaded_emulator: Emulator, config_path: Path, capsys: pytest.CaptureFixture):
    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--host", threaded_emulator.url, "--config", str(config_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


class Served:
    """`qgoose-tui … serve --port 0 --json` in its own process; its first line says where."""

    def __init__(self, args: list[str], serve_args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui", *args, "serve", "--port", "0", "--json",
             *serve_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})})
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read() if self.process.stderr else ""
        self.banner = json.loads(line)
        self.url = self.banner["url"]

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        self.process.send_signal(sig)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err


@pytest.fixture
def serve(threaded_emulator: Emulator, config_path: Path) -> Iterator[type[Served]]:
    started: list[Served] = []

    class Started(Served):
        def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
            super().__init__(["--host", threaded_emulator.url, "--config", str(config_path)],
                             args, env)
            started.append(self)

    yield Started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def test_serve_answers_the_seeds_curl_and_stops_cleanly_on_ctrl_c(serve) -> None:
    server = serve()
    assert server.banner["status"] == "serving" and server.url.startswith("http://127.0.0.1:")
    assert server.banner["token_required"] is False
    data = httpx.get(server.url + "quantum-goose-app/api/models/").json()
    assert data["status"] == "success" and data["count"] == 10
    code, out, err = server.stop(signal.SIGINT)
    assert (code, err) == (EXIT_OK, "")


def test_the_start_says_who_can_reach_it_and_the_token_is_wanted(
        threaded_emulator: Emulator, config_path: Path) -> None:
    """The words a person reads at the start (no --json), then the token at work."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--host", threaded_emulator.url, "--config",
         str(config_path), "serve", "--port", "0", "--token-env", "QG_TOKEN",
         "--allow-origin", "https://chat.example"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "QG_TOKEN": TOKEN})
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        url = lines[0].split(" at ", 1)[1].split()[0]
        assert httpx.get(url + "api/models/").status_code == 401
        answer = httpx.get(url + "api/models/", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert lines[0].startswith("Serving the model manager at http://127.0.0.1:")
    assert f"(Ollama at {threaded_emulator.url})" in lines[0]
    assert "api/openapi.json" in lines[1]
    assert "Every API request needs the token in $QG_TOKEN" in lines[2]
    assert "Pages of https://chat.example may call the API (CORS)" in lines[3]
    assert lines[4].strip() == "Ctrl-C stops it" and out.strip() == "Stopped."
    assert TOKEN not in "".join(lines) + out + err  # never printed
    assert process.returncode == EXIT_OK


def test_demo_serve_runs_against_the_demo(config_path: Path) -> None:
    server = Served(["--config", str(config_path), "--demo"])
    try:
        data = httpx.get(server.url + "api/models/").json()
        assert data["count"] == 10 and data["ollama_available"] is True
        set_ = httpx.post(server.url + "api/models/set/", json={"model": "llama3.2"}).json()
        assert set_["message"] == "Model set to llama3.2:latest (demo: not saved)"
        assert not config_path.exists()  # the user's config is never touched by the demo
    finally:
        assert server.stop()[0] == EXIT_OK


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--bind", "0.0.0.0"], {}, "serving on 0.0.0.0 would let anyone who reaches this "
                                "machine change its models: give --token-env NAME"),
    (["--bind", "192.0.2.1"], {}, "serving on 192.0.2.1 would let anyone"),
    (["--token-env", "QG_UNSET"], {}, "the environment variable QG_UNSET is not set or empty"),
    (["--token-env", "QG_SHORT"], {"QG_SHORT": "short"},
     "the token in QG_SHORT is 5 characters long; use at least 16"),
    (["--token-env", "not a name"], {}, "--token-env 'not a name' is not the name of an "
                                        "environment variable"),
    (["--allow-origin", "*"], {}, "--allow-origin '*' is not an origin like"),
    (["--allow-origin", "https://chat.example/path"], {},
     "--allow-origin 'https://chat.example/path' is not an origin like"),
    (["--port", "70000"], {}, "--port 70000 is not a port"),
])
def test_unsafe_or_wrong_flags_are_refused_before_anything_listens(
        run, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str],
        message: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("QG_UNSET", raising=False)
    code, out, err = run("serve", *args)
    assert code == EXIT_USAGE and out == ""
    assert err.startswith(f"qgoose-tui: error: {message}")
    assert len(err.strip().splitlines()) == 1


def test_a_port_in_use_is_one_line(run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run("serve", "--port", str(port))
    assert code == EXIT_ERROR
    assert err.startswith(f"qgoose-tui: error: cannot listen on 127.0.0.1 port {port}: ")
    assert len(err.strip().splitlines()) == 1


# -- current --------------------------------------------------------------------------------
def test_current_prints_the_model_use_and_the_api_set(run, config_path: Path) -> None:
    code, out, err = run("current")
    assert (code, out, err) == (EXIT_OK, "glm-4.6:cloud\n", "")  # the seed's default
    assert run("use", "qwen2.5:7b")[0] == EXIT_OK
    assert run("current")[1] == "qwen2.5:7b\n"
    code, out, _ = run("current", "--json")
    assert json.loads(out) == {"status": "success", "current_model": "qwen2.5:7b"}


async def test_current_follows_a_set_over_http_and_serve_follows_use(
        start_web: Start, config_path: Path) -> None:
    web = await start_web()
    argv = ["--host", web.emulator.url, "--config", str(config_path)]

    def current() -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.main([*argv, "current"]) == EXIT_OK
        return out.getvalue()

    assert (await web.post("/api/models/set/", {"model": "gemma3:4b"})).status_code == 200
    assert await asyncio.to_thread(current) == "gemma3:4b\n"
    with contextlib.redirect_stdout(io.StringIO()):
        assert await asyncio.to_thread(cli.main, [*argv, "use", "llava:7b"]) == EXIT_OK
    assert (await web.get("/api/models/status/")).json()["current_model"] == "llava:7b"


def test_current_when_none_is_set_fails_with_a_message(run, config_path: Path) -> None:
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text('current_model = ""\n')
    code, out, err = run("current")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == "qgoose-tui: error: no current model is set (qgoose-tui use NAME sets one)\n"
    code, out, _ = run("current", "--json")
    assert json.loads(out) == {"status": "error", "current_model": "",
                               "message": "no current model is set (qgoose-tui use NAME "
                                          "sets one)"}
    config_path.write_text('current_model = "not a name!"\n')
    code, out, err = run("current")
    assert code == EXIT_ERROR and out == ""
    assert "is not a model name" in err and str(config_path) in err
