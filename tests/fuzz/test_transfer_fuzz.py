"""Fuzzing the sources of a transfer (hypothesis): hostile models directories and bundles.

One property for both: nothing outside the store or the bundle is read, and nothing
unverified is sent. Each example runs the real CLI (`transfer` and `export` from a store,
`import` from a bundle) against a capture server on 127.0.0.1 that records every request
and its body, with a secret file next to the store:
- the secret is never opened (an audit hook sees every open) nor found in any body or bundle;
- every uploaded blob hashes to its digest, and something is uploaded or created only when
  the whole source was good (so only after everything was verified);
- every refusal is one printable line with exit code 1, 2 or 3.

Examples per test come from QGOOSE_FUZZ_EXAMPLES (default 15 here: each runs the CLI; a long
hunt: 3000 or more).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import tarfile
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.capture_server import CaptureServer
from tests.model_files import Member, write_tar
from tui import cli

EXAMPLES = int(os.environ.get("QGOOSE_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SECRET = b"TOP-SECRET-5d41402abc4b2a76b9719d911017c592"
NAME = "fz:1m"
TYPES = {"model": "application/vnd.ollama.image.model",
         "template": "application/vnd.ollama.image.template",
         "license": "application/vnd.ollama.image.license",
         "params": "application/vnd.ollama.image.params",
         "system": "application/vnd.ollama.image.system",
         "projector": "application/vnd.ollama.image.projector",
         "config": "application/vnd.docker.container.image.v1+json"}


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# ---- every file opened while a command runs --------------------------------------------

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | bytes | Path):
        _opened.append(os.fsdecode(args[0]))


_hooked = False


def _watch_opens() -> None:
    """Installed once, when these tests run (a hook cannot be removed); it records only
    while run_cli runs a command."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True


@dataclass
class Run:
    code: int
    out: str
    err: str
    opened: list[str] = field(default_factory=list)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    global _opened
    capsys.readouterr()
    _opened = []
    try:
        code = cli.main(args)
    finally:
        opened, _opened = _opened, None
    out, err = capsys.readouterr()
    return Run(code, out, err, opened)


@pytest.fixture(scope="module")
def capture() -> Iterator[CaptureServer]:
    _watch_opens()
    server = CaptureServer()
    yield server
    server.close()


@dataclass
class World:
    """One example's folder: the store or bundle, the secret beside it, the config."""
    base: Path
    capture: CaptureServer

    @property
    def outside(self) -> Path:
        return self.base / "outside"

    @property
    def secret(self) -> Path:
        return self.outside / "secret.txt"

    @property
    def store(self) -> Path:
        return self.base / "store"

    @property
    def config(self) -> Path:
        return self.base / "config.toml"


@pytest.fixture
def worlds(capture: CaptureServer) -> Iterator[Any]:
    def make() -> Any:
        folder = tempfile.TemporaryDirectory(prefix="qgoose-fuzz-")
        world = World(Path(folder.name), capture)
        world.outside.mkdir()
        world.secret.write_bytes(SECRET)
        (world.outside / "dir").mkdir()
        (world.outside / "dir" / "id_rsa").write_bytes(SECRET)
        world.store.mkdir()
        world.config.write_text(f'[hosts.src]\nurl = "{capture.url}"\n'
                                f'models_dir = "{world.store}"\n'
                                f'[hosts.cap]\nurl = "{capture.url}"\n')
        capture.clear()
        return folder, world

    yield make


def printable(text: str) -> bool:
    return all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in text)


def check_run(run: Run, world: World) -> None:
    """What holds whatever the source was."""
    assert run.code in (0, 1, 2, 3), run
    assert "Traceback" not in run.err and printable(run.out + run.err)
    if run.code:
        assert len(run.err.strip().splitlines()) == 1, run.err
    outside = os.path.realpath(world.outside)
    for path in run.opened:
        real = os.path.realpath(path)
        assert not real.startswith(outside + os.sep) and real != outside, path
    for request in world.capture.requests:
        assert SECRET not in request.body
    for upload in world.capture.uploads:
        assert upload.complete and sha(upload.body) == upload.path.removeprefix("/api/blobs/")


