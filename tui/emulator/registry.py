"""The emulator's registry side, on the same port as the API (no path collides): manifests
(`/v2/…/manifests/…`: what a pull fetches first, and what an update check hashes), and
`GET`/`HEAD /v2/<namespace>/<model>/blobs/<digest>`.

Small text layers (template, system, license, params) are served in place, as a client reads
them to say what an update changes. Weights, projectors and configs are redirected to a
storage path on the same server (`/storage/blobs/<digest>`), as the real registry sends
blob downloads to a storage host; there weights and projectors are synthetic GGUF files
(tui/emulator/gguf_blob.py) with Range support (206 and Content-Range), so a client can
read a model's header before pulling it. The log counts what the blob routes served.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web

from tui.emulator.catalog import MANIFEST_TYPE, TEXT_KINDS, CatalogModel
from tui.emulator.gguf_blob import blob_range, projector_header, weights_header
from tui.emulator.wire import json_response

if TYPE_CHECKING:
    from tui.emulator.server import Emulator
    from tui.emulator.store import Store

STORAGE = "/storage/blobs/"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass
class BlobLog:
    """What the blob routes served: bytes of blob bodies, and each request's path and
    whether it carried an Authorization header (tests read it)."""
    bytes_served: int = 0
    requests: list[tuple[str, bool]] = field(default_factory=list)


_LOGS: dict[int, BlobLog] = {}  # by id of a live emulator (a dataclass: unhashable)


def blob_log(emulator: Emulator) -> BlobLog:
    if id(emulator) not in _LOGS:
        _LOGS[id(emulator)] = BlobLog()
        weakref.finalize(emulator, _LOGS.pop, id(emulator), None)
    return _LOGS[id(emulator)]


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_get("/v2/{namespace}/{model}/manifests/{tag}", partial(_manifest, emulator))
    app.router.add_get("/v2/{namespace}/{model}/blobs/{digest}", partial(_blob, emulator))
    app.router.add_get(STORAGE + "{digest}", partial(_storage, emulator))


def text_blob(store: Store, namespace: str, model: str, digest: str) -> bytes | None:
    """The bytes of a text layer of any tag of `namespace/model` in the registry."""
    for entry in _tags_of(store, namespace, model):
        if any(layer.digest == digest and layer.kind in TEXT_KINDS for layer in entry.layers):
            data = entry.text_blob(digest) or store.contents.get(digest)
            if data is not None:
                return data
    return None


def _tags_of(store: Store, namespace: str, model: str) -> list[CatalogModel]:
    repository = f"{namespace}/{model}".casefold()
    # Keys are full names: "registry.ollama.ai/library/gemma3:4b".
    return [entry for key, entry in store.catalog.items()
            if key.split("/", 1)[-1].rsplit(":", 1)[0] == repository]


def _owner(store: Store, digest: str) -> tuple[CatalogModel, str, int] | None:
    """The model whose weights, projector or config `digest` is: (model, kind, size)."""
    for entry in store.catalog.values():
        for layer in entry.layers:
            if layer.digest == digest and layer.kind in ("model", "projector", "config"):
                return entry, layer.kind, layer.size
    return None


def config_blob(store: Store, model: CatalogModel, digest: str) -> bytes:
    """The config layer's bytes: Ollama's ConfigV2, whose SHA-256 is its digest; a model
    made otherwise (created, read from a models dir) has its config in the blob store."""
    made = model.config_blob()
    if made is not None:
        return made
    kept = store.contents.get(digest)
    return kept if kept is not None else b"{}"


async def _faulted(emulator: Emulator, request: web.Request) -> web.Response | None:
    log = blob_log(emulator)
    log.requests.append((request.path, "Authorization" in request.headers))
    faults = emulator.faults
    if faults.registry_latency:
        await asyncio.sleep(faults.registry_latency)
    if faults.registry_status is not None:
        return json_response({"errors": [{"code": "UNAVAILABLE",
                                           "message": "emulated registry fault"}]},
                             faults.registry_status)
    return None


def _unknown() -> web.Response:
    return json_response({"errors": [{"code": "BLOB_UNKNOWN",
                                       "message": "blob unknown to registry"}]}, 404)


async def _blob(emulator: Emulator, request: web.Request) -> web.Response:
    fault = await _faulted(emulator, request)
    if fault is not None:
        return fault
    info = request.match_info
    digest = info["digest"]
    data = text_blob(emulator.store, info["namespace"], info["model"], digest)
    if data is not None:
        blob_log(emulator).bytes_served += len(data)
        return web.Response(body=data, headers={"Content-Type": "application/octet-stream",
                                                "Docker-Content-Digest": digest})
    owned = any(layer.digest == digest for entry in
                _tags_of(emulator.store, info["namespace"], info["model"])
                for layer in entry.layers)
    if not owned or _owner(emulator.store, digest) is None:
        return _unknown()
    raise web.HTTPTemporaryRedirect(STORAGE + digest)  # 307, as the real registry answers


async def _storage(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    fault = await _faulted(emulator, request)
    if fault is not None:
        return fault
    owner = _owner(emulator.store, request.match_info["digest"])
    if owner is None:
        return _unknown()
    model, kind, size = owner
    if kind == "config":
        header = config_blob(emulator.store, model, request.match_info["digest"])
        size = len(header)
    else:
        header = weights_header(model) if kind == "model" else projector_header(model)
    start, end, partial_content = 0, size - 1, False
    asked = request.headers.get("Range")
    if asked:
        match = _RANGE.fullmatch(asked.strip())
        if match is None or match.groups() == ("", ""):
            return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(size - int(last), 0), size - 1
        if start >= size or start > end:
            return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
        partial_content = True
    response = web.StreamResponse(status=206 if partial_content else 200, headers={
        "Content-Type": "application/octet-stream", "Accept-Ranges": "bytes",
        "Content-Length": str(end - start + 1)})
    if partial_content:
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    log = blob_log(emulator)
    for piece in blob_range(header, size, start, end):
        log.bytes_served += len(piece)
        await response.write(piece)
    await response.write_eof()
    return response


async def _manifest(emulator: Emulator, request: web.Request) -> web.Response:
    """A registry's manifest (GET and HEAD): the bytes whose SHA-256 a pull records as the
    model's digest."""
    faults = emulator.faults  # not counted in the blob log: a manifest is no blob
    if faults.registry_latency:
        await asyncio.sleep(faults.registry_latency)
    if faults.registry_status is not None:
        return json_response({"errors": [{"code": "UNAVAILABLE",
                                           "message": "emulated registry fault"}]},
                             faults.registry_status)
    info = request.match_info
    model = emulator.store.registry_manifest(info["namespace"], info["model"], info["tag"])
    if model is None:
        return json_response({"errors": [{"code": "MANIFEST_UNKNOWN",
                                           "message": "manifest unknown"}]}, 404)
    return web.Response(body=model.manifest, headers={
        "Content-Type": MANIFEST_TYPE,
        "Docker-Content-Digest": "sha256:" + model.manifest_digest})
