"""The real program in a real terminal: tmux at 80x24, then through `ssh -t` to localhost.

Skipped, with the reason, where tmux or sshd is missing (.ci/run installs both).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One detached tmux session running a command at a fixed size, on a tmux server of its
    own (`-L`): nothing else on the machine can kill it or be killed by it."""

    def __init__(self, command: str, term: str, width: int = 80, height: int = 24) -> None:
        self.name = f"qgoose-test-{os.getpid()}-{time.monotonic_ns()}"
        self.tmux = ["tmux", "-L", self.name]
        env = {**os.environ, "TERM": term}
        subprocess.run([*self.tmux, "new-session", "-d", "-s", self.name, "-x", str(width),
                        "-y", str(height), command], check=True, env=env)

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        """Each key on its own, `pause` seconds apart. A key that moves the focus or opens a
        screen needs the app to have acted on it before the next key comes, as a person's
        next key does."""
        for key in keys:
            subprocess.run([*self.tmux, "send-keys", "-t", self.name, key], check=True)
            time.sleep(pause)

    def type(self, text: str) -> None:
        """Characters into the box that has the focus, at a fast typist's pace: still one
        key at a time, and the box takes them in order whatever the pace."""
        self.keys(*text, pause=0.05)

    def screen(self) -> str:
        result = subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name],
                                capture_output=True, text=True)
        return result.stdout

    def wait_for(self, check: Callable[[str], bool], timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"the screen never showed it; it shows:\n{self.screen()}")

    def running(self) -> bool:
        """Whether the command still runs (its session ends with it)."""
        return subprocess.run([*self.tmux, "has-session", "-t", self.name],
                              capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


def app_command(config: Path) -> str:
    return f"{shlex.quote(sys.executable)} -m tui --demo --config {shlex.quote(str(config))}"


def exercise(term: Tmux) -> None:
    """What a newcomer does: read, filter, move, use, pull."""
    # At 80 columns long names are cut ("llama3.2:late…"); the info panel has them whole.
    screen = term.wait_for(lambda s: "llama3.2:" in s and "online" in s)
    assert "DEMO" in screen and "Name" in screen and "q Quit" in screen
    assert len(screen.splitlines()) <= 24 and max(map(len, screen.splitlines())) <= 80
    term.keys("/")
    term.type("qwen")
    screen = term.wait_for(lambda s: "qwen2.5:7b" in s and "mistral" not in s)
    assert "deepseek-r1:8b" in screen  # family qwen3
    term.type("2")
    term.keys("Enter", "u")  # "qwen2": one match; Enter goes back to the grid
    # The star on its row (the status bar says it too, once the toast over it is gone).
    term.wait_for(lambda s: re.search(r"★\s+qwen2\.5:7b", s) is not None)
    term.keys("Escape", "Down")
    term.wait_for(lambda s: "mistral:latest" in s)
    term.keys("p")
    term.wait_for(lambda s: "Pull a model" in s)
    term.type("all-minilm:22m")  # one of the smallest models: 46 MB, under a second here
    term.keys("Enter")
    term.wait_for(lambda s: "all-minilm:22m" in s and ("downloading" in s or "done" in s))
    term.wait_for(lambda s: "✓ all-minilm:22m" in s or "done" in s, timeout=30)
    # q ends the app (over ssh too: a session left behind would outlive the test).
    term.keys("q")
    deadline = time.monotonic() + 10
    while term.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not term.running(), term.screen()


@pytest.fixture
def tmux_session(tmp_path: Path) -> Iterator[Callable[[str, str], Tmux]]:
    sessions: list[Tmux] = []

    def start(command: str, term: str) -> Tmux:
        session = Tmux(command, term)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


@needs_tmux
@pytest.mark.parametrize("term", ["xterm-256color", "screen"])
def test_in_tmux_at_80x24(tmux_session, tmp_path: Path, term: str) -> None:
    exercise(tmux_session(app_command(tmp_path / "config.toml"), term))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A throwaway sshd on a free loopback port that lets our own key in."""
    binary = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(binary).exists():
        pytest.skip("sshd is not installed (Debian's openssh-server)")
    if os.geteuid() != 0:
        pytest.skip("a private sshd needs root here")
    key, host_key = tmp_path / "id", tmp_path / "host_key"
    for path in (key, host_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                       check=True)
    authorized = tmp_path / "authorized_keys"
    authorized.write_text(Path(f"{key}.pub").read_text())
    authorized.chmod(0o600)
    Path("/run/sshd").mkdir(exist_ok=True)
    port = _free_port()
    config = tmp_path / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {host_key}",
        f"AuthorizedKeysFile {authorized}", "PermitRootLogin prohibit-password",
        "PasswordAuthentication no", "UsePAM no", "StrictModes no", f"PidFile {tmp_path}/pid",
    ]) + "\n")
    server = subprocess.Popen([binary, "-D", "-e", "-f", str(config)],
                              stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.skip(f"sshd could not start: {server.stderr.read().strip()[:200]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield port, key
    server.terminate()
    server.wait(timeout=5)


@needs_tmux
def test_through_ssh(tmux_session, sshd, tmp_path: Path) -> None:
    port, key = sshd
    command = app_command(tmp_path / "c.toml")
    remote = f"cd {shlex.quote(os.getcwd())} && TERM=xterm-256color {command}"
    ssh = (f"ssh -t -p {port} -i {key} -o StrictHostKeyChecking=no "
           f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@127.0.0.1 "
           f"{shlex.quote(remote)}")
    exercise(tmux_session(ssh, "xterm-256color"))
