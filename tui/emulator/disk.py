"""Small models with real bytes, for transfers the tests can verify: each blob's digest is
its true SHA-256, the weights are a real (tiny) GGUF file, and the store can be written to
disk in Ollama's own layout (`manifests/<registry>/<namespace>/<model>/<tag>`,
`blobs/sha256-<hex>`).

`build_layers` is shared with the emulator's /api/create, so a model rebuilt from the same
weights, template, system, license and parameters gets the same manifest, hence the same
digest, as the original.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.emulator.catalog import CatalogModel, Layer
from tui.emulator.gguf import FILE_TYPE_NUMBERS, Header, human_number, write_header
from tui.emulator.model_texts import CHATML_TEMPLATE, MIT
from tui.emulator.names import parse_name
from tui.emulator.wire import go_json

if TYPE_CHECKING:
    from tui.emulator.blobs import BlobStore

WEIGHTS_BYTES = 48 * 1024
SMALL_PARAMS = {"stop": ["<|im_start|>", "<|im_end|>"], "temperature": 0.7}


@dataclass(frozen=True)
class Facts:
    """What Ollama reads from a GGUF header into a model's config and details."""

    family: str = "llama"
    parameter_count: int = 1_000_000
    quantization: str = "Q8_0"
    context_length: int = 4096
    embedding_length: int = 256
    embedding_model: bool = False

    @property
    def parameter_size(self) -> str:
        return human_number(self.parameter_count)

    @classmethod
    def of(cls, header: Header) -> Facts:
        return cls(header.architecture or "unknown", header.parameter_count,
                   header.file_type, header.arch_value("context_length"),
                   header.arch_value("embedding_length"),
                   f"{header.architecture}.pooling_type" in header.values)


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def go_encoder_json(value: Any) -> bytes:
    """json.Encoder's bytes (what Ollama writes params and configs with): Go's compact,
    HTML-escaped JSON, map keys sorted, and a trailing newline."""
    def sort(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: sort(item[k]) for k in sorted(item)}
        return [sort(i) for i in item] if isinstance(item, list) else item
    return go_json(sort(value) if isinstance(value, dict) else value) + b"\n"


def text_layer(kind: str, text: str, contents: dict[str, bytes]) -> Layer:
    data = text.encode()
    contents[_digest(data)] = data
    return Layer(_digest(data), len(data), kind)


def config_layer(facts: Facts, layers: list[Layer], contents: dict[str, bytes]) -> Layer:
    """The config blob, Ollama's ConfigV2, in its field order."""
    config = go_json({
        "model_format": "gguf", "model_family": facts.family,
        "model_families": [facts.family], "model_type": facts.parameter_size,
        "file_type": facts.quantization, "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [layer.digest for layer in layers]},
    }) + b"\n"
    contents[_digest(config)] = config
    return Layer(_digest(config), len(config), "config")


def build_layers(weights: tuple[str, int], template: str, system: str, license_text: str,
                 parameters: dict[str, object],
                 facts: Facts = Facts()) -> tuple[tuple[Layer, ...], dict[str, bytes]]:
    """The layers of a model and the bytes of those made here (all but the weights)."""
    contents: dict[str, bytes] = {}
    layers = [Layer(weights[0], weights[1], "model")]
    for kind, text in (("template", template), ("system", system),
                       ("license", license_text)):
        if text:
            layers.append(text_layer(kind, text, contents))
    if parameters:
        data = go_encoder_json(parameters)
        contents[_digest(data)] = data
        layers.append(Layer(_digest(data), len(data), "params"))
    layers.append(config_layer(facts, layers, contents))
    return tuple(layers), contents


def parameter_lines(parameters: dict[str, Any]) -> str:
    """Parameters as /api/show's text ("stop <|im_end|>" a line)."""
    lines = []
    for key, value in parameters.items():
        for item in value if isinstance(value, list) else [value]:
            # Go's %#v quotes a string as strconv.Quote does (no HTML escaping).
            text = json.dumps(item, ensure_ascii=False) if isinstance(item, str) else item
            lines.append(f"{key} {text}")
    return "\n".join(lines)


def gguf_weights(name: str, facts: Facts, size: int = WEIGHTS_BYTES) -> bytes:
    """A tiny GGUF file with `facts` in its header, filled to `size` with stable bytes."""
    arch = facts.family
    values: dict[str, Any] = {
        "general.architecture": arch, "general.name": name,
        "general.parameter_count": facts.parameter_count,
        "general.file_type": FILE_TYPE_NUMBERS.get(facts.quantization, 7),
        f"{arch}.context_length": facts.context_length,
        f"{arch}.embedding_length": facts.embedding_length,
        f"{arch}.block_count": 4, f"{arch}.attention.head_count": 4,
    }
    if facts.embedding_model:
        values[f"{arch}.pooling_type"] = 1
    return write_header(values, size, hashlib.shake_256(f"weights of {name}".encode())
                        .digest(4096))


def small_model(name: str, family: str = "llama") -> tuple[CatalogModel, dict[str, bytes]]:
    """A tiny model (48 KB of GGUF weights) whose blobs are real bytes."""
    facts = Facts(family=family)
    weights = gguf_weights(name, facts)
    layers, contents = build_layers((_digest(weights), len(weights)), CHATML_TEMPLATE, "",
                                    MIT, SMALL_PARAMS, facts)
    contents[_digest(weights)] = weights
    model = CatalogModel(name, family, facts.parameter_size, facts.quantization,
                         facts.parameter_count, facts.context_length, facts.embedding_length,
                         4, 4, 4, ("completion",), CHATML_TEMPLATE, MIT,
                         parameter_lines(SMALL_PARAMS), layers=layers)
    return model, contents


def write_model(directory: Path, name: str, model: CatalogModel, contents: BlobStore,
                raw_manifest: bool = True) -> None:
    """Write a model into an Ollama models directory: its blobs, then its manifest (as the
    registry served it, or Go's re-encoding where the server is older than 0.19)."""
    parsed = parse_name(name)
    blobs = directory / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    for layer in model.layers:
        contents.copy_to(layer.digest, blobs / layer.digest.replace(":", "-"))
    manifest = directory / "manifests" / parsed.host / parsed.namespace / parsed.model
    manifest.mkdir(parents=True, exist_ok=True)
    partial = manifest / f".{parsed.tag}.partial"
    partial.write_bytes(model.stored_manifest(raw_manifest))
    partial.replace(manifest / parsed.tag)  # a reader never sees half a manifest
