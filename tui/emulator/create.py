"""The emulator's `/api/create` (server/create.go): a model from another model (`from`, pulled
first when missing) or from uploaded files (`files`, GGUF only), with `template`, `system`,
`license`, `parameters`, `messages` and `quantize`, and Ollama's statuses and errors.

A model created `from` another shares its weights blob (the same digest in both manifests;
deleting one keeps the blob for the other). One created from files takes its family,
parameter count, quantisation and context length from the GGUF header; from 0.30 on
(the 0.33 profile) its weights are rewritten as llama-quantize does, so get a new digest.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.emulator.catalog import CatalogModel, Layer, fake_digest
from tui.emulator.disk import (
    Facts,
    config_layer,
    go_encoder_json,
    parameter_lines,
    text_layer,
    write_model,
)
from tui.emulator.gguf import FILE_TYPE_NUMBERS, NotGGUF, read_header
from tui.emulator.names import InvalidName, ModelName, parse_name
from tui.emulator.pull import Events, answer_events, pull_events, transfer_events
from tui.emulator.wire import ApiError, read_request

if TYPE_CHECKING:
    from tui.emulator.blobs import BlobStore
    from tui.emulator.server import Emulator

_FIELDS = {"model": str, "name": str, "from": str, "files": dict, "template": str,
           "system": str, "parameters": dict, "messages": (list, "[]api.Message"),
           "stream": bool, "quantize": str, "quantization": str}
_DIGEST = re.compile(r"sha256[:-][0-9a-fA-F]{64}")
QUANTIZABLE = ("F16", "BF16", "F32")
HEADER_BYTES = 1 << 20  # enough of a GGUF file for its header (tokenizer arrays skipped)


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_post("/api/create", partial(_create, emulator))


async def _create(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = await read_request(request, "CreateRequest", _FIELDS)
    try:
        name = parse_name(data.get("model") or data.get("name") or "")
    except InvalidName:
        raise ApiError(400, "invalid model name") from None
    files = data.get("files") or {}
    for path, digest in files.items():
        if path.startswith("/") or ".." in path.split("/") or "\\" in path or ":" in path:
            raise ApiError(400, "file path must be relative")
        if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
            raise ApiError(400, "invalid digest format")
    license_texts = _licenses(data.get("license"))
    base = data.get("from") or ""
    if base:
        try:
            base_name = parse_name(base)
        except InvalidName:
            raise ApiError(400, "invalid model name") from None
        events = _from_model(emulator, name, base_name, data, license_texts)
    elif files:
        events = _from_files(emulator, name, files, data, license_texts)
    else:
        raise ApiError(400, "neither 'from' or 'files' was specified")
    return await answer_events(emulator, request, data, events)


def _licenses(value: Any) -> list[str]:
    """`license`: a string or a list of them (one layer each)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v]
    raise ApiError(400, f"unknown license type: {type(value).__name__}")


async def _from_model(emulator: Emulator, name: ModelName, base_name: ModelName,
                      data: dict[str, Any], licenses: list[str]) -> Events:
    store = emulator.store
    if store.find_installed(base_name) is None:  # Ollama pulls a missing base first
        async for event in pull_events(emulator, base_name):
            yield event
            if "error" in event:
                return
    base = store.find_installed(base_name)
    assert base is not None
    model = base.model
    source = base.name
    layers = [replace(layer, source=source) for layer in model.layers
              if layer.kind != "config"]
    # Ollama says which layers it reuses only once the new ones exist (after a quantize's
    # progress, or its refusal), just before the manifest is written.
    reused = [f"using existing layer {layer.digest}" for layer in layers]
    quantize = (data.get("quantize") or data.get("quantization") or "").upper()
    quantization = model.quantization
    if quantize:
        if quantize not in FILE_TYPE_NUMBERS:
            yield {"error": f"unsupported quantization type {quantize}"}
            return
        if model.quantization not in QUANTIZABLE:
            yield {"error": "quantization is only supported for F16, BF16 and F32 models"}
            return
        if quantize != model.quantization:
            weights = next(layer for layer in layers if layer.kind == "model")
            async for event in _quantize(emulator, model.quantization, quantize, weights):
                yield event
            size = weights.size // 2 if quantize.startswith("Q8") else weights.size // 4
            quantized = Layer("sha256:" + fake_digest(weights.digest, quantize), size, "model")
            layers = [quantized if layer is weights else layer for layer in layers]
            quantization = quantize
            reused = [f"creating new layer {quantized.digest}" if weights.digest in status
                      else status for status in reused]
    params = {**_parameters(model.parameters), **(data.get("parameters") or {})}
    facts = Facts(model.family, model.parameter_count, quantization, model.context_length,
                  model.embedding_length)
    layers, statuses = _apply(emulator, layers, data, licenses, params, facts)
    for status in reused + statuses:
        yield {"status": status}
    created = replace(
        model, name=name.display, quantization=quantization, layers=tuple(layers),
        parent=source, template=data.get("template") or model.template,
        system=data.get("system") or model.system,
        license="\n".join(licenses) if licenses else model.license,
        parameters=parameter_lines(params), remote_host="")
    async for event in _finish(emulator, name, created):
        yield event


async def _quantize(emulator: Emulator, have: str, want: str, weights: Layer) -> Events:
    """Ollama's quantize progress: one status, counted in bytes of the source weights."""
    status = f"quantizing {have} model to {want}"
    async for event in transfer_events(emulator, "quantizing", f"sha256:{'0' * 64}",
                                       weights.size, {}):
        yield {**event, "status": status, "digest": "0000000000000000000"}


