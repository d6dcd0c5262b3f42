"""Bundles: a tar of `manifest.json` ({"name", "manifest"}) first, then `blobs/sha256-<hex>`
for each blob the manifest lists, nothing else. Written by `export`, read by `import`.

A bundle may come from anyone. Its members are looked at one header at a time, at most
MAX_MEMBERS of them, and each is held against the manifest before a byte of it is read: a
member the manifest does not list, a second copy, a link or a device, or a size other than
the manifest's is refused. Nothing is ever extracted to disk.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import stat
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, cast

from tui.ollama.digests import blob_file_name
from tui.ollama.json_limits import loads_bounded
from tui.services.new_files import open_new
from tui.services.transfer.source import (
    CHUNK,
    READ_ERRORS,
    BlobSource,
    Layer,
    LocalModel,
    TransferError,
)
from tui.services.transfer.store import ModelsDir

BUNDLE_MANIFEST = "manifest.json"
MAX_MEMBERS = 300  # a model has a handful of blobs
MAX_HEAD_BYTES = 1 << 20


def _blob_member(digest: str) -> str:
    return f"blobs/{blob_file_name(digest)}"


def _member_type(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "a symbolic link"
    if member.islnk():
        return "a hard link"
    if member.isdir():
        return "a directory"
    return "a device or FIFO" if member.isdev() else "not a regular file"


class Bundle(BlobSource):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.members: dict[str, tarfile.TarInfo] = {}
        self.local: LocalModel | None = None
        try:
            # The file is checked before tarfile sees it: a FIFO would block, a device never end.
            self._file = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)),
                                   "rb")
        except OSError as exc:
            raise self._refuse(f"cannot read it ({exc.strerror or exc})") from exc
        try:
            if not stat.S_ISREG(os.fstat(self._file.fileno()).st_mode):
                raise self._refuse("it is not a file")
            try:
                # Open for the bundle's life: `with Bundle(path) as bundle:` closes it.
                self.tar = tarfile.open(fileobj=self._file, mode="r")  # noqa: SIM115
            except READ_ERRORS:
                # tarfile's own text lists every compression it tried, over several lines.
                raise self._refuse("not a tar file") from None
            try:
                self._index()
            except READ_ERRORS as exc:
                reason = (str(exc).splitlines() or [type(exc).__name__])[0][:100]
                raise self._refuse(f"a damaged tar file ({reason})") from None
        except BaseException:
            self._file.close()
            raise
        self.name = self.local.name if self.local else ""

    def _refuse(self, why: str) -> TransferError:
        return TransferError(f"{self.path} is not a qgoose-tui bundle: {why}")

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.tar.close()
        self._file.close()

    def _index(self) -> None:
        """Every member checked as its header comes, none read but manifest.json. Iterating
        (not getmembers()) stops a million-member bomb at the cap."""
        expected: dict[str, Layer] = {}
        for count, member in enumerate(self.tar, 1):
            if count > MAX_MEMBERS:
                raise self._refuse(f"it has more than {MAX_MEMBERS} members")
            name = member.name.removeprefix("./")
            if member.isdir() and name.rstrip("/") in ("", ".", "blobs"):
                continue  # a tar made by hand may list its folders
            if self.local is None:
                if name != BUNDLE_MANIFEST:
                    raise self._refuse(f"its first file is {name[:80]!r}, not "
                                       f"{BUNDLE_MANIFEST}")
                self.local = self._read_head(member)
                expected = {_blob_member(layer.digest): layer for layer in self.local.layers}
                continue
            layer = expected.get(name)
            if name in self.members or name == BUNDLE_MANIFEST:
                raise self._refuse(f"it holds {name} twice")
            if layer is None:
                raise self._refuse(f"it holds {name[:80]!r}, which its manifest does not list")
            if not member.isfile():
                raise self._refuse(f"{name} is {_member_type(member)}, not a file")
            if member.size != layer.size:
                raise self._refuse(f"{name} holds {member.size:,} bytes, but the manifest "
                                   f"says the {layer.kind} has {layer.size:,} (not read)")
            self.members[name] = member
        if self.local is None:
            raise self._refuse(f"no {BUNDLE_MANIFEST}")

    def _read_head(self, member: tarfile.TarInfo) -> LocalModel:
        if not member.isfile():
            raise self._refuse(f"{BUNDLE_MANIFEST} is {_member_type(member)}, not a file")
        if member.size > MAX_HEAD_BYTES:
            raise self._refuse(f"{BUNDLE_MANIFEST} holds {member.size:,} bytes, far too many")
        handle = self.tar.extractfile(member)
        try:
            head = loads_bounded(handle.read(member.size)) if handle else None
            name, manifest = head["name"], head["manifest"].encode()  # type: ignore[index]
        except (ValueError, RecursionError, KeyError, TypeError, AttributeError):
            # ValueError: not JSON, or a manifest that is no text (a lone surrogate)
            raise self._refuse(f"no readable {BUNDLE_MANIFEST}") from None
        if not isinstance(name, str):
            raise self._refuse(f"no readable {BUNDLE_MANIFEST}")
        return LocalModel.parse(name, manifest)

    def model(self, name: str = "") -> LocalModel:
        assert self.local is not None  # _index made sure
        return self.local

    def open(self, layer: Layer) -> IO[bytes]:
        member = self.members.get(_blob_member(layer.digest))
        handle = self.tar.extractfile(member) if member else None
        if handle is None:
            raise TransferError(f"the bundle lacks the {layer.kind} blob {layer.digest}")
        return handle


class _ChunkFile:
    """What tarfile.addfile reads a member's data from: the checked chunks of one layer."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._held, self._at = b"", 0

    def read(self, size: int) -> bytes:
        parts = []
        while size > 0:
            if self._at == len(self._held):
                self._held, self._at = next(self._chunks, b""), 0
                if not self._held:
                    break
            piece = self._held[self._at:self._at + size]
            self._at += len(piece)
            size -= len(piece)
            parts.append(piece)
        return b"".join(parts)


