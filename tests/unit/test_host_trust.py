"""Which hosts are this machine, and what the user is told before a token goes to a host.
Pure functions: no address here is ever contacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.services.config import Settings
from tui.services.hosts_config import HostConfig, is_loopback

TOKEN = "tok-SECRET-123"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:11434", "http://127.5.6.7:1", "http://localhost:11434",
    "http://LOCALHOST:1", "http://[::1]:11434", "http://[::ffff:127.0.0.1]:11434",
    "https://127.0.0.1", "http://u:pw@127.0.0.1:1/prefix"])
def test_this_machine(url: str) -> None:
    assert is_loopback(url)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1.nip.io:11434",  # a name: DNS can point it anywhere
    "http://127.evil.example:1", "http://localhost.example:1", "http://gpu-b.example:11434",
    "http://10.0.0.1:1", "http://128.0.0.1:1", "http://[::2]:1", "http://[::ffff:10.0.0.1]:1",
    "not a url", ""])
def test_not_this_machine(url: str) -> None:
    assert not is_loopback(url)


def test_a_token_in_the_clear_is_warned_about_for_a_name_that_only_looks_local() -> None:
    env = {"T": TOKEN}
    for url in ("http://gpu-b.example:11434", "http://127.0.0.1.nip.io:11434"):
        warnings = HostConfig("far", url, token_env="T").warnings(env)
        assert len(warnings) == 1 and "the token travels in the clear" in warnings[0]
        assert TOKEN not in warnings[0]
    assert HostConfig("near", "http://127.0.0.1:11434", token_env="T").warnings(env) == []
    assert HostConfig("tls", "https://gpu-b.example", token_env="T").warnings(env) == []
    missing = HostConfig("near", "http://127.0.0.1:11434", token_env="T").warnings({})
    assert len(missing) == 1 and "T is not set" in missing[0]


def test_the_local_ollama_folder_is_only_for_this_machine(monkeypatch) -> None:
    monkeypatch.setenv("HOME", "/home/someone")
    local = str(Path("/home/someone/.ollama/models"))
    assert HostConfig("here", "http://localhost:11434").store_path({}) == local
    assert HostConfig("here", "http://[::1]:11434").store_path({}) == local
    assert HostConfig("there", "http://127.0.0.1.nip.io:11434").store_path({}) == ""
    assert HostConfig("set", "http://gpu.example:1", models_dir="/mnt/m").store_path({}) == \
        "/mnt/m"


def test_each_hosts_warnings_are_given_once(tmp_path: Path) -> None:
    b = HostConfig("b", "http://gpu-b.example:11434", token_env="B")
    d = HostConfig("d", "http://127.0.0.1:1", token_env="D")
    settings = Settings(path=tmp_path / "c.toml", hosts={"b": b, "d": d}, env={"B": TOKEN})
    first = settings.host_warnings([b, d, b])
    assert [w.split(":")[0] for w in first] == ["host b", "host d"]
    assert settings.host_warnings([d, b]) == []  # already said
    assert TOKEN not in "".join(first)


def test_the_current_hosts_warnings_come_with_the_settings(tmp_path: Path) -> None:
    from tui.services.config import load_settings

    path = tmp_path / "config.toml"
    path.write_text('host = "d"\n[hosts.d]\nurl = "http://127.0.0.1:1"\ntoken_env = "D"\n'
                    '[hosts.e]\nurl = "http://127.0.0.1:2"\ntoken_env = "E"\n')
    settings = load_settings(path, env={})
    assert sum("D is not set" in w for w in settings.warnings) == 1
    assert not any("E is not set" in w for w in settings.warnings)  # e: when it is used
    assert [w for w in settings.host_warnings(settings.fleet()) if "is not set" in w] == \
        ["host e: the environment variable E is not set, so requests go without a token"]