def check_create(world: World, truth: dict[str, bytes]) -> None:
    """The one /api/create carries only true texts, and weights that were uploaded."""
    [create] = world.capture.creates
    body = json.loads(create.body)
    [weights] = body["files"].values()
    assert weights in truth and world.capture.has_blob(weights)
    texts = {data.decode("utf-8", "replace") for data in truth.values()}
    for key in ("template", "system", "license"):
        values = body.get(key, [])
        for value in values if isinstance(values, list) else [values]:
            assert value in texts
    if "parameters" in body:
        assert json.dumps(body["parameters"], sort_keys=True) in \
            {json.dumps(json.loads(t), sort_keys=True) for t in texts if t.startswith("{")}


# ---- the model both fuzzers start from -----------------------------------------------------

@st.composite
def models(draw: st.DrawFn) -> dict[str, bytes]:
    """A model's layers' bytes by kind; each different, so each digest names one layer."""
    layers = {"model": b"GGUF" + draw(st.binary(max_size=3000)),
              "template": ("T:" + draw(st.text(max_size=60))).encode(),
              "license": ("L:" + draw(st.text(max_size=60))).encode()}
    if draw(st.booleans()):
        layers["system"] = ("S:" + draw(st.text(max_size=30))).encode()
    if draw(st.booleans()):
        layers["params"] = json.dumps({"temperature": draw(st.floats(0, 2)),
                                       "stop": [draw(st.text(max_size=10))]}).encode()
    layers["config"] = json.dumps({"model_format": "gguf", "c": draw(st.text(max_size=10))},
                                  separators=(",", ":")).encode()
    return layers


def manifest_of(layers: dict[str, bytes]) -> dict[str, Any]:
    def entry(kind: str) -> dict[str, Any]:
        return {"mediaType": TYPES[kind], "digest": sha(layers[kind]), "size": len(layers[kind])}

    return {"schemaVersion": 2, "config": entry("config"),
            "layers": [entry(kind) for kind in layers if kind != "config"]}


# ---- the store fuzzer ---------------------------------------------------------------------

GOOD_SPECS = ("good", "link_in", "link_in_abs")
SPECS = (*GOOD_SPECS, "missing", "damaged", "longer", "shorter", "size_lie", "abs_secret",
         "traversal", "odd_digest", "link_out", "link_out_rel", "link_out_dir", "link_chain_out",
         "dir", "fifo", "dangling", "loop")
ODD_DIGESTS = st.sampled_from(["sha256:../../outside/secret.txt", "../outside/secret.txt",
                               "/", ".", "..", "sha256:", "sha256:" + "0" * 63,
                               "SHA256:" + "0" * 64, "sha256:" + "F" * 64,
                               "sha256:" + "0" * 64 + "\n"]) \
    | st.text(max_size=70) | st.integers() | st.none()
MANIFEST_SPECS = st.sampled_from(["normal"] * 8 + ["link_out", "fifo", "dir", "huge"])


@st.composite
def store_plans(draw: st.DrawFn) -> tuple[dict[str, bytes], dict[str, str], dict[str, Any]]:
    layers = draw(models())
    specs = {kind: draw(st.sampled_from(GOOD_SPECS) if draw(st.booleans())
                        else st.sampled_from(SPECS)) for kind in layers}
    extra = {"manifest": draw(MANIFEST_SPECS), "projector": draw(st.booleans()),
             "odd_digest": draw(ODD_DIGESTS), "size_delta": draw(st.sampled_from(
                 [-1, 1, 7, -(10**6), 2**41, 0.5, True, "3", None]))}
    return layers, specs, extra