def _file_member(name: str, size: int) -> tarfile.TarInfo:
    """A plain file, whatever the source was: no link, no owner, no odd mode."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.type, info.mtime = size, 0o644, tarfile.REGTYPE, int(time.time())
    return info


def verify(source: BlobSource, model: LocalModel) -> None:
    """Read every blob of the model through its check. Raises TransferError."""
    for layer in model.blobs:
        for _ in source.chunks(layer):
            pass


def export_bundle(source: ModelsDir, name: str, path: Path) -> LocalModel:
    """Write a bundle of the model's manifest and every blob it lists: each verified first,
    then checked again as it is written (the file may change meanwhile)."""
    model = source.model(name)
    try:
        verify(source, model)
    except TransferError as exc:
        raise TransferError(f"{exc}; {path} was not written") from exc
    head = json.dumps({"name": model.name, "manifest": model.manifest.decode()}).encode()
    tmp: Path | None = None
    try:
        # A name of its own, created exclusively: a file or a link someone left beside the
        # bundle (x.tar.part) is neither overwritten nor written through.
        part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        out = open_new(part)
        tmp = part  # ours from here on, to remove if the bundle is not finished
        with out, tarfile.open(fileobj=out, mode="w") as tar:
            tar.copybufsize = CHUNK  # type: ignore[attr-defined]
            tar.addfile(_file_member(BUNDLE_MANIFEST, len(head)), io.BytesIO(head))
            for layer in model.blobs:
                chunks = source.chunks(layer)
                try:
                    tar.addfile(_file_member(_blob_member(layer.digest), layer.size),
                                cast(BinaryIO, _ChunkFile(chunks)))
                finally:
                    chunks.close()
        part.replace(path)
        tmp = None
    except TransferError as exc:
        raise TransferError(f"{exc}; {path} was not written") from exc
    except OSError as exc:
        raise TransferError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:  # Ctrl-C included
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    return model
