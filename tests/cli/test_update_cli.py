"""`outdated` and `update` from a script: states as JSON, only outdated models pulled, the
digest afterwards the registry manifest's SHA-256, failures said per model."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_INTERVAL, TEST_PULL_RATE, TEST_REPLY_INTERVAL, ThreadedEmulator
from tui import cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from tui.core.format import human_size
from tui.emulator.server import Emulator
from tui.emulator.store import key_of
from tui.ollama.names import parse_name


@pytest.fixture
def run(threaded_emulator: Emulator, config_path: Path, capsys: pytest.CaptureFixture):
    # The emulator serves the registry side too; the config points update checks at it.
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(f'registry = "{threaded_emulator.url}"\n')
    threaded_emulator.store.make_outdated(2)

    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--host", threaded_emulator.url, "--config", str(config_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


def test_outdated_lists_every_state_and_exits_0(run) -> None:
    code, out, _ = run("outdated", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and sorted(data["outdated"]) == ["deepseek-r1:8b", "gemma3:4b"]
    states = {m["name"]: m["state"] for m in data["models"]}
    assert states["glm-4.6:cloud"] == "cloud" and states["mistral:latest"] == "up to date"
    assert data["counts"]["update available"] == 2
    gemma = next(m for m in data["models"] if m["name"] == "gemma3:4b")
    assert gemma["local_digest"] != gemma["registry_digest"] and gemma["new_size"] > 0
    code, out, _ = run("outdated")
    assert code == EXIT_OK and "2 update available" in out


def test_update_all_pulls_only_the_outdated(run, threaded_emulator: Emulator) -> None:
    code, out, _ = run("update", "--all", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["failed"] == []
    assert sorted(u["name"] for u in data["updated"]) == ["deepseek-r1:8b", "gemma3:4b"]
    assert all(u["changed"] and u["size_change_bytes"] == 21 for u in data["updated"])
    assert all(u["what_changed"] == ["template"] and 0 < u["download_size"] < 1000
               for u in data["updated"])
    pulled = [r.body["model"] for r in threaded_emulator.pull_requests()]
    assert sorted(pulled) == ["deepseek-r1:8b", "gemma3:4b"]  # never an up-to-date one
    # Afterwards the local digest is the SHA-256 of the registry's manifest.
    registry = threaded_emulator.store.catalog[key_of(parse_name("gemma3:4b"))]
    gemma = next(u for u in data["updated"] if u["name"] == "gemma3:4b")
    assert gemma["new_digest"] == registry.manifest_digest
    again = json.loads(run("outdated", "--json")[1])
    assert again["outdated"] == []


def test_update_of_named_models(run) -> None:
    code, out, _ = run("update", "gemma3:4b", "mistral")
    assert code == EXIT_OK
    assert "gemma3:4b updated:" in out and "(+21 B)" in out
    assert "mistral:latest: up to date" in out
    code, _, err = run("update", "nosuch")
    assert code == EXIT_ERROR and "nosuch:latest is not installed" in err
    code, _, err = run("update")
    assert code == EXIT_USAGE and "or give --all" in err


def test_an_unreachable_registry_changes_nothing(run, config_path: Path,
                                                 threaded_emulator: Emulator) -> None:
    config_path.write_text('registry = "http://127.0.0.1:9"\n')
    data = json.loads(run("outdated", "--json")[1])
    mistral = next(m for m in data["models"] if m["name"] == "mistral:latest")
    assert mistral["state"] == "unknown" and "connection refused" in mistral["reason"]
    code, out, _ = run("update", "--all", "--json")
    assert code == EXIT_OK and json.loads(out)["updated"] == []
    assert threaded_emulator.pull_requests() == []


def test_a_failed_update_is_said_and_exits_1(run, threaded_emulator: Emulator) -> None:
    threaded_emulator.faults.error_500 = "disk full"
    threaded_emulator.faults.paths = ("/api/pull",)
    code, out, err = run("update", "--all", "--json")
    data = json.loads(out)
    assert code == EXIT_ERROR and data["status"] == "error"
    assert {f["name"] for f in data["failed"]} == {"deepseek-r1:8b", "gemma3:4b"}
    assert "disk full" in err


def test_a_bad_registry_in_the_config_is_refused(run, config_path: Path) -> None:
    config_path.write_text('registry = "ftp://nope nope"\n')
    code, _, err = run("list", "--json")
    assert code == EXIT_OK and "'registry' must be a host[:port] or an http(s) URL" in err


def test_list_filters_outdated_models(run) -> None:
    data = json.loads(run("list", "--filter", "outdated", "--json")[1])
    assert sorted(m["name"] for m in data["models"]) == ["deepseek-r1:8b", "gemma3:4b"]
    data = json.loads(run("list", "--filter", "-outdated -cloud", "--json")[1])
    assert data["count"] == 7


# -- servers before 0.19 (Go's re-encoding of the manifest) and after (the raw bytes) ----
@pytest.fixture(params=["0.12", "0.33"])
def on_version(request: pytest.FixtureRequest, config_path: Path,
               capsys: pytest.CaptureFixture) -> Iterator[tuple[Emulator, Any]]:
    server = ThreadedEmulator(pull_rate=TEST_PULL_RATE, progress_interval=TEST_INTERVAL,
                              reply_interval=TEST_REPLY_INTERVAL, server_version=request.param)
    emulator = server.emulator
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(f'registry = "{emulator.url}"\n')

    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--host", emulator.url, "--config", str(config_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    yield emulator, runner
    server.close()


def smollm2(run: Any, command: str = "outdated") -> dict[str, Any]:
    data = json.loads(run(command, "--json")[1])
    return next(m for m in data["models"] if m["name"] == "smollm2:135m")


def pulled_from_an_indenting_registry(emulator: Emulator, run: Any) -> None:
    """smollm2 pulled while its registry serves the manifest indented (as `docker push`
    writes one): on 0.12 the digest listed is Go's re-encoding's, not the registry's."""
    served = emulator.store.publish("smollm2:135m", style="pretty")
    assert run("pull", "smollm2:135m", "--json")[0] == EXIT_OK
    listed = smollm2(run, "list")["digest"]
    old_server = emulator.server_version == "0.12"
    assert (listed != served.manifest_digest) is old_server


