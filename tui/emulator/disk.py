"""Small models with real bytes, for transfers the tests can verify: each blob's digest is
its true SHA-256, and the store can be written to disk in Ollama's own layout
(`manifests/<registry>/<namespace>/<model>/<tag>`, `blobs/sha256-<hex>`).

`build_layers` is shared with the emulator's /api/create, so a model rebuilt from the same
weights, template, system, license and parameters gets the same manifest, hence the same
digest, as the original.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from tui.emulator.catalog import CHATML_TEMPLATE, MIT, CatalogModel, Layer
from tui.ollama.names import parse_name

if TYPE_CHECKING:
    from tui.emulator.blobs import BlobStore

WEIGHTS_BYTES = 48 * 1024
SMALL_PARAMS = {"stop": ["<|im_start|>", "<|im_end|>"], "temperature": 0.7}


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def build_layers(weights: tuple[str, int], template: str, system: str, license_text: str,
                 parameters: dict[str, object],
                 family: str = "llama") -> tuple[tuple[Layer, ...], dict[str, bytes]]:
    """The layers of a model and the bytes of those made here (all but the weights)."""
    contents: dict[str, bytes] = {}
    layers = [Layer(weights[0], weights[1], "model")]
    for kind, text in (("template", template), ("system", system),
                       ("license", license_text)):
        if text:
            data = text.encode()
            contents[_digest(data)] = data
            layers.append(Layer(_digest(data), len(data), kind))
    if parameters:
        data = json.dumps(parameters, separators=(",", ":"), sort_keys=True).encode()
        contents[_digest(data)] = data
        layers.append(Layer(_digest(data), len(data), "params"))
    config = json.dumps({"model_format": "gguf", "model_family": family,
                         "model_families": [family], "rootfs": {
                             "type": "layers", "diff_ids": [layer.digest for layer in layers]}},
                        separators=(",", ":")).encode()
    contents[_digest(config)] = config
    layers.append(Layer(_digest(config), len(config), "config"))
    return tuple(layers), contents


def parameter_lines(parameters: dict[str, object]) -> str:
    """Parameters as /api/show's text ("stop <|im_end|>" a line)."""
    lines = []
    for key, value in parameters.items():
        for item in value if isinstance(value, list) else [value]:
            lines.append(f"{key} {json.dumps(item) if isinstance(item, str) else item}")
    return "\n".join(lines)


def small_model(name: str, family: str = "llama") -> tuple[CatalogModel, dict[str, bytes]]:
    """A tiny model (48 KB of weights) whose blobs are real bytes."""
    weights = hashlib.shake_256(f"weights of {name}".encode()).digest(WEIGHTS_BYTES)
    layers, contents = build_layers((_digest(weights), len(weights)), CHATML_TEMPLATE, "",
                                    MIT, SMALL_PARAMS, family)
    contents[_digest(weights)] = weights
    model = CatalogModel(name, family, "1M", "Q8_0", 1_000_000, 4096, 256, 4, 4, 4,
                         ("completion",), CHATML_TEMPLATE, MIT,
                         parameter_lines(SMALL_PARAMS), layers=layers)
    return model, contents


def write_model(directory: Path, name: str, model: CatalogModel, contents: BlobStore) -> None:
    """Write a model into an Ollama models directory: its blobs, then its manifest."""
    parsed = parse_name(name)
    blobs = directory / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    for layer in model.layers:
        contents.copy_to(layer.digest, blobs / layer.digest.replace(":", "-"))
    manifest = directory / "manifests" / parsed.host / parsed.namespace / parsed.model
    manifest.mkdir(parents=True, exist_ok=True)
    partial = manifest / f".{parsed.tag}.partial"
    partial.write_bytes(model.manifest)
    partial.replace(manifest / parsed.tag)  # a reader never sees half a manifest
