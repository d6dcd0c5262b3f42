"""Transfers between two emulators (the source's store on disk, in Ollama's layout): the same
digest on both, blobs the target has are skipped, damaged bytes refused; export/import."""

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import ThreadedEmulator
from tui import cli
from tui.cli.commands import EXIT_OK, EXIT_USAGE
from tui.emulator.store import Store


@pytest.fixture
def pair(tmp_path: Path):
    store_dir = tmp_path / "gpu1-models"
    source = ThreadedEmulator(store=Store.small(["tiny-a:1m", "tiny-b:1m"]),
                              models_dir=store_dir)
    target = ThreadedEmulator(store=Store.small([]))
    config = tmp_path / "config.toml"
    config.write_text(f'[hosts.gpu1]\nurl = "{source.emulator.url}"\n'
                      f'models_dir = "{store_dir}"\n'
                      f'[hosts.gpu2]\nurl = "{target.emulator.url}"\n')
    yield source.emulator, target.emulator, config, store_dir
    source.close()
    target.close()


@pytest.fixture
def pair_033(tmp_path: Path):
    """A source, and a target from Ollama 0.30 on: it re-encodes weights created from files."""
    store_dir = tmp_path / "old-models"
    source = ThreadedEmulator(store=Store.small(["tiny-a:1m", "tiny-b:1m"]),
                              models_dir=store_dir)
    target = ThreadedEmulator(store=Store.small([]), server_version="0.33")
    config = tmp_path / "config.toml"
    config.write_text(f'[hosts.old]\nurl = "{source.emulator.url}"\n'
                      f'models_dir = "{store_dir}"\n'
                      f'[hosts.new]\nurl = "{target.emulator.url}"\n')
    yield source.emulator, target.emulator, config, store_dir
    source.close()
    target.close()


@pytest.fixture
def run(pair, capsys: pytest.CaptureFixture):
    config = pair[2]

    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


def digests(run, host: str) -> dict[str, str]:
    data = json.loads(run("--host", host, "list", "--json")[1])
    return {m["name"]: m["digest"] for m in data["models"]}


