"""The emulator's registry side (`/v2/…/manifests/…`), on the same port as the API (no path
collides): what a pull fetches first, and what an update check hashes."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web

from tui.emulator.catalog import MANIFEST_TYPE
from tui.emulator.wire import json_response

if TYPE_CHECKING:
    from tui.emulator.server import Emulator


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_get("/v2/{namespace}/{model}/manifests/{tag}", partial(_manifest, emulator))


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
