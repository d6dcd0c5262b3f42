"""Copy a model to another Ollama host without the internet.

Ollama's API cannot send a blob out, so the source is read as files: an Ollama models
directory (`manifests/<registry>/<namespace>/<model>/<tag>`, `blobs/sha256-<hex>`; the one
of the machine the app runs on, or a host's `models_dir`, e.g. an sshfs mount) or an
exported bundle (a tar of the manifest and its blobs). Each blob the target lacks is
uploaded (`HEAD`/`POST /api/blobs`; the target checks every byte against the digest), then
`/api/create` rebuilds the model there from the weights, template, system prompt,
parameters and license. Free of Textual: the CLI and the TUI share it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import tarfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.ollama import OllamaClient
from tui.ollama.errors import InvalidNameError
from tui.ollama.names import parse_name

CHUNK = 1 << 20
WEIGHTS = "application/vnd.ollama.image.model"
TEXT_LAYERS = {"application/vnd.ollama.image.template": "template",
               "application/vnd.ollama.image.system": "system",
               "application/vnd.ollama.image.license": "license",
               "application/vnd.ollama.image.params": "parameters"}
MAX_TEXT_LAYER = 4 << 20  # templates, licenses and parameters are small
BUNDLE_MANIFEST = "manifest.json"


class TransferError(Exception):
    """The transfer cannot go on; the message says why and what exists now."""


@dataclass(frozen=True)
class Layer:
    media_type: str
    digest: str
    size: int


@dataclass(frozen=True)
class LocalModel:
    name: str
    manifest: bytes
    layers: list[Layer]  # the config last

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.manifest).hexdigest()

    @classmethod
    def parse(cls, name: str, manifest: bytes) -> LocalModel:
        try:
            data = json.loads(manifest)
            parts = [*data["layers"], data["config"]]
            layers = [Layer(p["mediaType"], p["digest"], int(p["size"])) for p in parts]
        except (ValueError, KeyError, TypeError) as exc:
            raise TransferError(f"the manifest of {name} cannot be read: {exc}") from exc
        return cls(name, manifest, layers)


@dataclass
class TransferProgress:
    total: int = 0  # bytes to send (those the target lacks)
    sent: int = 0
    skipped: list[str] = field(default_factory=list)  # blobs the target already had
    uploaded: list[str] = field(default_factory=list)
    status: str = ""

    @property
    def fraction(self) -> float:
        return self.sent / self.total if self.total else 1.0


Report = Callable[[TransferProgress], None]


class BlobSource:
    """Where a model's bytes come from."""

    def model(self, name: str) -> LocalModel:
        raise NotImplementedError

    def open(self, digest: str) -> Any:
        """A binary file object for the blob."""
        raise NotImplementedError


class ModelsDir(BlobSource):
    def __init__(self, path: Path) -> None:
        self.path = path

    def model(self, name: str) -> LocalModel:
        try:
            parsed = parse_name(name)
        except InvalidNameError as exc:
            raise TransferError(str(exc)) from exc
        manifest = (self.path / "manifests" / parsed.host / parsed.namespace / parsed.model
                    / parsed.tag)
        try:
            return LocalModel.parse(parsed.display, manifest.read_bytes())
        except FileNotFoundError:
            raise TransferError(f"{parsed.display} is not in {self.path} (no {manifest}); is "
                                "this the source host's models directory?") from None
        except OSError as exc:
            raise TransferError(f"cannot read {manifest}: {exc.strerror}") from exc

    def open(self, digest: str) -> Any:
        path = self.path / "blobs" / digest.replace(":", "-")
        try:
            return path.open("rb")
        except OSError as exc:
            raise TransferError(f"cannot read the blob {path}: {exc.strerror}") from exc


class Bundle(BlobSource):
    """An exported tar: manifest.json ({"name", "manifest"}) and blobs/sha256-<hex>."""

    def __init__(self, path: Path) -> None:
        try:
            # Open for the bundle's life: `with Bundle(path) as bundle:` closes it.
            self.tar = tarfile.open(path, "r")  # noqa: SIM115
            head = json.loads(self._read(BUNDLE_MANIFEST))
            self.name, manifest = str(head["name"]), str(head["manifest"]).encode()
        except tarfile.TarError:
            # tarfile's own text lists every compression it tried, over several lines.
            raise TransferError(f"{path} is not a qgoose-tui bundle: not a tar file") from None
        except OSError as exc:
            raise TransferError(f"{path} is not a qgoose-tui bundle: cannot read it "
                                f"({exc.strerror or exc})") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise TransferError(f"{path} is not a qgoose-tui bundle: no readable "
                                f"{BUNDLE_MANIFEST} ({type(exc).__name__})") from exc
        self.local = LocalModel.parse(self.name, manifest)

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.tar.close()

    def _read(self, member: str) -> bytes:
        handle = self.tar.extractfile(member)
        if handle is None:
            raise KeyError(member)
        return handle.read()

    def model(self, name: str = "") -> LocalModel:
        return self.local

    def open(self, digest: str) -> Any:
        try:
            handle = self.tar.extractfile(f"blobs/{digest.replace(':', '-')}")
        except KeyError:
            handle = None
        if handle is None:
            raise TransferError(f"the bundle lacks the blob {digest}")
        return handle


