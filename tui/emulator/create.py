"""The emulator's blob upload (`HEAD`/`POST /api/blobs/sha256:<hex>`) and model creation
from uploaded files (`POST /api/create` with `files`), as a transfer between hosts uses them.

Uploaded bytes are checked against their digest; a model built from the same weights,
template, system, license and parameters gets the same layers, so the same digest.
"""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.emulator.blobs import CHUNK, DigestMismatch
from tui.emulator.disk import build_layers, parameter_lines, write_model
from tui.emulator.wire import ApiError, go_json, json_response, read_request
from tui.ollama.errors import InvalidNameError
from tui.ollama.names import parse_name

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

# Ollama's pattern for a blob's digest in a path (either separator, either case of hex).
_DIGEST = re.compile(r"sha256[:-][0-9a-fA-F]{64}")


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_route("HEAD", "/api/blobs/{digest}", partial(_has_blob, emulator))
    app.router.add_post("/api/blobs/{digest}", partial(_upload, emulator))
    app.router.add_post("/api/create", partial(_create, emulator))


def _digest_of(request: web.Request) -> tuple[str, str]:
    """The digest as sent, and as the blob's name (`sha256:`; hex case kept, as a file
    name keeps it: an upper-case digest names no blob)."""
    sent = request.match_info["digest"]
    if not _DIGEST.fullmatch(sent):
        raise ApiError(400, "invalid digest format")
    return sent, sent.replace("-", ":", 1)


async def _has_blob(emulator: Emulator, request: web.Request) -> web.Response:
    sent, digest = _digest_of(request)
    if digest not in emulator.store.contents:
        raise ApiError(404, f'blob "{sent}" not found')
    return web.Response(status=200)


async def _upload(emulator: Emulator, request: web.Request) -> web.Response:
    sent, digest = _digest_of(request)
    if digest in emulator.store.contents:
        return web.Response(status=200)  # Ollama does not read the body again
    try:
        size = await emulator.store.contents.receive(sent, request.content.iter_chunked(CHUNK))
    except DigestMismatch as exc:
        raise ApiError(400, f'digest mismatch, expected "{sent}", got "{exc.got}"') from None
    except OSError as exc:  # a full disk, an unwritable models directory
        raise ApiError(500, f"write {digest.replace(':', '-')}: {exc.strerror}") from None
    emulator.store.blobs[digest] = size
    return web.Response(status=201)


_FIELDS = {"model": str, "files": dict, "template": str, "system": str, "parameters": dict,
           "stream": bool, "from": str}


async def _create(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = await read_request(request, "CreateRequest", _FIELDS)
    try:
        name = parse_name(data.get("model") or "")
    except InvalidNameError:
        raise ApiError(400, "invalid model name") from None
    files = data.get("files") or {}
    if not files:
        raise ApiError(400, "neither 'from' or 'files' was specified")
    weights = [d for f, d in files.items() if str(f).endswith(".gguf")]
    if len(weights) != 1 or not isinstance(weights[0], str):
        raise ApiError(400, "the emulator creates from exactly one .gguf file")
    digest = weights[0]
    if digest not in emulator.store.contents:
        raise ApiError(400, f"blob {digest} not found: upload it with POST /api/blobs first")
    license_text = data.get("license") or ""
    if isinstance(license_text, list):
        license_text = "\n".join(str(item) for item in license_text)
    parameters = data.get("parameters") or {}
    layers, contents = build_layers(
        (digest, emulator.store.contents.size(digest) or 0), data.get("template") or "",
        data.get("system") or "", str(license_text), parameters)
    statuses = ["parsing GGUF"]
    for layer in layers:
        known = layer.digest in emulator.store.contents
        statuses.append(f"using existing layer {layer.digest}" if known
                        else f"creating new layer {layer.digest}")
    emulator.store.contents.update(contents)
    model = _created_model(name.display, layers, data, parameters)
    emulator.store.install(model, name.display)
    if emulator.models_dir is not None:
        write_model(emulator.models_dir, name.display, model, emulator.store.contents)
    statuses += ["writing manifest", "success"]
    if data.get("stream") is False:
        return json_response({"status": "success"})
    response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    await response.prepare(request)
    for status in statuses:
        await response.write(go_json({"status": status}) + b"\n")
    await response.write_eof()
    return response


def _created_model(name: str, layers: Any, data: dict[str, Any],
                   parameters: dict[str, Any]) -> Any:
    from tui.emulator.catalog import CatalogModel

    return CatalogModel(name, "llama", "1M", "Q8_0", 1_000_000, 4096, 256, 4, 4, 4,
                        ("completion",), data.get("template") or "",
                        str(data.get("license") or ""), parameter_lines(parameters),
                        system=data.get("system") or "", layers=layers)

