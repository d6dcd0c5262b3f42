"""The fleet from scripts: hosts and the matrix over emulators with different models, one
closed port and one that never answers; pull and rm on chosen hosts; tokens never shown."""

import json
import socket
from pathlib import Path

import pytest

from tests.conftest import TEST_INTERVAL, TEST_PULL_RATE, ThreadedEmulator
from tui import cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from tui.emulator.demo_models import demo_catalog
from tui.emulator.names import parse_name
from tui.emulator.store import Store

TOKEN = "s3cret-token-value"
SETS = {
    "gpu1": {"llama3.2:latest": 3, "qwen2.5:7b": 12, "mistral:latest": 64},
    "gpu2": {"llama3.2:latest": 3, "gemma3:4b": 20},
    "gpu3": {"qwen2.5:7b": 12, "phi4:14b": 40},
    "gpu4": {"mistral:latest": 64, "gemma3:4b": 20},
}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    servers = {name: ThreadedEmulator(store=Store(demo_catalog(), models),
                                      pull_rate=TEST_PULL_RATE,
                                      progress_interval=TEST_INTERVAL,
                                      token=TOKEN if name == "gpu3" else "")
               for name, models in SETS.items()}
    stalled = ThreadedEmulator()
    stalled.emulator.faults.stall = True
    monkeypatch.setenv("GPU3_TOKEN", TOKEN)
    config = tmp_path / "config.toml"
    tables = [f'[hosts.{n}]\nurl = "{s.emulator.url}"\n' for n, s in servers.items()]
    tables[2] += 'token_env = "GPU3_TOKEN"\n'
    tables.append(f'[hosts.down]\nurl = "http://127.0.0.1:{closed_port()}"\n')
    tables.append(f'[hosts.stuck]\nurl = "{stalled.emulator.url}"\n')
    config.write_text("\n".join(tables))
    yield servers, config
    for server in [*servers.values(), stalled]:
        server.close()