def build_store(world: World, layers: dict[str, bytes], specs: dict[str, str],
                extra: dict[str, Any]) -> None:
    blobs, kept = world.store / "blobs", world.store / "data"
    blobs.mkdir()
    kept.mkdir()
    manifest = manifest_of(layers)
    if extra["projector"]:
        layers = {**layers, "projector": b"PROJ" + layers["model"][:50]}
        manifest["layers"].append({"mediaType": TYPES["projector"],
                                   "digest": sha(layers["projector"]),
                                   "size": len(layers["projector"])})
        specs = {**specs, "projector": "good"}
    entries = {p["mediaType"]: p for p in [*manifest["layers"], manifest["config"]]}
    for kind, data in layers.items():
        spec, entry = specs[kind], entries[TYPES[kind]]
        blob = blobs / entry["digest"].replace(":", "-")
        if spec in ("good", "size_lie", "traversal", "odd_digest"):
            blob.write_bytes(data)
        if spec == "size_lie":
            delta = extra["size_delta"]
            entry["size"] = len(data) + delta if isinstance(delta, int) and \
                not isinstance(delta, bool) and delta else delta
        elif spec == "damaged":
            blob.write_bytes(bytes([data[0] ^ 1]) + data[1:] if data else b"x")
        elif spec == "longer" or (spec == "shorter" and not data):
            blob.write_bytes(data + b"IGNORE PREVIOUS")
        elif spec == "shorter":
            blob.write_bytes(data[:-1])
        elif spec == "abs_secret":
            entry.update(digest=str(world.secret), size=len(SECRET))
        elif spec == "traversal":
            entry["digest"] = "sha256:../../outside/secret.txt"
        elif spec == "odd_digest":
            entry["digest"] = extra["odd_digest"]
        elif spec in ("link_out", "link_out_rel", "link_out_dir", "link_chain_out"):
            # The secret's own digest and size: only where it lies gives it away.
            entry.update(digest=sha(SECRET), size=len(SECRET))
            blob = blobs / sha(SECRET).replace(":", "-")
            blob.unlink(missing_ok=True)
            if spec == "link_out":
                blob.symlink_to(world.secret)
            elif spec == "link_out_rel":
                blob.symlink_to("../../outside/secret.txt")
            elif spec == "link_out_dir":
                entry["size"] = 0
                blob.symlink_to(world.outside / "dir")
            else:
                (kept / "hop").unlink(missing_ok=True)
                (kept / "hop").symlink_to(world.secret)
                blob.symlink_to("../data/hop")
        elif spec in ("link_in", "link_in_abs"):
            (kept / blob.name).write_bytes(data)
            blob.symlink_to(kept / blob.name if spec == "link_in_abs" else f"../data/{blob.name}")
        elif spec == "dir":
            blob.mkdir()
            (blob / "id_rsa").write_bytes(SECRET)
        elif spec == "fifo":
            os.mkfifo(blob)
        elif spec == "dangling":
            blob.symlink_to(kept / "nothing-here")
        elif spec == "loop":
            blob.symlink_to(blob.name)
    text = json.dumps(manifest).encode()
    where = world.store / "manifests/registry.ollama.ai/library/fz"
    where.mkdir(parents=True)
    if extra["manifest"] == "normal":
        (where / "1m").write_bytes(text)
    elif extra["manifest"] == "link_out":
        (world.outside / "manifest").write_bytes(text)
        (where / "1m").symlink_to(world.outside / "manifest")
    elif extra["manifest"] == "fifo":
        os.mkfifo(where / "1m")
    elif extra["manifest"] == "dir":
        (where / "1m").mkdir()
    else:
        (where / "1m").write_bytes(text + b" " * (2 << 20))