def test_right_after_a_pull_the_model_is_up_to_date_on_either_server(on_version) -> None:
    emulator, run = on_version
    pulled_from_an_indenting_registry(emulator, run)
    check = smollm2(run)
    assert check["state"] == "up to date" and check["registry_digest"] == check["local_digest"]
    assert ("(as Ollama before 0.19 stores it)" in check["reason"]) is \
        (emulator.server_version == "0.12")
    code, out, _ = run("outdated")
    assert code == EXIT_OK and "update available" not in out


def new_bytes(emulator: Emulator, kinds: tuple[str, ...]) -> int:
    """The bytes of the registry's newest smollm2 layers of these kinds, and its config."""
    newest = emulator.store.catalog[key_of(parse_name("smollm2:135m"))]
    return sum(layer.size for layer in newest.layers if layer.kind in (*kinds, "config"))


def test_a_template_only_update_is_small(on_version) -> None:
    emulator, run = on_version
    pulled_from_an_indenting_registry(emulator, run)
    emulator.store.publish("smollm2:135m", ("template",), style="pretty")
    check = smollm2(run)
    size = new_bytes(emulator, ("template",))
    assert check["state"] == "update available" and check["what_changed"] == ["template"]
    assert check["download_size"] == size < 1000
    code, out, _ = run("outdated")
    assert f"template changed, {size} B to download" in out
    # Updated (saying what it brings), it is current again, on either server.
    code, out, _ = run("update", "smollm2:135m")
    assert code == EXIT_OK
    assert f"Updating smollm2:135m (template changed, {size} B to download)" in out
    assert smollm2(run)["state"] == "up to date"


def test_new_weights_are_said_with_their_size(on_version) -> None:
    emulator, run = on_version
    pulled_from_an_indenting_registry(emulator, run)
    emulator.store.publish("smollm2:135m", ("weights",), style="pretty")
    check = smollm2(run)
    size = new_bytes(emulator, ("model",))
    assert check["what_changed"] == ["weights"] and check["download_size"] == size > 10**8
    assert f"new weights, {human_size(size)} to download" in run("outdated")[1]
