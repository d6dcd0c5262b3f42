"""The emulator's blob upload (`HEAD`/`POST /api/blobs/sha256:<hex>`) and model creation
from uploaded files (`POST /api/create` with `files`), as a transfer between hosts uses them.

Uploaded bytes are checked against their digest; a model built from the same weights,
template, system, license and parameters gets the same layers, so the same digest.
"""

from __future__ import annotations

import hashlib
import re
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.emulator.disk import build_layers, parameter_lines, write_model
from tui.emulator.wire import ApiError, decode_request, go_json, json_response
from tui.ollama.errors import InvalidNameError
from tui.ollama.names import parse_name

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

_DIGEST = re.compile(r"sha256[:-][0-9a-f]{64}")
MAX_BLOB_BYTES = 256 << 20  # the emulator keeps blobs in memory: small models only


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_route("HEAD", "/api/blobs/{digest}", partial(_has_blob, emulator))
    app.router.add_post("/api/blobs/{digest}", partial(_upload, emulator))
    app.router.add_post("/api/create", partial(_create, emulator))


def _digest_of(request: web.Request) -> str:
    digest = request.match_info["digest"]
    if not _DIGEST.fullmatch(digest):
        raise ApiError(400, "invalid digest format")
    return digest.replace("-", ":", 1)


async def _has_blob(emulator: Emulator, request: web.Request) -> web.Response:
    digest = _digest_of(request)
    return web.Response(status=200 if digest in emulator.store.contents else 404)


async def _upload(emulator: Emulator, request: web.Request) -> web.Response:
    digest = _digest_of(request)
    data = await request.read()
    if len(data) > MAX_BLOB_BYTES:
        raise ApiError(413, "blob too large for the emulator")
    got = "sha256:" + hashlib.sha256(data).hexdigest()
    if got != digest:
        raise ApiError(400, f'digest mismatch, expected "{digest}", got "{got}"')
    emulator.store.contents[digest] = data
    emulator.store.blobs[digest] = len(data)
    if emulator.models_dir is not None:
        blobs = emulator.models_dir / "blobs"
        blobs.mkdir(parents=True, exist_ok=True)
        (blobs / digest.replace(":", "-")).write_bytes(data)
    return web.Response(status=201)


_FIELDS = {"model": str, "files": dict, "template": str, "system": str, "parameters": dict,
           "stream": bool, "from": str}


async def _create(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = decode_request(await request.read(), "CreateRequest", _FIELDS)
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
        (digest, len(emulator.store.contents[digest])), data.get("template") or "",
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

