"""A store, a bundle or a target can be hostile (shared/reviews/security-2.md, N1 N4 N5 N8 N9
N13): no file outside the store is read or sent, no byte leaves before it matched its digest,
nothing is replaced without --force, and every refusal is one line.

The target is a capture server that records every request with its body, or an emulator
when the model must really be created; the source is a real models directory on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.capture_server import CaptureServer
from tests.conftest import ThreadedEmulator
from tests.model_files import (
    Member,
    blob_file,
    bundle_members,
    edit_manifest,
    layer_of,
    write_store,
    write_tar,
)
from tui import cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from tui.emulator.catalog import CatalogModel
from tui.emulator.store import Store

SECRET = b"LOCAL-SECRET-FILE-CONTENTS-7f3a"
MODEL = "tiny-a:1m"


@dataclass
class World:
    store: Path
    secret: Path
    capture: CaptureServer
    target: ThreadedEmulator
    config: Path
    model: CatalogModel
    contents: dict[str, bytes]
    capsys: pytest.CaptureFixture[str]

    def run(self, *args: str) -> tuple[int, str, str]:
        code = cli.main(["--config", str(self.config), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def manifest(self) -> dict[str, Any]:
        return json.loads(self.model.manifest)  # type: ignore[no-any-return]

    def digest_of(self, kind: str) -> str:
        return layer_of(self.manifest(), kind)["digest"]  # type: ignore[no-any-return]

    def nothing_left(self) -> None:
        """Nothing reached the capture server but the model list, and never the secret."""
        assert [(r.method, r.path) for r in self.capture.requests
                if r.path != "/api/tags"] == []
        assert not any(SECRET in r.body for r in self.capture.requests)

    def target_models(self) -> dict[str, str]:
        code, out, _ = self.run("--host", "emu", "list", "--json")
        return {m["name"]: m["digest"] for m in json.loads(out)["models"]}


@pytest.fixture
def world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[World]:
    store = tmp_path / "store"
    model, contents = write_store(store, [MODEL])[MODEL]
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    capture = CaptureServer()
    target = ThreadedEmulator(store=Store.small(["tiny-b:1m"]))
    config = tmp_path / "config.toml"
    config.write_text(f'[hosts.src]\nurl = "{capture.url}"\nmodels_dir = "{store}"\n'
                      f'[hosts.cap]\nurl = "{capture.url}"\n'
                      f'[hosts.emu]\nurl = "{target.emulator.url}"\n')
    yield World(store, secret, capture, target, config, model, contents, capsys)
    capture.close()
    target.close()


def one_line(err: str) -> str:
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


# ---- N1: digests are digests, blobs are files inside the store -------------------------


@pytest.mark.parametrize(("kind", "digest"), [
    ("license", "{secret}"), ("model", "{secret}"), ("system", "/etc/hostname"),
    ("template", "../../outside/secret.txt"), ("license", "sha256:../../outside/secret.txt"),
    ("model", "sha256:" + "A" * 64), ("config", "{outside}")])
def test_a_digest_that_is_not_one_is_refused_and_nothing_is_read(world: World, kind: str,
                                                                  digest: str) -> None:
    digest = digest.format(secret=world.secret, outside=world.secret.parent)

    def point_at_it(manifest: dict[str, Any]) -> None:
        if kind == "system":
            manifest["layers"].append({"mediaType": "application/vnd.ollama.image.system",
                                       "digest": digest, "size": 10})
        else:
            layer_of(manifest, kind).update(digest=digest, size=len(SECRET))

    edit_manifest(world.store, MODEL, point_at_it)
    code, _, err = world.run("transfer", MODEL, "--from", "src", "--to", "cap")
    assert code == EXIT_USAGE and "is not a digest (sha256: and 64 lowercase hex" in one_line(err)
    world.nothing_left()
    bundle = world.store.parent / "x.tar"
    code, _, err = world.run("export", MODEL, str(bundle), "--from", "src")
    assert code == EXIT_USAGE and "is not a digest" in one_line(err)
    assert not bundle.exists() and not bundle.with_name("x.tar.part").exists()


@pytest.mark.parametrize("kind", ["license", "model", "config"])
def test_a_blob_that_links_out_of_the_store_is_refused(world: World, kind: str) -> None:
    blob = blob_file(world.store, world.digest_of(kind))
    blob.unlink()
    blob.symlink_to(world.secret)
    code, _, err = world.run("transfer", MODEL, "--from", "src", "--to", "cap")
    assert code == EXIT_USAGE and "is a link that leads out of" in one_line(err)
    assert str(world.secret) in err and "nothing was sent" in err
    world.nothing_left()
    code, _, err = world.run("export", MODEL, str(world.store.parent / "x.tar"), "--from", "src")
    assert code == EXIT_USAGE and "leads out of" in one_line(err)
    assert not (world.store.parent / "x.tar").exists()


@pytest.mark.parametrize("kind", ["license", "template", "config", "model"])
@pytest.mark.parametrize("change", ["same size", "longer", "shorter"])
def test_every_layer_is_checked_before_anything_is_sent(world: World, kind: str,
                                                        change: str) -> None:
    blob = blob_file(world.store, world.digest_of(kind))
    data = blob.read_bytes()
    blob.write_bytes({"same size": b"X" * len(data), "longer": data + b"IGNORE ALL",
                      "shorter": data[:-1]}[change])
    code, _, err = world.run("transfer", MODEL, "--from", "src", "--to", "cap")
    expected = "is damaged: its bytes do not match its digest" if change == "same size" \
        else "but its manifest says"
    assert code == EXIT_USAGE and expected in one_line(err) and "nothing was sent" in err
    world.nothing_left()  # not one HEAD or POST /api/blobs, no /api/create


def test_a_directory_or_a_fifo_in_place_of_a_blob_is_refused(world: World) -> None:
    weights = blob_file(world.store, world.digest_of("model"))
    weights.unlink()
    weights.mkdir()
    (weights / "id_rsa").write_bytes(SECRET)
    code, _, err = world.run("transfer", MODEL, "--from", "src", "--to", "cap")
    assert code == EXIT_USAGE and "is a directory, not a file; nothing was sent" in one_line(err)
    code, _, err = world.run("export", MODEL, str(world.store.parent / "x.tar"), "--from", "src")
    assert code == EXIT_USAGE and "is a directory" in one_line(err)
    world.nothing_left()
    (weights / "id_rsa").unlink()
    weights.rmdir()
    weights.write_bytes(world.contents[world.digest_of("model")])
    license_blob = blob_file(world.store, world.digest_of("license"))
    license_blob.unlink()
    os.mkfifo(license_blob)
    result: list[tuple[int, str, str]] = []
    # In a thread: were the FIFO opened for reading, the command would wait for a writer.
    worker = threading.Thread(target=lambda: result.append(
        world.run("transfer", MODEL, "--from", "src", "--to", "cap")), daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():
        with open(license_blob, "wb"):  # let it go
            pass
        pytest.fail("the transfer waited on a FIFO")
    code, _, err = result[0]
    assert code == EXIT_USAGE and "license blob" in err and "is a FIFO, not a file" in \
        one_line(err)
    world.nothing_left()


def test_a_good_transfer_sends_only_verified_bytes(world: World) -> None:
    code, out, err = world.run("transfer", MODEL, "--from", "src", "--to", "cap", "--json")
    assert code == EXIT_OK, err
    [upload] = world.capture.uploads
    assert "sha256:" + hashlib.sha256(upload.body).hexdigest() == \
        upload.path.removeprefix("/api/blobs/") == world.digest_of("model")
    [create] = world.capture.creates
    body = json.loads(create.body)
    assert body["license"] == world.contents[world.digest_of("license")].decode()
    assert body["template"] == world.contents[world.digest_of("template")].decode()


# ---- A target store written as files: nothing written outside it ------------------------


@pytest.mark.parametrize("where", ["blobs", "manifests/registry.ollama.ai/library/tiny-a",
                                   "manifests/registry.ollama.ai/library/tiny-a/1m"])
def test_a_target_store_whose_links_lead_out_of_it_is_not_written_through(
        world: World, where: str) -> None:
    # The target's models_dir may be an sshfs mount of a box someone else controls: its
    # absolute links resolve on this machine. A blob or manifest written through one would
    # land in a local folder the user never named.
    target = world.store.parent / "target"
    write_store(target, ["tiny-b:1m"])
    elsewhere = world.store.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_bytes(SECRET)
    link = target / where
    if link.exists():
        import shutil

        shutil.rmtree(link)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(elsewhere / "keep.txt" if where.endswith("1m") else elsewhere)
    with world.config.open("a") as config:
        config.write(f'[hosts.dst]\nurl = "{world.capture.url}"\nmodels_dir = "{target}"\n')
    code, _, err = world.run("transfer", MODEL, "--from", "src", "--to", "dst", "--force")
    assert code == EXIT_USAGE and "leads out of" in one_line(err), err
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
    assert (elsewhere / "keep.txt").read_bytes() == SECRET


# ---- N8, N9: export writes plain files, and says what went wrong -----------------------


def test_a_store_of_links_inside_it_exports_plain_files_that_restore(world: World) -> None:
    # Blobs kept in another folder of the store, linked from blobs/ (relative and absolute).
    kept = world.store / "data"
    kept.mkdir()
    for index, layer in enumerate(world.model.layers):
        blob = blob_file(world.store, layer.digest)
        blob.rename(kept / blob.name)
        blob.symlink_to(f"../data/{blob.name}" if index % 2 else kept / blob.name)
    bundle = world.store.parent / "links.tar"
    code, out, err = world.run("export", MODEL, str(bundle), "--from", "src", "--json")
    assert code == EXIT_OK, err
    with tarfile.open(bundle) as tar:
        members = tar.getmembers()
    assert len(members) == 1 + len(world.model.layers)
    assert all(m.isreg() and m.mode == 0o644 and not m.uname and not m.linkname
               for m in members)
    code, _, err = world.run("import", str(bundle), "--to", "emu")
    assert code == EXIT_OK, err
    assert world.target_models()[MODEL] == json.loads(out)["digest"]


def test_export_names_the_blob_it_cannot_read(world: World) -> None:
    blob = blob_file(world.store, world.digest_of("license"))
    blob.unlink()
    code, _, err = world.run("export", MODEL, str(world.store.parent / "x.tar"), "--from", "src")
    assert code == EXIT_USAGE
    assert f"cannot read the license blob {blob}: No such file or directory" in one_line(err)
    assert "cannot write" not in err


def test_export_to_a_path_under_a_file_is_one_line(world: World) -> None:
    plain = world.store.parent / "good.tar"
    plain.write_bytes(b"a file, not a folder")
    code, _, err = world.run("export", MODEL, str(plain / "x"), "--from", "src")
    assert code == EXIT_USAGE and f"cannot write {plain / 'x'}: Not a directory" in one_line(err)
    assert plain.read_bytes() == b"a file, not a folder"


def test_export_never_writes_through_a_link_left_beside_the_bundle(world: World) -> None:
    # The bundle was first written to NAME.part, opened as it was: a link someone left in a
    # shared folder under that name had its target truncated and overwritten.
    victim = world.store.parent / "victim.rc"
    victim.write_bytes(b"keep me\n")
    bundle = world.store.parent / "x.tar"
    bundle.with_name("x.tar.part").symlink_to(victim)
    code, _, err = world.run("export", MODEL, str(bundle), "--from", "src")
    assert code == EXIT_OK, err
    assert victim.read_bytes() == b"keep me\n"
    assert tarfile.is_tarfile(bundle) and not bundle.is_symlink()
    assert sorted(p.name for p in bundle.parent.glob("x.tar*")) == ["x.tar", "x.tar.part"]
    assert not list(bundle.parent.glob(".x.tar*"))  # its own temporary file renamed


# ---- Item 4: nothing is replaced silently -----------------------------------------------


def test_transfer_onto_another_version_needs_force(world: World) -> None:
    world.target.call(_copy(world.target, "tiny-b:1m", MODEL))
    before = world.target_models()[MODEL]
    code, _, err = world.run("transfer", MODEL, "--from", "src", "--to", "emu")
    assert code == EXIT_ERROR
    assert f"{MODEL} exists on emu: Ollama would overwrite it" in one_line(err)
    assert "--force" in err and world.target_models()[MODEL] == before
    assert not [r for r in world.target.emulator.requests if r.path.startswith("/api/blobs")]
    code, out, err = world.run("transfer", MODEL, "--from", "src", "--to", "emu", "--force")
    assert code == EXIT_OK, err
    assert world.target_models()[MODEL] == world.model.manifest_digest
    code, out, _ = world.run("transfer", MODEL, "--from", "src", "--to", "emu", "--json")
    assert code == EXIT_OK and json.loads(out)["already_there"] is True


def test_import_onto_another_model_needs_force(world: World) -> None:
    bundle = world.store.parent / "a.tar"
    assert world.run("export", MODEL, str(bundle), "--from", "src")[0] == EXIT_OK
    code, _, err = world.run("import", str(bundle), "--to", "emu", "--name", "tiny-b:1m")
    assert code == EXIT_ERROR
    assert "tiny-b:1m exists on emu: Ollama would overwrite it" in one_line(err)
    assert world.target_models()["tiny-b:1m"] != world.model.manifest_digest
    code, _, err = world.run("import", str(bundle), "--to", "emu", "--name", "tiny-b:1m",
                             "--force")
    assert code == EXIT_OK, err
    assert world.target_models()["tiny-b:1m"] == world.model.manifest_digest
    code, out, _ = world.run("import", str(bundle), "--to", "emu", "--name", "tiny-b:1m")
    assert code == EXIT_OK and "already on emu (the same digest): nothing was sent" in out


async def _copy(target: ThreadedEmulator, source: str, destination: str) -> None:
    from tui.ollama import OllamaClient

    async with OllamaClient(target.emulator.url) as client:
        await client.copy(source, destination)


# ---- N4, N5, N13: bundles ---------------------------------------------------------------


def _bundle(world: World, members: list[Member], name: str = "b.tar") -> Path:
    path = world.store.parent / name
    write_tar(path, members)
    return path


def _good(world: World, **options: Any) -> list[Member]:
    return bundle_members(world.model, world.contents, **options)


def _member(members: list[Member], digest: str) -> Member:
    return next(m for m in members if m.name == f"blobs/{digest.replace(':', '-')}")


def _bytes_read() -> int:
    with open("/proc/self/io") as stats:
        return int(next(line for line in stats if line.startswith("rchar:")).split()[1])


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts reads with /proc")
def test_a_member_bigger_than_the_manifest_says_is_refused_unread(world: World) -> None:
    # The review's tar bomb: a license that claims 3 bytes, and is 200 MB of NUL bytes.
    manifest = world.manifest()
    layer_of(manifest, "license").update(digest="sha256:" + hashlib.sha256(b"MIT").hexdigest(),
                                         size=3)
    members = _good(world, manifest=json.dumps(manifest).encode())
    members[-1:] = []  # the real license blob is not listed any more
    members.insert(1, Member(f"blobs/sha256-{hashlib.sha256(b'MIT').hexdigest()}",
                             zeros=200 << 20))
    bundle = _bundle(world, members)
    assert bundle.stat().st_blocks * 512 < 1 << 20  # a sparse file: nothing to read
    before = _bytes_read()
    code, _, err = world.run("import", str(bundle), "--to", "cap")
    assert code == EXIT_USAGE
    assert "holds 209,715,200 bytes, but the manifest says the license has 3 (not read)" in \
        one_line(err)
    assert _bytes_read() - before < 4 << 20
    assert world.capture.requests == []


def test_a_gzipped_bomb_is_refused_too(world: World) -> None:
    import gzip

    members = _good(world)
    weights = _member(members, world.digest_of("model"))
    weights.data, weights.claimed = b"", None
    weights.zeros = 20 << 20  # the manifest says 48 KB
    plain = _bundle(world, members, "bomb.tar")
    packed = plain.with_suffix(".tar.gz")
    packed.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=1))
    code, _, err = world.run("import", str(packed), "--to", "cap")
    assert code == EXIT_USAGE and "holds 20,971,520 bytes, but the manifest says the weights " \
        "has 49,152 (not read)" in one_line(err)
    assert world.capture.requests == []


def test_a_bundle_of_thousands_of_members_is_refused(world: World) -> None:
    members = _good(world)
    members[1:1] = [Member("blobs/", type=tarfile.DIRTYPE)] * 5000
    code, _, err = world.run("import", str(_bundle(world, members)), "--to", "cap")
    assert code == EXIT_USAGE and "it has more than 300 members" in one_line(err)
    assert world.capture.requests == []


@pytest.mark.parametrize("how", ["hardlink", "symlink", "fifo", "device"])
def test_a_blob_member_that_is_not_a_file_is_refused(world: World, how: str) -> None:
    members = _good(world)
    license_member = _member(members, world.digest_of("license"))
    license_member.data = b""
    license_member.type = {"hardlink": tarfile.LNKTYPE, "symlink": tarfile.SYMTYPE,
                           "fifo": tarfile.FIFOTYPE, "device": tarfile.CHRTYPE}[how]
    license_member.linkname = "manifest.json" if how == "hardlink" else str(world.secret)
    code, _, err = world.run("import", str(_bundle(world, members)), "--to", "cap")
    kind = {"hardlink": "a hard link", "symlink": "a symbolic link", "fifo": "a device or FIFO",
            "device": "a device or FIFO"}[how]
    assert code == EXIT_USAGE and f"is {kind}, not a file" in one_line(err)
    world.nothing_left()


def test_a_manifest_json_that_is_a_link_is_refused(world: World) -> None:
    members = _good(world)
    members.insert(0, Member("manifest.json", type=tarfile.SYMTYPE, linkname="/etc/passwd"))
    del members[1]
    code, _, err = world.run("import", str(_bundle(world, members)), "--to", "cap")
    assert code == EXIT_USAGE and "manifest.json is a symbolic link, not a file" in one_line(err)


@pytest.mark.parametrize("kind", ["template", "license", "params", "config"])
def test_text_layers_of_a_bundle_are_checked_before_anything_is_sent(world: World,
                                                                     kind: str) -> None:
    members = _good(world)
    member = _member(members, world.digest_of(kind))
    member.data = b"X" * len(member.data)  # the review's "EVIL TEMPLATE", same size
    code, _, err = world.run("import", str(_bundle(world, members)), "--to", "cap")
    assert code == EXIT_USAGE and "is damaged: its bytes do not match its digest" in \
        one_line(err)
    world.nothing_left()


@pytest.mark.parametrize(("bundle_name", "as_name"), [("Bad Name!", ""), ("../../x", ""),
                                                      (MODEL, "a//b"), (MODEL, "-x:")])
def test_an_invalid_name_is_refused_before_anything_is_sent(world: World, bundle_name: str,
                                                            as_name: str) -> None:
    bundle = _bundle(world, _good(world, name=bundle_name))
    code, _, err = world.run("import", str(bundle), "--to", "cap",
                             *([f"--name={as_name}"] if as_name else []))
    assert code == EXIT_USAGE and "cannot create it under that name" in one_line(err)
    assert world.capture.requests == []


@pytest.mark.parametrize("digest", ["../create", "sha256:../../create", "/etc/passwd"])
def test_a_bundle_digest_that_is_not_one_is_refused(world: World, digest: str) -> None:
    manifest = world.manifest()
    layer_of(manifest, "model")["digest"] = digest
    bundle = _bundle(world, _good(world, manifest=json.dumps(manifest).encode()))
    code, _, err = world.run("import", str(bundle), "--to", "cap")
    assert code == EXIT_USAGE and "is not a digest" in one_line(err)
    assert world.capture.requests == []


def test_a_member_twice_or_one_not_listed_is_refused(world: World) -> None:
    members = _good(world)
    twice = [*members, members[1]]
    code, _, err = world.run("import", str(_bundle(world, twice)), "--to", "cap")
    assert code == EXIT_USAGE and "twice" in one_line(err)
    extra = [*members, Member("blobs/../../etc/cron.d/x", b"* * * * * root sh")]
    code, _, err = world.run("import", str(_bundle(world, extra)), "--to", "cap")
    assert code == EXIT_USAGE and "which its manifest does not list" in one_line(err)
    late = [*members[1:], members[0]]
    code, _, err = world.run("import", str(_bundle(world, late)), "--to", "cap")
    assert code == EXIT_USAGE and "not manifest.json" in one_line(err)
    assert world.capture.requests == []


async def test_every_blob_is_verified_before_the_first_byte_is_sent(world: World) -> None:
    from tui.ollama import OllamaClient
    from tui.services.transfer import ModelsDir, TransferProgress, send_model

    seen: list[tuple[str, float, int]] = []  # status, fraction, requests sent by then

    def report(progress: TransferProgress) -> None:
        sent = len([r for r in world.capture.requests if r.path != "/api/tags"])
        seen.append((progress.status.split()[0], progress.fraction, sent))

    async with OllamaClient(world.capture.url) as client:
        progress = await send_model(ModelsDir(world.store), MODEL, client, report)
    verifying = [s for s in seen if s[0] == "verifying"]
    assert verifying and all(sent == 0 for _, _, sent in verifying)
    assert verifying[-1][1] == 1.0 and seen.index(verifying[-1]) < \
        next(i for i, s in enumerate(seen) if s[0] == "sending")
    assert progress.checked == progress.to_check == sum(layer.size
                                                        for layer in world.model.layers)
    assert progress.uploaded == [world.digest_of("model")]


def test_text_from_a_bundle_in_a_message_stays_on_one_line(world: World) -> None:
    # Found by the bundle fuzzer: the bundle's name, quoted in a refusal, held a newline.
    manifest = world.manifest()
    layer_of(manifest, "model")["digest"] = None
    bundle = _bundle(world, _good(world, name="evil\nname\x1b[2J",
                                  manifest=json.dumps(manifest).encode()))
    code, _, err = world.run("import", str(bundle), "--to", "cap")
    assert code == EXIT_USAGE and "the manifest of 'evil\\nname\\x1b[2J' cannot be used" in \
        one_line(err)
    manifest = world.manifest()
    manifest["layers"].append({"mediaType": "x.vision\nsecond line", "size": 1,
                               "digest": world.digest_of("model")})
    bundle = _bundle(world, _good(world, manifest=json.dumps(manifest).encode()))
    code, _, err = world.run("import", str(bundle), "--to", "cap")
    assert code == EXIT_USAGE and "gives the blob" in one_line(err)
    manifest["layers"][-1]["size"] = world.model.layers[0].size
    bundle = _bundle(world, _good(world, manifest=json.dumps(manifest).encode()))
    code, _, err = world.run("import", str(bundle), "--to", "cap")
    assert code == EXIT_USAGE and "cannot rebuild yet ('vision\\nsecond line')" in one_line(err)
    world.nothing_left()
