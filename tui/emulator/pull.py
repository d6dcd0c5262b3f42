"""The emulator's `/api/pull`: Ollama's statuses, progress lines on a 60 ms ticker, resumed
and shared downloads, errors as a last line; and the stream writer pushes share."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.emulator.catalog import CatalogModel
from tui.emulator.disk import write_model
from tui.emulator.models import prune_unused
from tui.emulator.names import ModelName
from tui.emulator.wire import go_json, json_response, read_request

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

_PULL = {"model": str, "name": str, "stream": bool, "insecure": bool}
Events = AsyncGenerator[dict[str, Any]]


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_post("/api/pull", partial(_pull, emulator))


async def _pull(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = await read_request(request, "PullRequest", _PULL)
    name = emulator.parse(emulator.requested_name(data), "invalid model name")
    return await answer_events(emulator, request, data, pull_events(emulator, name))


async def answer_events(emulator: Emulator, request: web.Request, data: dict[str, Any],
                        events: Events) -> web.StreamResponse:
    """A progress stream as Ollama sends one: NDJSON lines (errors as a last line), or with
    `stream: false` the last status alone (an error with its status, 500 by default). An
    event's "_status" is that status, never sent."""
    if data.get("stream") is False:
        last: dict[str, Any] = {}
        async with contextlib.aclosing(events):
            async for event in events:
                if "error" in event:  # waitForStream's error: plain application/json
                    return json_response({"error": event["error"]}, event.get("_status", 500),
                                         content_type="application/json")
                last = event
        return json_response(last, content_type="application/json")
    response = await emulator.start_stream(request)
    # A client that goes away (a cancel) is normal: like Ollama, keep what was done.
    with contextlib.suppress(ConnectionResetError):
        await _stream(emulator, request, response, events)
    return response


async def _stream(emulator: Emulator, request: web.Request, response: web.StreamResponse,
                  events: Events) -> None:
    sent_events = sent_bytes = 0
    faults = emulator.faults
    async with contextlib.aclosing(events):
        async for event in events:
            event.pop("_status", None)
            line = go_json(event) + b"\n"
            cut = faults.cut_after_bytes
            if cut is not None and sent_bytes + len(line) > cut:
                await response.write(line[: max(0, cut - sent_bytes)])
                _drop_connection(request)
                return
            await response.write(line)
            sent_events, sent_bytes = sent_events + 1, sent_bytes + len(line)
            if faults.cut_after_events is not None and sent_events >= faults.cut_after_events:
                _drop_connection(request)
                return
    await response.write_eof()


def _drop_connection(request: web.Request) -> None:
    """Cut the TCP connection mid-stream, as a dying server or a flaky tunnel does."""
    if request.transport is not None:
        request.transport.abort()


async def pull_events(emulator: Emulator, name: ModelName) -> Events:
    """Ollama's pull sequence: manifest, each layer in turn, verify, write, success."""
    model = emulator.store.find_catalog(name)
    yield {"status": "pulling manifest"}
    await asyncio.sleep(emulator.progress_interval)
    if model is None:
        yield {"error": "pull model manifest: file does not exist"}
        return
    async for event in download(emulator, model):
        yield event
    yield {"status": "verifying sha256 digest"}
    await asyncio.sleep(emulator.progress_interval)
    yield {"status": "writing manifest"}
    before = emulator.store.find_installed(name)
    replaced = emulator.store.install(model, name.display)
    if emulator.models_dir is not None:  # Ollama's store is its disk: the manifest goes there
        _keep_served_bytes(emulator, model)
        await asyncio.to_thread(write_model, emulator.models_dir, name.display, model,
                                emulator.store.contents, emulator.profile.raw_manifest)
    if replaced and not emulator.noprune:
        yield {"status": emulator.profile.removing_status}
        if before is not None:
            await prune_unused(emulator, before.model.layers)
    yield {"status": "success"}


def _keep_served_bytes(emulator: Emulator, model: CatalogModel) -> None:
    """The bytes the registry side serves of `model`'s text and config layers, kept so that
    the pull can write them as blob files."""
    contents = emulator.store.contents
    for layer in model.layers:
        if layer.digest not in contents:
            data = model.config_blob() if layer.kind == "config" else \
                model.text_blob(layer.digest)
            if data is not None:
                contents.put(layer.digest, data)


async def download(emulator: Emulator, model: CatalogModel) -> Events:
    for layer in model.layers:
        async for event in transfer_events(emulator, "pulling", layer.digest, layer.size,
                                           emulator.store.blobs):
            yield event


async def transfer_events(emulator: Emulator, verb: str, digest: str, size: int,
                          done: dict[str, int]) -> Events:
    """One blob as Ollama reports its transfer: a line per tick while it moves, none after.

    Ollama's progress is a 60 ms ticker racing the transfer: the first tick comes before
    any byte (so `completed` is omitted, or is what a resume starts from), and a blob that
    finishes between two ticks gets no line for its last bytes, so its last line may show
    less than its total. A blob already there (`done[digest]` is its size): one full line.
    """
    status = f"{verb} {digest[7:19]}"
    have = done.get(digest, 0)
    if have >= size:
        yield {"status": status, "digest": digest, "total": size, "completed": size}
        return
    me = object()
    loop = asyncio.get_running_loop()
    last = None  # the transfer starts after the first tick
    owed = 0.0  # sleep time not yet taken: the loop's timers cannot wait < ~1 ms
    movers = emulator.downloaders
    try:
        while True:
            line: dict[str, Any] = {"status": status, "digest": digest, "total": size}
            if have:
                line["completed"] = have  # omitted while it is 0
            yield line
            owed += emulator.progress_interval
            if owed >= 0.002 or emulator.progress_interval == 0 or owed >= \
                    emulator.progress_interval * 8:
                await asyncio.sleep(owed)
                owed = 0.0
            now = loop.time()
            # Two transfers of one blob share one download: only one advances it.
            if movers.setdefault(digest, me) is me and last is not None:
                step = emulator.pull_step or int(emulator.pull_rate * (now - last))
                done[digest] = min(size, done.get(digest, 0) + step)
            last = now
            have = done.get(digest, 0)
            if have >= size:
                return  # done between two ticks: no line says so
    finally:
        if movers.get(digest) is me:
            del movers[digest]