@FUZZ
@given(plan=store_plans())
def test_a_hostile_store_leaks_nothing_and_sends_nothing_unverified(
        plan: tuple[dict[str, bytes], dict[str, str], dict[str, Any]], worlds: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    layers, specs, extra = plan
    folder, world = worlds()
    with folder:
        build_store(world, layers, specs, extra)
        truth = {sha(data): data for data in layers.values()}
        store_ok = extra["manifest"] == "normal" and all(s in GOOD_SPECS for s in specs.values())
        config = ["--config", str(world.config)]

        run = run_cli([*config, "transfer", NAME, "--from", "src", "--to", "cap"], capsys)
        check_run(run, world)
        sent = [r for r in world.capture.requests if r.path != "/api/tags"]
        if store_ok and not extra["projector"]:
            assert run.code == 0, run.err
            check_create(world, truth)
        else:
            assert run.code != 0 and sent == [], (run.err, sent)

        out = world.base / "out.tar"
        run = run_cli([*config, "export", NAME, str(out), "--from", "src"], capsys)
        check_run(run, world)
        assert not out.with_name("out.tar.part").exists()
        if not store_ok:
            assert run.code != 0 and not out.exists(), run.err
            return
        assert run.code == 0, run.err
        assert SECRET not in out.read_bytes()
        with tarfile.open(out) as tar:
            for member in tar:
                assert member.isreg() and member.mode == 0o644 and not member.uname
                handle = tar.extractfile(member)
                assert handle is not None
                data = handle.read()
                if member.name != "manifest.json":
                    assert member.name == "blobs/" + sha(data).replace(":", "-")


# ---- the bundle fuzzer --------------------------------------------------------------------

KINDS = st.sampled_from(["model", "template", "license", "params", "system", "config"])
LINK_TARGETS = st.sampled_from(["manifest.json", "/etc/passwd", "../outside/secret.txt",
                                "{secret}", "blobs/", "blobs/sha256-" + "0" * 64])
MEMBER_TYPES = st.sampled_from([tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.FIFOTYPE,
                                tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.DIRTYPE,
                                tarfile.CONTTYPE, b"x"])
MEMBER_NAMES = st.sampled_from(["../x", "/abs", "blobs/../manifest.json", "manifest.json",
                                "./manifest.json", "blobs/sha256-" + "0" * 64, "blobs", "",
                                "blobs/sha256-../../x", "a" * 300]) \
    | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
              max_size=20)
BAD_NAMES = st.sampled_from(["", "Bad Name!", "../../x", "a//b", "-x:", "x:", "\x1b[2J",
                             "a" * 400, NAME, "fz", "hf.co/u/r:Q4"]) | st.text(max_size=12)
OPS = st.one_of(
    st.tuples(st.just("data"), st.integers(0, 20),
              st.sampled_from(["flip", "append", "truncate", "secret", "empty"])),
    st.tuples(st.just("claim"), st.integers(0, 20),
              st.sampled_from([0, 1, 511, 513, 2**20, 2**33, 2**40])),
    st.tuples(st.just("type"), st.integers(0, 20), MEMBER_TYPES, LINK_TARGETS),
    st.tuples(st.just("dup"), st.integers(0, 20)),
    st.tuples(st.just("drop"), st.integers(0, 20)),
    st.tuples(st.just("extra"), MEMBER_NAMES, st.binary(max_size=40)),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 20)),
    st.tuples(st.just("dirs"), st.integers(1, 400)),
    st.tuples(st.just("zeros"), KINDS, st.integers(1, 8 << 20)),
    st.tuples(st.just("digest"), KINDS, ODD_DIGESTS),
    st.tuples(st.just("size"), KINDS, st.sampled_from([-1, 0, 2**40 + 1, 2**64, 1.5, True,
                                                       "10", None])),
    st.tuples(st.just("mediatype"), KINDS, st.sampled_from(list(TYPES.values()) + ["", "x"])),
    st.tuples(st.just("name"), BAD_NAMES),
    st.tuples(st.just("head"), st.sampled_from([b"", b"{", b"[]", b'{"name":1}',
                                                b'{"name":"a","manifest":"\\ud800"}',
                                                b"[" * 5000 + b"]" * 5000,
                                                b'{"name":"a","manifest":"' + b"[" * 3000
                                                + b'"}'])),
    st.tuples(st.just("layers"), st.integers(0, 400)),
)