async def _from_files(emulator: Emulator, name: ModelName, files: dict[str, str],
                      data: dict[str, Any], licenses: list[str]) -> Events:
    contents = emulator.store.contents
    weights: list[tuple[str, Facts, int]] = []
    for path, sent in sorted(files.items()):
        digest = sent.replace("-", ":", 1)
        yield {"status": "parsing GGUF"}
        head = contents.read(digest, HEADER_BYTES)
        if head is None:
            yield {"error": f"open /root/.ollama/models/blobs/{digest.replace(':', '-')}: "
                            "no such file or directory"}
            return
        if not path.endswith(".gguf") and head[:4] != b"GGUF":
            yield {"error": "unknown type", "_status": 400}
            return
        try:
            header = read_header(head)
        except NotGGUF:
            yield {"error": "supplied file was not in GGUF format", "_status": 400}
            return
        weights.append((digest, Facts.of(header), header.length))
    digest, facts, header_length = weights[0]
    if emulator.profile.rewrites_uploaded_weights:
        yield {"status": "validating GGUF model"}
        digest = await asyncio.to_thread(_rewrite_weights, contents, digest, header_length)
        yield {"status": "verifying conversion"}
        yield {"status": f"creating new layer {digest}"}
    else:
        yield {"status": f"using existing layer {digest}"}
    layers = [Layer(digest, contents.size(digest) or 0, "model")]
    params = dict(data.get("parameters") or {})
    layers, statuses = _apply(emulator, layers, data, licenses, params, facts)
    for status in statuses:
        yield {"status": status}
    template = data.get("template") or ""
    created = CatalogModel(
        name.display, facts.family, facts.parameter_size, facts.quantization,
        facts.parameter_count, facts.context_length, facts.embedding_length, 4, 4, 4,
        _capabilities(facts, template), template, "\n".join(licenses),
        parameter_lines(params), system=data.get("system") or "", layers=tuple(layers))
    async for event in _finish(emulator, name, created):
        yield event


_REENCODE = bytes(range(256))[::-1]  # each byte of tensor data b → 255 - b


def _rewrite_weights(contents: BlobStore, digest: str, header_length: int) -> str:
    """What llama-quantize's COPY does to the emulator's uploads: the same GGUF header (the
    same facts), the tensor data re-encoded, so a new, stable digest."""
    def rewritten() -> Iterator[bytes]:
        at = 0
        for chunk in contents.chunks(digest):
            head = chunk[:max(header_length - at, 0)]
            at += len(chunk)
            yield head + chunk[len(head):].translate(_REENCODE)
        yield b"\0" * 32  # the data aligned again: the digest changes even with no tensors

    return contents.derive(digest, rewritten())[0]


def _apply(emulator: Emulator, layers: list[Layer], data: dict[str, Any],
           licenses: list[str], params: dict[str, Any],
           facts: Facts) -> tuple[list[Layer], list[str]]:
    """The request's template, system, licenses, parameters and messages as layers (each
    replacing the base's of its kind), then the config; and the status of each new one."""
    made: dict[str, bytes] = {}
    new: list[Layer] = []
    for kind in ("template", "system"):
        if data.get(kind):
            layers = [layer for layer in layers if layer.kind != kind]
            new.append(text_layer(kind, data[kind], made))
    new += [text_layer("license", text, made) for text in licenses]
    if params and (data.get("parameters") or not any(la.kind == "params" for la in layers)):
        layers = [layer for layer in layers if layer.kind != "params"]
        new.append(_blob_layer("params", go_encoder_json(params), made))
    messages = data.get("messages")
    if messages:
        layers = [layer for layer in layers if layer.kind != "messages"]
        new.append(_blob_layer("messages", go_encoder_json(messages), made))
    known = emulator.store.contents
    statuses = [f"using existing layer {layer.digest}" if layer.digest in known
                else f"creating new layer {layer.digest}" for layer in new]
    layers += new
    layers.append(config_layer(facts, layers, made))
    known.update(made)
    return layers, statuses


def _blob_layer(kind: str, data: bytes, made: dict[str, bytes]) -> Layer:
    from tui.emulator.disk import _digest

    made[_digest(data)] = data
    return Layer(_digest(data), len(data), kind)


async def _finish(emulator: Emulator, name: ModelName, model: CatalogModel) -> Events:
    yield {"status": "writing manifest"}
    emulator.store.install(model, name.display)
    if emulator.models_dir is not None:
        await asyncio.to_thread(write_model, emulator.models_dir, name.display, model,
                                emulator.store.contents)
    yield {"status": "success"}


def _parameters(lines: str) -> dict[str, Any]:
    """A model's parameter text ("stop \"x\"" a line) as the dict Ollama keeps."""
    params: dict[str, Any] = {}
    for line in lines.splitlines():
        key, _, raw = line.partition(" ")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        if key == "stop":
            params.setdefault("stop", []).append(value)
        else:
            params[key] = value
    return params


def _capabilities(facts: Facts, template: str) -> tuple[str, ...]:
    """What Ollama infers: embedding models embed; the template tells tools, insert and
    thinking."""
    if facts.embedding_model:
        return ("embedding",)
    found = ["completion"]
    for capability, mark in (("tools", ".Tools"), ("insert", ".Suffix"),
                             ("thinking", "<think>")):
        if mark in template:
            found.append(capability)
    return tuple(found)