async def _chunks(source: BlobSource, layer: Layer, progress: TransferProgress,
                  report: Report) -> AsyncIterator[bytes]:
    """The blob's bytes, checked against its digest as they go."""
    digest = hashlib.sha256()
    handle = source.open(layer.digest)
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            digest.update(chunk)
            progress.sent += len(chunk)
            report(progress)
            yield chunk
    finally:
        handle.close()
    if "sha256:" + digest.hexdigest() != layer.digest:
        raise TransferError(f"the source blob {layer.digest} is damaged (its bytes do not "
                            "match its digest); nothing was created")


def _text(source: BlobSource, layer: Layer) -> str:
    if layer.size > MAX_TEXT_LAYER:
        raise TransferError(f"the {TEXT_LAYERS[layer.media_type]} layer is too big to be one")
    with source.open(layer.digest) as handle:
        return handle.read().decode("utf-8", "replace")


def create_body(source: BlobSource, model: LocalModel) -> dict[str, Any]:
    """What /api/create needs to rebuild the model: the weights, and the text layers."""
    weights = [layer for layer in model.layers if layer.media_type == WEIGHTS]
    others = [layer for layer in model.layers[:-1]
              if layer.media_type != WEIGHTS and layer.media_type not in TEXT_LAYERS]
    if len(weights) != 1 or others:
        kinds = ", ".join(sorted({layer.media_type.rsplit(".", 1)[-1] for layer in others}))
        raise TransferError(f"{model.name} has layers a transfer cannot rebuild yet "
                            f"({kinds or 'several weights'}): vision projectors and adapters "
                            "are not sent")
    body: dict[str, Any] = {"files": {"model.gguf": weights[0].digest}}
    for layer in model.layers:
        field_name = TEXT_LAYERS.get(layer.media_type)
        if field_name == "parameters":
            try:
                body["parameters"] = json.loads(_text(source, layer))
            except ValueError as exc:
                raise TransferError(f"the parameters of {model.name} cannot be read") from exc
        elif field_name:
            body[field_name] = _text(source, layer)
    return body


async def send_model(source: BlobSource, name: str, target: OllamaClient,
                     report: Report | None = None, as_name: str = "") -> TransferProgress:
    """Upload what the target lacks, then create the model there. Cancel by cancelling the
    task: blobs already uploaded stay (a retry skips them). Raises TransferError and
    OllamaError."""
    report = report or (lambda progress: None)
    model = source.model(name)
    body = create_body(source, model)
    progress = TransferProgress()
    sendable = [layer for layer in model.layers[:-1] if layer.media_type == WEIGHTS]
    missing = []
    for layer in sendable:
        if await target.has_blob(layer.digest):
            progress.skipped.append(layer.digest)
        else:
            missing.append(layer)
    progress.total = sum(layer.size for layer in missing)
    for layer in missing:
        progress.status = f"sending {layer.digest[7:19]}"
        report(progress)
        await target.push_blob(layer.digest, _chunks(source, layer, progress, report),
                               layer.size)
        progress.uploaded.append(layer.digest)
    async for status in target.create(as_name or model.name, body):
        progress.status = status
        report(progress)
    return progress


def export_bundle(source: ModelsDir, name: str, path: Path) -> LocalModel:
    """Write a bundle (tar) of the model's manifest and every blob it lists."""
    model = source.model(name)
    head = json.dumps({"name": model.name, "manifest": model.manifest.decode()}).encode()
    tmp = path.with_name(path.name + ".part")
    try:
        with tarfile.open(tmp, "w") as tar:
            info = tarfile.TarInfo(BUNDLE_MANIFEST)
            info.size = len(head)
            tar.addfile(info, io.BytesIO(head))
            for layer in model.layers:
                blob = source.path / "blobs" / layer.digest.replace(":", "-")
                tar.add(blob, arcname=f"blobs/{blob.name}")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise TransferError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return model
