"""Reading the models an Ollama models directory already holds (`--models-dir`), as a server
lists them at start.

The directory may be a mount of someone else's store: a manifest's digests are accepted
only as `sha256:` + 64 lowercase hex, a blob is opened only as a regular file inside blobs/,
read at most to its declared size and checked against its digest. A manifest that breaks a
rule is skipped, with a one-line reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.emulator.catalog import MEDIA_TYPES, CatalogModel, Layer

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
MAX_MANIFEST_BYTES = 1 << 20
MAX_TEXT_BYTES = 8 << 20  # a template, license, system or params layer larger than this is odd
_KINDS = {media_type: kind for kind, media_type in MEDIA_TYPES.items()}


class UnusableManifest(Exception):
    pass


@dataclass
class DirectoryModels:
    models: list[tuple[str, CatalogModel]] = field(default_factory=list)
    blobs: dict[str, tuple[Path, int]] = field(default_factory=dict)  # digest → file, size
    skipped: list[str] = field(default_factory=list)  # one line per manifest not read


def read_models_dir(directory: Path) -> DirectoryModels:
    found = DirectoryModels()
    root = directory / "manifests"
    if not root.is_dir():
        return found
    for manifest in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
        parts = manifest.relative_to(root).parts
        if len(parts) != 4:
            continue
        host, namespace, model, tag = parts
        if tag.startswith("."):
            continue  # a manifest being written (ours are renamed into place)
        name = f"{host}/{namespace}/{model}:{tag}"
        try:
            found.models.append((name, _read_model(directory, manifest, name, found.blobs)))
        except UnusableManifest as exc:
            found.skipped.append(f"skipped {name}: {exc}")
    return found


def _read_model(directory: Path, manifest: Path, name: str,
                blobs: dict[str, tuple[Path, int]]) -> CatalogModel:
    if manifest.is_symlink() or manifest.stat().st_size > MAX_MANIFEST_BYTES:
        raise UnusableManifest("the manifest is a link or too large")
    try:
        data = json.loads(manifest.read_bytes())
        entries = [data["config"], *data["layers"]]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise UnusableManifest("the manifest is not a manifest") from None
    layers: list[Layer] = []
    texts: dict[str, str] = {}
    config: dict[str, Any] = {}
    for entry in entries:
        layer = _layer(entry)
        path = _blob(directory, layer)
        blobs[layer.digest] = (path, layer.size)
        layers.append(layer)
        if layer.kind in ("template", "license", "system", "params", "config"):
            raw = _verified(path, layer)
            if layer.kind == "config":
                config = _json_object(raw)
            else:
                texts[layer.kind] = raw.decode("utf-8", "replace")
    layers.append(layers.pop(0))  # the config goes last, as the emulator lists layers
    params = _json_object(texts.get("params", "").encode() or b"{}")
    from tui.emulator.disk import parameter_lines

    return CatalogModel(
        name, str(config.get("model_family") or "llama"),
        str(config.get("model_type") or "unknown"), str(config.get("file_type") or "unknown"),
        0, 4096, 256, 4, 4, 4, ("completion",), texts.get("template", ""),
        texts.get("license", ""), parameter_lines(params), system=texts.get("system", ""),
        layers=tuple(layers))


def _layer(entry: Any) -> Layer:
    if not isinstance(entry, dict):
        raise UnusableManifest("a layer is not an object")
    digest, size, media_type = entry.get("digest"), entry.get("size"), entry.get("mediaType")
    if not isinstance(digest, str) or not DIGEST.fullmatch(digest):
        raise UnusableManifest(f"digest {str(digest)[:80]!r} is not sha256: and 64 hex")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise UnusableManifest(f"layer {digest[:19]} has no valid size")
    kind = _KINDS.get(str(media_type))
    if kind is None:
        raise UnusableManifest(f"layer {digest[:19]} has an unknown media type")
    return Layer(digest, size, kind)


def _blob(directory: Path, layer: Layer) -> Path:
    """The blob's file: built from a checked digest, a regular file inside blobs/."""
    blobs = (directory / "blobs").resolve()
    path = blobs / layer.digest.replace(":", "-")
    if path.is_symlink() or not path.is_file() or path.resolve().parent != blobs:
        raise UnusableManifest(f"blob {layer.digest[:19]} is missing or not a regular file")
    return path


def _verified(path: Path, layer: Layer) -> bytes:
    if layer.size > MAX_TEXT_BYTES:
        raise UnusableManifest(f"layer {layer.digest[:19]} is too large for its kind")
    with path.open("rb") as handle:
        raw = handle.read(layer.size + 1)
    if len(raw) != layer.size or "sha256:" + hashlib.sha256(raw).hexdigest() != layer.digest:
        raise UnusableManifest(f"blob {layer.digest[:19]} does not match its digest")
    return raw


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise UnusableManifest("a config or params layer is not JSON") from None
    if not isinstance(value, dict):
        raise UnusableManifest("a config or params layer is not a JSON object")
    return value


# -- keeping the directory as Ollama keeps its store --------------------------------------
def manifest_path(directory: Path, host: str, namespace: str, model: str, tag: str) -> Path:
    return directory / "manifests" / host / namespace / model / tag


def remove_manifest(path: Path) -> None:
    """A delete removes the model's manifest file (server/manifest.go: Manifest.Remove), so
    whoever reads the directory no longer finds the model."""
    path.unlink(missing_ok=True)
    for parent in list(path.parents)[:3]:  # the empty model and namespace folders go too
        try:
            parent.rmdir()
        except OSError:
            break


def copy_manifest(source: Path, target: Path, fallback: bytes) -> None:
    """A copy writes the source's manifest bytes under the new name (CopyModel copies the
    file, so both names list one digest); `fallback` when the source has no file."""
    try:
        data = source.read_bytes()
    except OSError:
        data = fallback
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)


def prune_blobs(directory: Path, digests: set[str], also_in_use: set[str]) -> set[str]:
    """Remove the blob files of `digests` that no manifest left in the directory names (nor
    `also_in_use`), as Ollama's Manifest.RemoveLayers does after a delete and a pull that
    replaced layers; the digests removed. Only `blobs/sha256-<hex>` regular files go; when
    a manifest there cannot be read, nothing goes (its layers may be among them)."""
    in_use = set(also_in_use)
    for manifest in (directory / "manifests").rglob("*"):
        if manifest.is_dir() or manifest.name.startswith("."):
            continue
        found = _digests_named(manifest)
        if found is None:
            return set()
        in_use |= found
    blobs = directory / "blobs"
    removed = set()
    for digest in digests - in_use:
        path = blobs / digest.replace(":", "-")
        if DIGEST.fullmatch(digest) and path.is_file() and not path.is_symlink():
            path.unlink()
            removed.add(digest)
    return removed


def _digests_named(manifest: Path) -> set[str] | None:
    """The digests a manifest file names (config and layers); None when it is unreadable."""
    try:
        if manifest.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(manifest.read_bytes())
        entries = [data.get("config"), *data.get("layers", [])]
    except (OSError, ValueError, AttributeError, TypeError, RecursionError):
        return None
    return {e["digest"] for e in entries
            if isinstance(e, dict) and isinstance(e.get("digest"), str)}
