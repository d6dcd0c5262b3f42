"""The emulator's model management routes: `/`, version, status, tags, ps, show, delete, copy."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from tui.emulator import recommendations
from tui.emulator.catalog import Layer
from tui.emulator.models_dir import copy_manifest, manifest_path, prune_blobs, remove_manifest
from tui.emulator.names import parse_name
from tui.emulator.shapes import show_body, tag_entry
from tui.emulator.wire import ApiError, go_time, json_response, read_request

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

_SHOW = {"model": str, "name": str, "verbose": bool, "system": str}
_DELETE = {"model": str, "name": str}
_COPY = {"source": str, "destination": str}


def add_routes(app: web.Application, emulator: Emulator) -> None:
    routes = app.router
    routes.add_get("/", _root)  # aiohttp answers HEAD for GET routes, as gin does here
    routes.add_get("/api/version", partial(_version, emulator))
    if emulator.profile.status_route:
        routes.add_get("/api/status", _status)
    if emulator.profile.recommendations:
        recommendations.add_routes(app)
    routes.add_get("/api/tags", partial(_tags, emulator))
    routes.add_get("/api/ps", partial(_ps, emulator))
    routes.add_post("/api/show", partial(_show, emulator))
    routes.add_delete("/api/delete", partial(_delete, emulator))
    routes.add_post("/api/copy", partial(_copy, emulator))


async def _root(request: web.Request) -> web.Response:
    return web.Response(text="Ollama is running")


async def _version(emulator: Emulator, request: web.Request) -> web.Response:
    return json_response({"version": emulator.profile.version})


async def _status(request: web.Request) -> web.Response:
    # Cloud models are allowed (OLLAMA_NO_CLOUD unset), decided by no setting.
    return json_response({"cloud": {"disabled": False, "source": "none"}})


async def _tags(emulator: Emulator, request: web.Request) -> web.Response:
    if emulator.models_dir is not None:
        await asyncio.to_thread(emulator.sync_models_dir)
    entries = [tag_entry(m, emulator.profile) for m in emulator.store.installed_sorted()]
    return json_response({"models": entries})


async def _ps(emulator: Emulator, request: web.Request) -> web.Response:
    models = []
    free_vram = emulator.vram
    # Ollama places models on the GPU in the order they were loaded; what does not
    # fit runs on the CPU. It lists them longest time left first.
    for loaded in emulator.store.running():
        entry = emulator.store.find_installed(parse_name(loaded.name))
        if entry is None:
            continue
        size = entry.model.memory_needed(loaded.num_ctx)
        on_gpu = max(0, min(size, free_vram))
        free_vram -= on_gpu
        models.append((loaded.expires_at, {
            "name": entry.name, "model": entry.name, "size": size,
            "digest": entry.model.stored_digest(emulator.profile.raw_manifest),
            "details": entry.model.details(),
            "expires_at": go_time(loaded.expires_at), "size_vram": on_gpu,
            "context_length": loaded.num_ctx,
        }))
    models.sort(key=lambda pair: pair[0], reverse=True)
    return json_response({"models": [entry for _, entry in models]})


async def _show(emulator: Emulator, request: web.Request) -> web.Response:
    data = await read_request(request, "ShowRequest", _SHOW)
    text = emulator.requested_name(data)
    if not text:
        raise ApiError(400, "model is required")
    _, entry = emulator.installed(text, f"model '{text}' not found")
    return json_response(show_body(entry, bool(data.get("verbose")), emulator.profile))


async def _delete(emulator: Emulator, request: web.Request) -> web.Response:
    data = await read_request(request, "DeleteRequest", _DELETE)
    text = emulator.requested_name(data)
    if not text and emulator.profile.model_refs:
        raise ApiError(400, "model is required")  # internal/modelref in newer servers
    name = emulator.parse(text, f"name {json.dumps(text)} is invalid")
    entry = emulator.store.find_installed(name)
    if entry is None or not emulator.store.delete(name):
        raise ApiError(404, f"model '{text}' not found")
    if emulator.models_dir is not None:
        await asyncio.to_thread(remove_manifest, _on_disk(emulator.models_dir, entry.name))
        await prune_unused(emulator, entry.model.layers)  # always, OLLAMA_NOPRUNE or not
    return web.Response(status=200)


async def prune_unused(emulator: Emulator, layers: Iterable[Layer]) -> None:
    """Remove from the models directory the blob files of `layers` no model uses any more,
    as Ollama does once a manifest is gone or replaced."""
    if emulator.models_dir is None:
        return
    in_use = {layer.digest for e in emulator.store.installed.values() for layer in e.model.layers}
    removed = await asyncio.to_thread(prune_blobs, emulator.models_dir,
                                      {layer.digest for layer in layers}, in_use)
    for digest in removed:
        emulator.store.contents.forget(digest)


def _on_disk(directory: Path, name: str) -> Path:
    parsed = parse_name(name)
    return manifest_path(directory, parsed.host, parsed.namespace, parsed.model, parsed.tag)


async def _copy(emulator: Emulator, request: web.Request) -> web.Response:
    data = await read_request(request, "CopyRequest", _COPY)
    source, destination = data.get("source") or "", data.get("destination") or ""
    src = emulator.parse(source, f"source {json.dumps(source)} is invalid")
    dst = emulator.parse(destination, f"destination {json.dumps(destination)} is invalid")
    entry = emulator.store.find_installed(src)
    if entry is None or not emulator.store.copy(src, dst):
        raise ApiError(404, f"model {json.dumps(source)} not found")
    if emulator.models_dir is not None:
        await asyncio.to_thread(
            copy_manifest, _on_disk(emulator.models_dir, entry.name),
            _on_disk(emulator.models_dir, dst.display),
            entry.model.stored_manifest(emulator.profile.raw_manifest))
    return web.Response(status=200)
