"""Stores and bundles on disk for the transfer tests: a real models directory of tiny
models (real bytes, true digests) to tamper with, and tars written header by header, so a
member can claim a size its data does not have, or hold 200 MB of zeros as a sparse file."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.emulator.blobs import BlobStore
from tui.emulator.catalog import CatalogModel
from tui.emulator.disk import small_model, write_model
from tui.ollama.names import parse_name


def write_store(root: Path, names: list[str]) -> dict[str, tuple[CatalogModel, dict[str, bytes]]]:
    """A models directory holding tiny models; each name's model and blobs."""
    made = {}
    for name in names:
        model, contents = small_model(name)
        blobs = BlobStore()  # write_model reads a BlobStore; callers keep the plain dict
        blobs.update(contents)
        write_model(root, name, model, blobs)
        made[name] = (model, contents)
    return made


def manifest_file(root: Path, name: str) -> Path:
    parsed = parse_name(name)
    return root / "manifests" / parsed.host / parsed.namespace / parsed.model / parsed.tag


def blob_file(root: Path, digest: str) -> Path:
    return root / "blobs" / digest.replace(":", "-")


def layer_of(manifest: dict[str, Any], kind: str) -> dict[str, Any]:
    """The manifest's layer of this kind ("model", "license", "template", …, "config")."""
    if kind == "config":
        return manifest["config"]  # type: ignore[no-any-return]
    return next(p for p in manifest["layers"] if p["mediaType"].endswith("." + kind))


def edit_manifest(root: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = manifest_file(root, name)
    manifest = json.loads(path.read_bytes())
    change(manifest)
    path.write_text(json.dumps(manifest))


@dataclass
class Member:
    name: str
    data: bytes = b""
    zeros: int = 0  # then the data is this many NUL bytes, left as a hole in the file
    claimed: int | None = None  # the size the header gives (default: the data's)
    type: bytes = tarfile.REGTYPE
    linkname: str = ""


def write_tar(path: Path, members: list[Member]) -> None:
    with path.open("wb") as out:
        for member in members:
            info = tarfile.TarInfo(member.name)
            length = member.zeros or len(member.data)
            info.size = length if member.claimed is None else member.claimed
            info.type, info.linkname, info.mode = member.type, member.linkname, 0o644
            if info.type not in tarfile.REGULAR_TYPES:
                info.size = 0 if member.claimed is None else member.claimed
            out.write(info.tobuf(tarfile.GNU_FORMAT))
            if member.zeros:
                out.seek(member.zeros, 1)  # a hole: 200 MB cost nothing
            else:
                out.write(member.data)
            out.write(b"\0" * (-length % tarfile.BLOCKSIZE))
        out.write(b"\0" * (2 * tarfile.BLOCKSIZE))


def bundle_members(model: CatalogModel, contents: dict[str, bytes], name: str = "",
                   manifest: bytes | None = None) -> list[Member]:
    """A good bundle, as export writes it: manifest.json, then each blob."""
    head = json.dumps({"name": name or model.name,
                       "manifest": (manifest or model.manifest).decode()}).encode()
    blobs = {layer.digest: contents[layer.digest] for layer in model.layers}
    return [Member("manifest.json", head),
            *(Member(f"blobs/{d.replace(':', '-')}", data) for d, data in blobs.items())]