@pytest.fixture
def run(fleet, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    _, config = fleet
    # The stuck host's limit, short for speed.
    monkeypatch.setattr("tui.services.fleet.HOST_DEADLINE", 1.5)
    outputs = []

    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        outputs.append(out + err)
        return code, out, err

    yield runner
    assert not any(TOKEN in text for text in outputs)  # the token is never printed


def test_the_matrix_marks_dead_hosts_and_keeps_the_rest(run) -> None:
    code, out, _ = run("fleet", "--json")
    data = json.loads(out)
    assert code == EXIT_ERROR
    hosts = {h["name"]: h for h in data["hosts"]}
    assert [n for n, h in hosts.items() if h["online"]] == ["gpu1", "gpu2", "gpu3", "gpu4"]
    assert "connection refused" in hosts["down"]["error"]
    assert "did not answer within" in hosts["stuck"]["error"]
    assert hosts["gpu2"]["count"] == 2 and hosts["gpu1"]["disk_bytes"] > 0
    rows = {m["name"]: m["hosts"] for m in data["models"]}
    assert set(rows["llama3.2:latest"]) == {"gpu1", "gpu2", "gpu3", "gpu4"}
    assert rows["llama3.2:latest"]["gpu3"] is None and rows["llama3.2:latest"]["gpu1"]
    assert rows["phi4:14b"] == {"gpu1": None, "gpu2": None, "gpu3": rows["phi4:14b"]["gpu3"],
                                "gpu4": None}
    code, out, _ = run("fleet", "--filter", "qwen")
    assert "qwen2.5:7b" in out and "llama3.2" not in out and "down: offline" in out


def test_the_fleet_filter_answers_capabilities_and_loaded(run, fleet) -> None:
    servers, _ = fleet
    servers["gpu4"].emulator.store.load(parse_name("mistral"), 600)
    # No host lists capabilities in /api/tags (Ollama 0.12): their details are asked.
    code, out, _ = run("fleet", "--filter", "cap:vision", "--json")
    assert [m["name"] for m in json.loads(out)["models"]] == ["gemma3:4b"]
    code, out, _ = run("fleet", "--filter", "loaded", "--json")
    assert [m["name"] for m in json.loads(out)["models"]] == ["mistral:latest"]
    asked = sum(len(s.emulator.requests) for s in servers.values())
    code, _, err = run("fleet", "--filter", "outdated", "--json")
    assert code == EXIT_USAGE and "outdated is asked per host" in err
    # Said at once: no host asked, so no wait for the one that never answers.
    assert sum(len(s.emulator.requests) for s in servers.values()) == asked


@pytest.mark.parametrize(("days_ago", "stale", "newest"), [
    (400, ["gpu2"], ["gpu1", "gpu3"]),  # gpu2 has an older version
    (0, ["gpu1", "gpu3"], ["gpu2"]),  # gpu2's copy is the newest: the two others are stale
])
def test_the_copies_older_than_the_newest_are_marked(run, fleet, days_ago: int,
                                                     stale: list[str],
                                                     newest: list[str]) -> None:
    from datetime import UTC, datetime, timedelta

    servers, _ = fleet
    store = servers["gpu2"].emulator.store
    store.install(store.find_catalog(parse_name("llama3.2:1b")), "qwen2.5:7b",
                  datetime.now(UTC) - timedelta(days=days_ago))
    data = json.loads(run("fleet", "--json")[1])
    row = next(m for m in data["models"] if m["name"] == "qwen2.5:7b")
    assert (row["stale_on"], row["newest_on"], row["newest_by"]) == (stale, newest, "modified")
    table = run("fleet")[1]
    line = next(line.split() for line in table.splitlines() if line.startswith("qwen2.5:7b"))
    assert line[1:4] == ["≠" if h in stale else "✓" for h in ("gpu1", "gpu2", "gpu3")]
    assert "≠ an older version than another host's" in table


def test_hosts_lists_each_with_its_state(run) -> None:
    code, out, _ = run("hosts")
    assert code == EXIT_ERROR
    assert "gpu3" in out and "online" in out and "offline" in out


def test_pull_onto_two_hosts_at_once(run, fleet) -> None:
    servers, _ = fleet
    code, out, _ = run("pull", "smollm2:135m", "--on", "gpu1,gpu2", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and set(data["results"]) == {"gpu1", "gpu2"}
    for name in ("gpu1", "gpu2"):
        assert [r.body["model"] for r in servers[name].emulator.pull_requests()] == \
            ["smollm2:135m"]
    assert servers["gpu3"].emulator.pull_requests() == []
    code, _, err = run("pull", "smollm2:135m", "--on", "gpu1,down")
    assert code == EXIT_ERROR and "down: " in err and "connection refused" in err


def test_rm_from_chosen_hosts(run, fleet) -> None:
    code, out, _ = run("rm", "llama3.2", "--on", "gpu1,gpu2", "--yes", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["results"]["gpu1"]["freed_bytes"] > 0
    listed = json.loads(run("fleet", "--json")[1])
    assert "llama3.2:latest" not in [m["name"] for m in listed["models"]]
    code, _, err = run("rm", "mistral", "--on", "gpu2", "--yes")
    assert code == EXIT_ERROR and "not there" in err
    code, _, err = run("rm", "mistral", "--on", "nosuch")
    assert code == EXIT_USAGE and "unknown host nosuch" in err


def test_a_token_is_required_and_sent(run, fleet, monkeypatch) -> None:
    servers, _ = fleet
    data = json.loads(run("hosts", "--json")[1])
    assert next(h for h in data["hosts"] if h["name"] == "gpu3")["online"]
    monkeypatch.delenv("GPU3_TOKEN")
    code, out, err = run("--host", "gpu3", "list", "--json")
    assert code == EXIT_ERROR and "wants a token" in err
    assert "GPU3_TOKEN is not set" in err
