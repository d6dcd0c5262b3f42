"""What every source of a model's bytes shares: the manifest, read and checked; and each
layer's bytes, read at most to their declared size and checked against their digest.

A source (a models directory, perhaps an sshfs mount of a box someone else controls, or a
bundle someone sent) is untrusted: a manifest names files and URLs through its digests, so a
digest is accepted only in its one true form (tui/ollama/digests.py), and no byte counts
until it has matched the digest the manifest gives it.
"""

from __future__ import annotations

import hashlib
import lzma
import tarfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO

from tui.ollama.digests import BadDigest, check_digest
from tui.ollama.json_limits import loads_bounded

CHUNK = 1 << 20
WEIGHTS = "application/vnd.ollama.image.model"
TEXT_LAYERS = {"application/vnd.ollama.image.template": "template",
               "application/vnd.ollama.image.system": "system",
               "application/vnd.ollama.image.license": "license",
               "application/vnd.ollama.image.params": "parameters"}
MAX_TEXT_LAYER = 4 << 20  # templates, licenses and parameters are small
MAX_LAYERS = 256  # real manifests list a handful
MAX_LAYER_BYTES = 1 << 40  # 1 TiB: no model's layer is near it
# What a damaged file or archive raises while it is read (truncated gzip: EOFError).
READ_ERRORS = (OSError, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError)


class TransferError(Exception):
    """The transfer cannot go on; the message says why and what exists now."""


class TargetExists(TransferError):
    """The target has another model under the name: replacing it needs the user's word."""


@dataclass(frozen=True)
class Layer:
    media_type: str
    digest: str  # checked: sha256:<64 hex>
    size: int
    kind: str  # for messages: "weights", "license", "config", …


def shown(text: str) -> str:
    """Text from a store or bundle, for a one-line message: quoted when it holds anything
    but printable characters (a newline would make two lines; printable() shows the rest)."""
    return text if text.isprintable() else repr(text[:80])


def _kind(media_type: str) -> str:
    if media_type == WEIGHTS:
        return "weights"
    return TEXT_LAYERS.get(media_type) or shown(media_type.rsplit(".", 1)[-1][:40])


@dataclass(frozen=True)
class LocalModel:
    name: str
    manifest: bytes
    layers: list[Layer]  # the config last

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.manifest).hexdigest()

    @property
    def shown_name(self) -> str:
        return shown(self.name)

    @property
    def blobs(self) -> list[Layer]:
        """Each blob once (two layers may share one)."""
        return list({layer.digest: layer for layer in self.layers}.values())

    @classmethod
    def parse(cls, name: str, manifest: bytes) -> LocalModel:
        """The manifest's layers, every digest and size checked. Raises TransferError."""
        def refuse(why: str) -> TransferError:
            return TransferError(f"the manifest of {shown(name)} cannot be used: {why}")

        try:
            data = loads_bounded(manifest.decode())  # UTF-8: a bundle carries it as text
        except (ValueError, RecursionError):
            raise refuse("it is not JSON") from None
        parts = data.get("layers") if isinstance(data, dict) else None
        if not isinstance(parts, list) or not isinstance(data.get("config"), dict):
            raise refuse("it lists no layers and config")
        if len(parts) > MAX_LAYERS:
            raise refuse(f"it lists {len(parts):,} layers (real ones list a few)")
        layers, sizes = [], dict[str, int]()
        for index, part in enumerate([*parts, data["config"]]):
            is_config = index == len(parts)
            if not isinstance(part, dict) or not isinstance(part.get("mediaType"), str):
                raise refuse("a layer without a media type")
            kind = "config" if is_config else _kind(part["mediaType"])
            try:
                digest = check_digest(part.get("digest"))
            except BadDigest as exc:
                raise refuse(f"its {kind} layer's {exc}") from None
            size = part.get("size")
            if not isinstance(size, int) or isinstance(size, bool) or \
                    not 0 <= size <= MAX_LAYER_BYTES:
                raise refuse(f"its {kind} layer's size {str(size)[:40]!r} cannot be right")
            if sizes.setdefault(digest, size) != size:
                raise refuse(f"it gives the blob {digest} two sizes")
            layers.append(Layer(part["mediaType"], digest, size, kind))
        return cls(name, manifest, layers)


class BlobSource:
    """Where a model's bytes come from."""

    def model(self, name: str) -> LocalModel:
        raise NotImplementedError

    def open(self, layer: Layer) -> IO[bytes]:
        """The blob's file, never anything but a regular file of the source.
        Raises TransferError."""
        raise NotImplementedError

    def chunks(self, layer: Layer) -> Generator[bytes, None, None]:
        """The layer's bytes, checked (see checked_chunks)."""
        handle = self.open(layer)
        try:
            yield from checked_chunks(handle, layer)
        finally:
            handle.close()


def checked_chunks(handle: IO[bytes], layer: Layer) -> Iterator[bytes]:
    """Exactly the layer's declared size, read from `handle`, whose SHA-256 must be its
    digest. The last chunk comes only once the whole has matched: whoever sends or writes
    the chunks as they come never passes on a complete blob that is wrong. Raises
    TransferError."""
    what = f"the {layer.kind} blob {layer.digest}"
    digest, left, held = hashlib.sha256(), layer.size, b""
    try:
        while left:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                raise TransferError(f"{what} is shorter than its manifest says "
                                    f"({layer.size - left:,} of {layer.size:,} bytes)")
            left -= len(chunk)
            digest.update(chunk)
            if held:
                yield held
            held = chunk
        if handle.read(1):
            raise TransferError(f"{what} is longer than its manifest says "
                                f"({layer.size:,} bytes)")
    except READ_ERRORS as exc:
        raise TransferError(f"cannot read {what}: {getattr(exc, 'strerror', None) or exc}") \
            from exc
    if "sha256:" + digest.hexdigest() != layer.digest:
        raise TransferError(f"{what} is damaged: its bytes do not match its digest")
    if held:
        yield held
