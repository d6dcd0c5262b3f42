"""Transfers as operations, over emulators on real sockets: the fleet's transfer_to (what the
Hosts view runs) sends through each target's session or writes into its models directory,
says each host's outcome and remembers a re-encoded copy; transfer, export and import as the
command line runs them."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import Store
from tui.ops import fleet as fleet_ops
from tui.ops import transfer as ops
from tui.services.fleet import Fleet, remembered_versions
from tui.services.history import History
from tui.services.hosts_config import HostConfig
from tui.services.session import HostSession
from tui.services.transfer import TargetExists, TransferError, TransferProgress


@dataclass
class Hosts:
    source: Emulator
    api: Emulator  # Ollama 0.33: it re-encodes weights created from uploaded files
    files: Emulator  # its models directory is writable here
    configs: dict[str, HostConfig]
    history: History
    tmp: Path


@pytest.fixture
async def hosts(tmp_path: Path) -> AsyncIterator[Hosts]:
    src_dir, files_dir = tmp_path / "src-models", tmp_path / "files-models"
    async with running_emulator(store=Store.small(["tiny-a:1m", "tiny-b:1m"]),
                                models_dir=src_dir) as source, \
            running_emulator(store=Store.small([]), server_version="0.33") as api, \
            running_emulator(store=Store.small([]), models_dir=files_dir) as files:
        configs = {"src": HostConfig("src", source.url, models_dir=str(src_dir)),
                   "api": HostConfig("api", api.url),
                   "files": HostConfig("files", files.url, models_dir=str(files_dir))}
        yield Hosts(source, api, files, configs, History(tmp_path / "history.db"), tmp_path)


@pytest.fixture
async def fleet(hosts: Hosts) -> AsyncIterator[Fleet]:
    group = Fleet({name: HostSession(c.base_url, label=name, history=hosts.history)
                   for name, c in hosts.configs.items()})
    yield group
    await group.aclose()


async def test_transfer_to_sends_or_writes_files_and_says_each_hosts_outcome(
        hosts: Hosts, fleet: Fleet) -> None:
    seen: dict[str, list[TransferProgress]] = {}
    done = await fleet_ops.transfer_to(
        fleet, "tiny-a:1m", hosts.configs["src"], ["api", "files"], hosts.configs, {},
        lambda host, progress: seen.setdefault(host, []).append(progress))
    data = done.to_json()
    assert data["status"] == "success"
    api, files = data["results"]["api"], data["results"]["files"]
    assert api["way"] == "api" and api["same_digest"] is False  # 0.33 re-encoded it
    assert files["way"] == "files" and files["same_digest"] is True
    assert seen["api"] and seen["files"]  # progress came from both
    # Each session lists the copy already (the matrix shows it without a refresh).
    for host in ("api", "files"):
        assert fleet.sessions[host].state.find("tiny-a:1m") is not None
    # The re-encoded copy is remembered as the same version: a second transfer sends nothing.
    same = remembered_versions(hosts.history)
    assert same.same(api["source_digest"], api["target_digest"])
    again = await fleet_ops.transfer_to(fleet, "tiny-a:1m", hosts.configs["src"], ["api"],
                                        hosts.configs, {})
    assert again.results["api"]["already_there"] is True


async def test_a_host_that_fails_is_said_and_the_others_go_on(hosts: Hosts,
                                                              fleet: Fleet) -> None:
    await hosts.api.stop()
    done = await fleet_ops.transfer_to(fleet, "tiny-b:1m", hosts.configs["src"],
                                       ["api", "files"], hosts.configs, {})
    assert done.results["api"]["status"] == "error" and done.results["api"]["message"]
    assert done.results["files"]["status"] == "success"
    assert done.to_json()["status"] == "error"


async def test_a_source_without_the_model_files_is_said_and_nothing_is_made(
        hosts: Hosts, fleet: Fleet) -> None:
    # "api" has no models_dir: on this machine, Ollama's own directory is guessed (empty).
    done = await fleet_ops.transfer_to(fleet, "tiny-a:1m", hosts.configs["api"], ["files"],
                                       hosts.configs, {"OLLAMA_MODELS": str(hosts.tmp / "no")})
    assert done.results["files"]["status"] == "error"
    assert "does not exist" in done.results["files"]["message"]
    assert fleet.sessions["files"].state.find("tiny-a:1m") is None


def test_export_refuses_a_model_the_store_lacks(hosts: Hosts) -> None:
    with pytest.raises(TransferError, match="nosuch"):
        ops.export(hosts.configs["src"], {}, "nosuch", str(hosts.tmp / "a.tar"))
    assert not (hosts.tmp / "a.tar").exists()


async def test_transfer_export_and_import_as_the_command_line_runs_them(hosts: Hosts) -> None:
    src, api = hosts.configs["src"], hosts.configs["api"]
    sent = await ops.transfer(hosts.history, {}, "tiny-a:1m", src, api)
    assert sent.to_json()["to"] == "api" and sent.progress.uploaded
    assert sent.message.startswith("tiny-a:1m is on api: sent ")
    exported = ops.export(src, {}, "tiny-b:1m", str(hosts.tmp / "b.tar"))
    assert exported.to_json()["bytes"] == exported.size > 0
    tar = hosts.tmp / "b.tar"
    with pytest.raises(TargetExists):  # another model under the name: only with replace
        await ops.import_bundle(hosts.history, {}, tar, api, as_name="tiny-a:1m")
    imported = await ops.import_bundle(hosts.history, {}, tar, api, as_name="tiny-b:copy")
    assert imported.model == "tiny-b:copy" and imported.to_json()["status"] == "success"
    session = HostSession(api.base_url)
    try:
        assert {"tiny-a:1m", "tiny-b:copy"} <= {m.name for m in await session.fetch_list()}
    finally:
        await session.aclose()
