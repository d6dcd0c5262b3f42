"""The emulator's `/api/push` (routes.go PushHandler, images.go PushModel): streamed like a
pull, with Ollama's statuses and errors, into the emulator's own registry.

The server is signed in to ollama.com as `emulator.account` (the demo's: "demo"); it may
push under that namespace only, as the registry allows. Signed out (account ""), or with
`faults.push` set, pushes fail with the texts Ollama's registry client gives.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web

from tui.emulator.names import ModelName, parse_name
from tui.emulator.pull import Events, answer_events, transfer_events
from tui.emulator.store import key_of
from tui.emulator.wire import ApiError, read_request

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

_PUSH = {"model": str, "name": str, "stream": bool, "insecure": bool}
# The server's public key, as Ollama names it when ollama.com does not know it.
PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHFnb29zZS1lbXVsYXRvci1ub3QtYS1yZWFsLWtleQ"
UNKNOWN_KEY = f'unauthorized: unknown ollama key  "{PUBLIC_KEY}"'
ACCESS_DENIED = "unauthorized: access denied"
MODELS_PATH = "/root/.ollama/models"  # where the pretend server keeps its manifests


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_post("/api/push", partial(_push, emulator))


async def _push(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = await read_request(request, "PushRequest", _PUSH)
    text = emulator.requested_name(data)
    if not text:
        raise ApiError(400, "model is required")
    return await answer_events(emulator, request, data, push_events(emulator, text))


async def push_events(emulator: Emulator, text: str) -> Events:
    yield {"status": "retrieving manifest"}
    await asyncio.sleep(emulator.progress_interval)
    try:
        name: ModelName | None = parse_name(text)
    except ValueError:
        name = None
    entry = emulator.store.find_installed(name) if name else None
    if name is None or entry is None:
        yield {"status": "couldn't retrieve manifest"}
        path = "/".join((name.host, name.namespace, name.model, name.tag)) if name else text
        yield {"error": f"open {MODELS_PATH}/manifests/{path}: no such file or directory"}
        return
    refusal = _refusal(emulator, name)
    if refusal:
        yield {"error": refusal}
        return
    registry = emulator.store.registry_blobs
    for layer in entry.model.layers:
        async for event in transfer_events(emulator, "pushing", layer.digest, layer.size,
                                           registry):
            yield event
        registry[layer.digest] = layer.size
    yield {"status": "pushing manifest"}
    await asyncio.sleep(emulator.progress_interval)
    # The registry now serves it: a pull of the pushed name gets these very layers.
    emulator.store.catalog[key_of(name)] = entry.model.renamed(name.display)
    yield {"status": "success"}


def _refusal(emulator: Emulator, name: ModelName) -> str:
    """Why the registry refuses the push ("" when it accepts it)."""
    fault = emulator.faults.push
    if fault == "unauthorized" or not emulator.account:
        return UNKNOWN_KEY  # no ollama.com user has this server's key
    if fault == "denied" or name.namespace.casefold() != emulator.account.casefold():
        return ACCESS_DENIED  # signed in, but not the owner of the namespace
    return ""