def _blob_index(members: list[Member], digest: str) -> int | None:
    name = "blobs/" + digest.replace(":", "-")
    return next((i for i, m in enumerate(members) if m.name == name), None)


def build_bundle(world: World, layers: dict[str, bytes], ops: list[tuple[Any, ...]],
                 packed: bool) -> Path:
    manifest, name = manifest_of(layers), NAME
    entries = {kind: (manifest["config"] if kind == "config" else
                      next((p for p in manifest["layers"] if p["mediaType"] == TYPES[kind]),
                           None)) for kind in TYPES}
    members = [Member("manifest.json")] + [Member("blobs/" + sha(d).replace(":", "-"), d)
                                           for d in layers.values()]
    head: bytes | None = None
    for op in ops:
        kind, *args = op
        index = args[0] % len(members) if members and isinstance(args[0], int) else 0
        if kind == "data" and members:
            how, data = args[1], members[index].data
            members[index].data = {"flip": bytes([data[0] ^ 1]) + data[1:] if data else b"x",
                                   "append": data + b"!", "truncate": data[:-1],
                                   "secret": SECRET, "empty": b""}[how]
        elif kind == "claim" and members:
            members[index].claimed = args[1]
        elif kind == "type" and members:
            members[index].type = args[1]
            members[index].linkname = args[2].format(secret=world.secret)
        elif kind == "dup" and members:
            members.insert(index, Member(**vars(members[index])))
        elif kind == "drop" and members:
            del members[index]
        elif kind == "extra":
            members.append(Member(args[0], args[1]))
        elif kind == "move" and members:
            members.insert(args[1] % len(members), members.pop(index))
        elif kind == "dirs":
            members[1:1] = [Member("blobs/", type=tarfile.DIRTYPE)] * args[0]
        elif kind == "zeros" and layers.get(args[0]) is not None:
            at = _blob_index(members, sha(layers[args[0]]))
            if at is not None:
                members[at] = Member(members[at].name, zeros=args[1])
        elif kind in ("digest", "size", "mediatype") and entries.get(args[0]) is not None:
            entries[args[0]][{"digest": "digest", "size": "size",  # type: ignore[index]
                              "mediatype": "mediaType"}[kind]] = args[1]
        elif kind == "name":
            name = args[0]
        elif kind == "head":
            head = args[0]
        elif kind == "layers":
            manifest["layers"] += [dict(manifest["layers"][0])] * args[0]
    for member in members:
        if member.name == "manifest.json" and not member.data and member.type == tarfile.REGTYPE:
            member.data = head if head is not None else json.dumps(
                {"name": name, "manifest": json.dumps(manifest)}).encode()
    path = world.base / "bundle.tar"
    write_tar(path, members)
    if packed:
        gz = world.base / "bundle.tar.gz"
        gz.write_bytes(gzip.compress(path.read_bytes(), compresslevel=1))
        path.unlink()
        return gz
    return path


@FUZZ
@given(layers=models(), ops=st.lists(OPS, max_size=4), packed=st.booleans(),
       as_name=st.none() | BAD_NAMES)
def test_a_hostile_bundle_leaks_nothing_and_sends_nothing_unverified(
        layers: dict[str, bytes], ops: list[tuple[Any, ...]], packed: bool,
        as_name: str | None, worlds: Any, capsys: pytest.CaptureFixture[str]) -> None:
    folder, world = worlds()
    with folder:
        bundle = build_bundle(world, layers, ops, packed)
        args = ["--config", str(world.config), "import", str(bundle), "--to", "cap"]
        if as_name is not None:
            args.append(f"--name={as_name}")
        run = run_cli(args, capsys)
        check_run(run, world)
        if world.capture.uploads or world.capture.creates:
            # Anything sent means everything was verified: the import went through.
            assert run.code == 0, run.err
        if run.code == 0:
            check_create(world, {sha(data): data for data in layers.values()})
        if not ops and as_name in (None, NAME, "fz:1m"):
            assert run.code == 0, run.err  # an untouched bundle imports
