"""The emulator's registry side, on the same port as the API (no path collides): manifests
(`/v2/…/manifests/…`: what a pull fetches first, and what an update check hashes), and
`GET`/`HEAD /v2/<namespace>/<model>/blobs/<digest>` for the small text layers (template,
system, license, params), which a client reads to say what an update changes. Weights and
configs answer 404 `BLOB_UNKNOWN` (pulls are simulated).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web

from tui.emulator.catalog import MANIFEST_TYPE, TEXT_KINDS
from tui.emulator.wire import json_response

if TYPE_CHECKING:
    from tui.emulator.server import Emulator
    from tui.emulator.store import Store


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_get("/v2/{namespace}/{model}/manifests/{tag}", partial(_manifest, emulator))
    app.router.add_get("/v2/{namespace}/{model}/blobs/{digest}", partial(_blob, emulator))


def text_blob(store: Store, namespace: str, model: str, digest: str) -> bytes | None:
    """The bytes of a text layer of any tag of `namespace/model` in the registry."""
    repository = f"{namespace}/{model}".casefold()
    for key, entry in store.catalog.items():
        # Keys are full names: "registry.ollama.ai/library/gemma3:4b".
        if key.split("/", 1)[-1].rsplit(":", 1)[0] != repository:
            continue
        if any(layer.digest == digest and layer.kind in TEXT_KINDS for layer in entry.layers):
            data = entry.text_blob(digest) or store.contents.get(digest)
            if data is not None:
                return data
    return None


async def _blob(emulator: Emulator, request: web.Request) -> web.Response:
    faults = emulator.faults
    if faults.registry_latency:
        await asyncio.sleep(faults.registry_latency)
    if faults.registry_status is not None:
        return json_response({"errors": [{"code": "UNAVAILABLE",
                                           "message": "emulated registry fault"}]},
                             faults.registry_status)
    info = request.match_info
    data = text_blob(emulator.store, info["namespace"], info["model"], info["digest"])
    if data is None:
        return json_response({"errors": [{"code": "BLOB_UNKNOWN",
                                           "message": "blob unknown to registry"}]}, 404)
    return web.Response(body=data, headers={"Content-Type": "application/octet-stream",
                                            "Docker-Content-Digest": info["digest"]})


async def _manifest(emulator: Emulator, request: web.Request) -> web.Response:
    """A registry's manifest (GET and HEAD): the bytes whose SHA-256 a pull records as the
    model's digest."""
    faults = emulator.faults
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
