"""The emulator's blob bytes by digest: its own small blobs in memory (up to a cap), the rest,
and every uploaded blob, in files.

Uploads once stayed in memory for ever (800 uploads of 1 MB: 865 MB of RSS); now they are
streamed to a file while hashed, so a flood of uploads costs disk, not memory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterable, Iterable
from pathlib import Path

MEMORY_CAP = 16 << 20  # bytes of blobs kept in memory; past it, blobs go to files
CHUNK = 64 << 10


class DigestMismatch(Exception):
    def __init__(self, got: str) -> None:
        super().__init__(got)
        self.got = got


def file_name(digest: str) -> str:
    """Ollama's blob file name: `sha256-<hex>`."""
    return digest.replace(":", "-", 1)


class BlobStore:
    """Bytes by digest ("sha256:<hex>"). `directory` is where files go (a models directory's
    blobs/); without one, a temporary folder made on first need and removed by close()."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._memory: dict[str, bytes] = {}
        self.memory_bytes = 0
        self._files: dict[str, tuple[Path, int]] = {}  # digest → (file, size)
        self._temporary: tempfile.TemporaryDirectory[str] | None = None

    # -- where files live ---------------------------------------------------------------
    def _folder(self) -> Path:
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            return self.directory
        if self._temporary is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="qgoose-emulator-blobs-")
        return Path(self._temporary.name)

    def path(self, digest: str) -> Path | None:
        """The file holding `digest`, when it is kept in a file."""
        kept = self._files.get(digest)
        return kept[0] if kept else None

    def close(self) -> None:
        """Remove the temporary folder (a models directory is the user's: it stays)."""
        if self._temporary is not None:
            folder = Path(self._temporary.name)
            self._temporary.cleanup()
            self._temporary = None
            self._files = {d: kept for d, kept in self._files.items()
                           if kept[0].parent != folder}

    # -- queries ------------------------------------------------------------------------
    def __contains__(self, digest: object) -> bool:
        return digest in self._memory or digest in self._files

    def __len__(self) -> int:
        return len(self._memory) + len(self._files)

    def size(self, digest: str) -> int | None:
        if digest in self._memory:
            return len(self._memory[digest])
        kept = self._files.get(digest)
        return kept[1] if kept else None

    def read(self, digest: str, limit: int = -1) -> bytes | None:
        """The bytes of `digest` (the first `limit` of them when limit >= 0)."""
        if digest in self._memory:
            data = self._memory[digest]
            return data if limit < 0 else data[:limit]
        path = self.path(digest)
        if path is None:
            return None
        try:
            with path.open("rb") as handle:
                return handle.read(limit)
        except OSError:
            return None

    def get(self, digest: str) -> bytes | None:
        return self.read(digest)

    # -- changes ------------------------------------------------------------------------
    def put(self, digest: str, data: bytes) -> None:
        """Keep `data` (whose digest the caller computed): in memory while under the cap."""
        if digest in self:
            return
        if self.memory_bytes + len(data) <= MEMORY_CAP:
            self._memory[digest] = data
            self.memory_bytes += len(data)
            return
        target = self._folder() / file_name(digest)
        partial = target.with_name(target.name + f".partial-{os.getpid()}")
        partial.write_bytes(data)
        os.replace(partial, target)
        self._files[digest] = (target, len(data))

    def update(self, blobs: dict[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
        items = blobs.items() if isinstance(blobs, dict) else blobs
        for digest, data in items:
            self.put(digest, data)

    def adopt(self, digest: str, path: Path, size: int) -> None:
        """Count a blob file already on disk (a models directory read at start)."""
        self._files[digest] = (path, size)

    def forget(self, digest: str) -> None:
        """Its file was removed (a models directory pruned); bytes kept in memory stay, for
        the registry side to serve."""
        self._files.pop(digest, None)

    async def receive(self, digest: str, chunks: AsyncIterable[bytes]) -> int:
        """Stream an upload into a file, hashing as it comes; keep it only when its bytes
        hash to `digest` (else DigestMismatch with the digest they have). Returns the size."""
        folder = self._folder()
        target = folder / file_name(digest)
        hasher, size, partial = hashlib.sha256(), 0, ""
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-",
                                             delete=False) as handle:
                partial = handle.name
                async for chunk in chunks:
                    hasher.update(chunk)
                    handle.write(chunk)
                    size += len(chunk)
            got = "sha256:" + hasher.hexdigest()
            if got != digest:
                raise DigestMismatch(got)
            os.replace(partial, target)
        finally:
            if partial and os.path.exists(partial):
                os.unlink(partial)
        self._files[digest] = (target, size)
        return size

    def derive(self, digest: str, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Keep a new blob made of `chunks` (a rewrite of `digest`'s bytes), streamed to a
        file while hashed; its digest and size."""
        folder = self._folder()
        hasher, size = hashlib.sha256(), 0
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".derive-", delete=False) as out:
            partial = out.name
            try:
                for chunk in chunks:
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            except BaseException:
                os.unlink(partial)
                raise
        new = "sha256:" + hasher.hexdigest()
        target = folder / file_name(new)
        os.replace(partial, target)
        self._files.setdefault(new, (target, size))
        return new, size

    def chunks(self, digest: str) -> Iterable[bytes]:
        """The bytes of `digest` in pieces (nothing when it is not kept)."""
        if digest in self._memory:
            yield self._memory[digest]
            return
        path = self.path(digest)
        if path is None:
            return
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                yield block

    def copy_to(self, digest: str, target: Path) -> bool:
        """Write `digest`'s bytes to `target` (unless a file of its size is there)."""
        size = self.size(digest)
        if size is None:
            return False
        source = self.path(digest)
        if source == target or target.is_file() and target.stat().st_size == size:
            return True
        partial = target.with_name(target.name + f".partial-{os.getpid()}")
        if source is not None:
            with source.open("rb") as src, partial.open("wb") as dst:
                while block := src.read(CHUNK):
                    dst.write(block)
        else:
            partial.write_bytes(self._memory[digest])
        os.replace(partial, target)
        return True
