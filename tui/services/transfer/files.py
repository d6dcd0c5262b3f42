"""Copy a model into a target's models directory as files: every digest kept.

For a target whose store is writable here (its `models_dir`: this machine's, or a mount).
Ollama lists models from its manifests directory on each `/api/tags` (ListHandler walks it
and reads each manifest again when it changed), so a running server shows the copy at its
next list without a restart, and nothing goes through `/api/create`, which from 0.30 on
re-encodes weights sent as files. Each blob is written under a temporary name, checked
against its digest as it is written, then renamed; the manifest, checked the same way, comes
last: the target never lists a model whose blobs are not all there.

The target's store may be a mount of a box someone else controls, whose absolute links
resolve here: nothing is written or read through a link that leads out of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from tui.ollama.digests import blob_file_name
from tui.ollama.errors import InvalidNameError
from tui.ollama.names import parse_name
from tui.services.rename import taken_problem
from tui.services.transfer.send import TransferProgress
from tui.services.transfer.source import (
    BlobSource,
    LocalModel,
    TargetExists,
    TransferError,
    shown,
)
from tui.services.transfer.store import MAX_MANIFEST_BYTES, open_inside

Report = Callable[[TransferProgress], None]


def writable_store(path: str) -> bool:
    """Whether `path` is a models directory (it has blobs/ or manifests/: not any folder)
    this process may write into."""
    if not path:
        return False
    folder = Path(path)
    parts = [folder / "blobs", folder / "manifests"]
    if not any(part.is_dir() for part in parts):
        return False
    return all(os.access(p, os.W_OK | os.X_OK) for p in [folder, *parts] if p.exists())


def _folder_inside(root: Path, folder: Path, create: bool) -> None:
    """Check that each part of `folder` that exists is a directory inside `root` once links
    are followed (creating the missing ones when `create`). Raises TransferError."""
    part = root
    for name in folder.relative_to(root).parts:
        part = part / name
        if not (part.is_symlink() or part.exists()):
            if not create:
                return  # nothing below it exists yet
            part.mkdir()
            continue
        real = part.resolve()
        if not real.is_relative_to(root):
            raise TransferError(f"{part} in the target's models directory is a link that "
                                f"leads out of it (to {shown(str(real))}); nothing is "
                                "written through it")
        if not real.is_dir():
            raise TransferError(f"{part} in the target's models directory is not a folder")


def _there(root: Path, path: Path, size: int) -> bool:
    """Whether `path` is a regular file of `size` bytes inside `root` (a link out of it,
    written over, is not the blob)."""
    try:
        real = path.resolve(strict=True)
        return real.is_relative_to(root) and real.is_file() and real.stat().st_size == size
    except (OSError, RuntimeError):
        return False


def _write_checked(final: Path, chunks: Iterable[bytes], digest: str,
                   counted: Callable[[int], None]) -> None:
    """Write `chunks` to a temporary file beside `final`, hashing them; only when they hash
    to `digest` is the file flushed to disk and renamed into place."""
    fd, partial = tempfile.mkstemp(dir=final.parent, prefix=".qgoose-")
    try:
        hasher = hashlib.sha256()
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                hasher.update(chunk)
                handle.write(chunk)
                counted(len(chunk))
            handle.flush()
            os.fsync(handle.fileno())
        if "sha256:" + hasher.hexdigest() != digest:
            raise TransferError(f"what was written for {digest} does not match it; removed")
        # Readable by the server, which may run as another user (a temporary file is 0600).
        os.chmod(partial, 0o644)
        os.replace(partial, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def copy_files(source: BlobSource, name: str, target_dir: Path, report: Report | None = None,
               as_name: str = "", *, replace: bool = False,
               target_label: str = "the target") -> TransferProgress:
    """Write the model's blobs the target lacks, then its manifest, into `target_dir`.
    Raises TransferError (TargetExists for another model under the name) and OSError."""
    report = report or (lambda progress: None)
    model: LocalModel = source.model(name)
    try:
        parsed = parse_name(as_name or model.name)
    except InvalidNameError as exc:
        raise TransferError(f"cannot create it under that name: {exc}") from exc
    progress = TransferProgress(source_digest=model.digest, way="files")
    try:
        root = target_dir.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise TransferError(f"cannot use {target_dir}: {getattr(exc, 'strerror', None) or exc}"
                            ) from exc
    manifest = root / "manifests" / parsed.host / parsed.namespace / parsed.model / parsed.tag
    blobs = root / "blobs"
    for folder in (blobs, manifest.parent):  # before a byte is written
        _folder_inside(root, folder, create=False)
    if manifest.is_symlink() or manifest.exists():
        with open_inside(root, manifest, "the target's manifest") as handle:
            there = handle.read(MAX_MANIFEST_BYTES + 1)
        if hashlib.sha256(there).hexdigest() == model.digest:
            progress.already_there = True
            progress.target_digest = model.digest
            return progress
        if not replace:
            raise TargetExists(f"{taken_problem(parsed.display, target_label)}; it is another "
                               "version (--force replaces it)")
    _folder_inside(root, blobs, create=True)
    missing = []
    for layer in model.blobs:
        final = blobs / blob_file_name(layer.digest)
        if _there(root, final, layer.size):
            progress.skipped.append(layer.digest)
        else:
            missing.append(layer)
    progress.total = sum(layer.size for layer in missing)

    def sent(size: int) -> None:
        progress.sent += size
        report(progress)

    for layer in missing:
        progress.status = f"writing {layer.digest[7:19]}"
        report(progress)
        _write_checked(blobs / blob_file_name(layer.digest), source.chunks(layer),
                       layer.digest, sent)
        progress.uploaded.append(layer.digest)
    progress.status = "writing manifest"
    report(progress)
    _folder_inside(root, manifest.parent, create=True)
    _write_checked(manifest, [model.manifest], "sha256:" + model.digest, lambda size: None)
    progress.target_digest = model.digest
    progress.status = "success"
    return progress