def test_a_transfer_ends_with_the_same_model_on_both(run, pair) -> None:
    _, target, _, _ = pair
    code, out, _ = run("transfer", "tiny-a:1m", "--from", "gpu1", "--to", "gpu2", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and len(data["uploaded"]) == 1 and data["skipped"] == []
    assert digests(run, "gpu2")["tiny-a:1m"] == digests(run, "gpu1")["tiny-a:1m"]
    # The weights went through /api/blobs, checked against their digest on arrival.
    assert [r.method for r in target.requests if r.path.startswith("/api/blobs/")] == \
        ["HEAD", "POST"]
    # Again: the target has this very model (the same digest), nothing is sent.
    code, out, _ = run("transfer", "tiny-a:1m", "--from", "gpu1", "--to", "gpu2")
    assert code == EXIT_OK and out.strip() == \
        "tiny-a:1m is already on gpu2 (the same digest): nothing was sent"
    assert len([r for r in target.requests if r.path.startswith("/api/blobs/")]) == 2


def test_blobs_the_target_has_are_not_sent_again(run, pair, tmp_path: Path) -> None:
    bundle = tmp_path / "a.tar"
    assert run("transfer", "tiny-a:1m", "--from", "gpu1", "--to", "gpu2")[0] == EXIT_OK
    assert run("export", "tiny-a:1m", str(bundle), "--from", "gpu1")[0] == EXIT_OK
    code, out, _ = run("import", str(bundle), "--to", "gpu2", "--name", "copy:1m", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["model"] == "copy:1m"
    assert data["uploaded"] == [] and len(data["skipped"]) == 1 and data["sent_bytes"] == 0


def test_a_damaged_source_blob_is_refused(run, pair) -> None:
    _, target, _, store_dir = pair
    manifest = json.loads((store_dir / "manifests/registry.ollama.ai/library/tiny-b/1m")
                          .read_bytes())
    weights = store_dir / "blobs" / manifest["layers"][0]["digest"].replace(":", "-")
    weights.write_bytes(b"x" * weights.stat().st_size)
    code, _, err = run("transfer", "tiny-b:1m", "--from", "gpu1", "--to", "gpu2")
    assert code != EXIT_OK and ("damaged" in err or "digest mismatch" in err)
    assert "tiny-b:1m" not in digests(run, "gpu2")


def test_a_source_that_cannot_be_read_says_so(run, pair, tmp_path: Path) -> None:
    from tui.services.hosts_config import HostConfig

    # Ollama on this machine: its own directory; a remote host needs models_dir.
    assert HostConfig("here", "127.0.0.1:11434").store_path({"OLLAMA_MODELS": "/m"}) == "/m"
    assert HostConfig("far", "http://gpu9.example:11434").store_path({}) == ""
    code, _, err = run("transfer", "nosuch:1m", "--from", "gpu1", "--to", "gpu2")
    assert code == EXIT_USAGE and "nosuch:1m is not in" in err
    assert "is this the source host's models directory?" in err


def test_export_then_import_round_trip(run, pair, tmp_path: Path) -> None:
    bundle = tmp_path / "tiny.tar"
    code, out, _ = run("export", "tiny-b:1m", str(bundle), "--from", "gpu1", "--json")
    exported = json.loads(out)
    assert code == EXIT_OK and bundle.stat().st_size > 48 * 1024
    code, out, _ = run("import", str(bundle), "--to", "gpu2", "--json")
    assert code == EXIT_OK and json.loads(out)["model"] == "tiny-b:1m"
    assert digests(run, "gpu2")["tiny-b:1m"] == exported["digest"] == \
        digests(run, "gpu1")["tiny-b:1m"]
    code, _, err = run("import", str(tmp_path / "nothing.tar"), "--to", "gpu2")
    assert code == EXIT_USAGE and "is not a qgoose-tui bundle" in err


def test_the_emulator_checks_uploads(pair) -> None:
    import httpx

    _, target, _, _ = pair
    data = b"hello blob"
    good = "sha256:" + hashlib.sha256(data).hexdigest()
    with httpx.Client(base_url=target.url) as http:
        assert http.head(f"/api/blobs/{good}").status_code == 404
        bad = http.post(f"/api/blobs/sha256:{'0' * 64}", content=data)
        assert bad.status_code == 400 and "digest mismatch" in bad.json()["error"]
        assert http.post(f"/api/blobs/{good}", content=data).status_code == 201
        assert http.head(f"/api/blobs/{good}").status_code == 200
        assert http.post("/api/blobs/nonsense", content=data).status_code == 400


def test_a_remote_source_without_models_dir_is_refused(tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[hosts.far]\nurl = "http://gpu9.example:11434"\n'
                      '[hosts.near]\nurl = "http://127.0.0.1:9"\n')
    code = cli.main(["--config", str(config), "transfer", "m", "--from", "far", "--to", "near"])
    assert code == EXIT_USAGE
    assert "set models_dir for [hosts.far]" in capsys.readouterr().err


def test_a_target_that_re_encodes_says_so_and_fleet_counts_the_copy(
        pair_033, capsys: pytest.CaptureFixture) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--config", str(pair_033[2]), *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("transfer", "tiny-a:1m", "--from", "old", "--to", "new", "--json")
    data = json.loads(out)
    source_digest, target_digest = digests(run, "old")["tiny-a:1m"], \
        digests(run, "new")["tiny-a:1m"]
    assert code == EXIT_OK and source_digest != target_digest
    assert data["same_digest"] is False and data["target_digest"] == target_digest
    assert data["source_digest"] == source_digest
    assert data["message"].endswith("re-encoded by the target (Ollama ≥ 0.30): its digest "
                                    f"there is {target_digest[:12]}")
    # The history remembers the copy: fleet shows one version on both hosts.
    code, out, _ = run("fleet", "--json")
    row = next(m for m in json.loads(out)["models"] if m["name"] == "tiny-a:1m")
    assert row["hosts"] == {"old": source_digest, "new": target_digest}
    assert row["stale_on"] == [] and row["copies_on"] == ["new"]
    code, out, _ = run("fleet")
    line = next(li for li in out.splitlines() if li.startswith("tiny-a:1m"))
    assert line.split()[1:] == ["✓", "✓"]
    # Sent again: the copy there is this very model, so nothing is sent or replaced.
    code, out, _ = run("transfer", "tiny-a:1m", "--from", "old", "--to", "new")
    assert code == EXIT_OK and out.strip() == (
        "tiny-a:1m is already on new (a copy an earlier transfer made, digest "
        f"{target_digest[:12]} there): nothing was sent")


def test_a_target_that_keeps_the_bytes_says_the_same_digest(run) -> None:
    code, out, _ = run("transfer", "tiny-b:1m", "--from", "gpu1", "--to", "gpu2")
    assert code == EXIT_OK and out.strip().endswith("; the same digest on both")
    code, out, _ = run("transfer", "tiny-b:1m", "--from", "gpu1", "--to", "gpu2", "--json")
    data = json.loads(out)
    assert data["same_digest"] is True and data["already_there"] is True


def test_a_writable_target_store_gets_the_files_and_keeps_every_digest(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source_dir, target_dir = tmp_path / "old-models", tmp_path / "new-models"
    source = ThreadedEmulator(store=Store.small(["tiny-a:1m"]), models_dir=source_dir)
    target = ThreadedEmulator(store=Store.small([]), models_dir=target_dir,
                              server_version="0.33")
    config = tmp_path / "config.toml"
    config.write_text(f'[hosts.old]\nurl = "{source.emulator.url}"\n'
                      f'models_dir = "{source_dir}"\n'
                      f'[hosts.new]\nurl = "{target.emulator.url}"\n'
                      f'models_dir = "{target_dir}"\n')

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return code, out, err

    try:
        code, out, _ = run("transfer", "tiny-a:1m", "--from", "old", "--to", "new", "--json")
        data = json.loads(out)
        # No /api/create: the running server lists what was written into its store.
        assert code == EXIT_OK and data["way"] == "files" and data["same_digest"] is True
        assert not [r for r in target.emulator.requests if r.path == "/api/create"]
        assert digests(run, "new")["tiny-a:1m"] == digests(run, "old")["tiny-a:1m"]
        assert not [p for p in target_dir.rglob(".qgoose-*")]  # no temporary file left
        code, out, _ = run("transfer", "tiny-a:1m", "--from", "old", "--to", "new")
        assert out.strip() == "tiny-a:1m is already on new (the same digest): nothing was sent"
        # Through the API instead, the 0.33 target re-encodes the weights.
        code, out, _ = run("transfer", "tiny-a:1m", "--from", "old", "--to", "new", "--json",
                           "--via", "api", "--force")
        assert json.loads(out)["way"] == "api"
        code, _, err = run("transfer", "tiny-a:1m", "--from", "new", "--to", "old",
                           "--via", "files", "--force")
        assert code == EXIT_OK
    finally:
        source.close()
        target.close()
    # A target without a models directory here cannot take files: said in one line.
    config.write_text(config.read_text().replace(str(target_dir), str(tmp_path / "none")))
    code, _, err = run("transfer", "tiny-a:1m", "--from", "old", "--to", "new", "--via", "files")
    assert code == EXIT_USAGE and "cannot be written from here" in err
