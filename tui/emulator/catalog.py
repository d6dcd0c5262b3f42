"""What the emulator knows of a model: its layers, its manifest (as the registry and as Go
write it), its config blob and its text layers. The demo's models are in demo_models.py."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from tui.emulator.go_manifest import go_json, go_reencoded


def fake_digest(*parts: object) -> str:
    """A stable 64-hex digest for made-up layers."""
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_TYPES = {
    "model": "application/vnd.ollama.image.model",
    "projector": "application/vnd.ollama.image.projector",
    "template": "application/vnd.ollama.image.template",
    "license": "application/vnd.ollama.image.license",
    "system": "application/vnd.ollama.image.system",
    "params": "application/vnd.ollama.image.params",
    "messages": "application/vnd.ollama.image.messages",
    "config": "application/vnd.docker.container.image.v1+json",
}


TEXT_KINDS = ("template", "system", "license", "params")
# How the registry lays out a manifest's JSON. Ollama's own is compact in Go's field order;
# other registries and push tools indent it or order the keys otherwise, which servers
# before 0.19 did not keep (they stored Go's re-encoding).
MANIFEST_STYLES = ("compact", "pretty", "reordered")


@dataclass(frozen=True)
class Layer:
    digest: str  # "sha256:" + 64 hex
    size: int
    kind: str  # model, template, license, params, system, messages, projector, config
    source: str = ""  # the model a created model took this layer from ("from" in manifests)


def params_blob(parameters: str) -> bytes:
    """A params layer as Ollama writes it: the parameters ("stop \"<|im_end|>\"" lines) as
    one JSON object, keys sorted, `stop` always a list."""
    values: dict[str, list[Any]] = {}
    for line in parameters.splitlines():
        key, _, text = line.partition(" ")
        try:
            value = json.loads(text)  # "\"<|im_end|>\"", 0.7, 8192
        except ValueError:
            value = text  # anything else, as the text it is
        values.setdefault(key, []).append(value)
    return go_json({key: items if key == "stop" or len(items) > 1 else items[0]
                    for key, items in sorted(values.items())})


def text_blobs(template: str, license_text: str, params: str,
               system: str = "") -> dict[str, bytes]:
    """The bytes of a model's text layers by kind: what /api/show's texts are read from."""
    texts = {"template": template.encode(), "license": license_text.encode(),
             "system": system.encode(), "params": params_blob(params) if params else b""}
    return {kind: data for kind, data in texts.items() if data}


def _text_layer(kind: str, data: bytes) -> Layer:
    return Layer("sha256:" + hashlib.sha256(data).hexdigest(), len(data), kind)


def config_bytes(family: str, parameter_size: str, quantization: str, vision: bool,
                 layers: tuple[Layer, ...] | list[Layer]) -> bytes:
    """The config blob as Ollama writes it (ConfigV2 through json.Encoder: compact, Go's
    field order, a newline), listing the other layers' digests; so its digest is its
    bytes' SHA-256, as on the real registry (llama3.2's real config is exactly this)."""
    return go_json({
        "model_format": "gguf", "model_family": family,
        "model_families": [family, "clip"] if vision else [family],
        "model_type": parameter_size, "file_type": quantization,
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [layer.digest for layer in layers
                                                  if layer.kind != "config"]},
    }) + b"\n"


def _config_layer(family: str, parameter_size: str, quantization: str,
                  layers: tuple[Layer, ...] | list[Layer]) -> Layer:
    vision = any(layer.kind == "projector" for layer in layers)
    return _text_layer("config", config_bytes(family, parameter_size, quantization, vision,
                                              layers))


@dataclass(frozen=True)
class CatalogModel:
    name: str  # display form, e.g. "llama3.2:latest"
    family: str
    parameter_size: str
    quantization: str
    parameter_count: int
    context_length: int
    embedding_length: int
    block_count: int
    heads: int
    kv_heads: int
    capabilities: tuple[str, ...]
    template: str
    license: str
    parameters: str = ""
    system: str = ""
    remote_host: str = ""
    layers: tuple[Layer, ...] = field(default=())
    manifest_style: str = "compact"  # one of MANIFEST_STYLES
    parent: str = ""  # the model it was created from (details.parent_model in /api/show)
    # More of the architecture's own figures (key length, sliding window, experts), under
    # `<family>.` in model_info and in the weights' GGUF header alike.
    arch_extra: tuple[tuple[str, Any], ...] = ()

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.layers)

    @cached_property
    def manifest(self) -> bytes:
        """The manifest as the registry serves it. It lists the layers, so two tags of one
        model (`gemma3:latest` and `gemma3:4b`) have the same manifest."""
        def entry(layer: Layer) -> dict[str, Any]:
            fields = {"mediaType": MEDIA_TYPES[layer.kind], "digest": layer.digest,
                      "size": layer.size}
            return {**fields, "from": layer.source} if layer.source else fields

        config = [layer for layer in self.layers if layer.kind == "config"]
        manifest: dict[str, Any] = {
            "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
            "config": entry(config[0]) if config else {},
            "layers": [entry(layer) for layer in self.layers if layer.kind != "config"],
        }
        if self.manifest_style == "pretty":  # as `docker push` writes one
            return (json.dumps(manifest, indent=3) + "\n").encode()
        if self.manifest_style == "reordered":
            manifest = {key: manifest[key] for key in reversed(manifest)}
            manifest["config"] = {k: v for k, v in reversed(manifest["config"].items())}
            manifest["layers"] = [dict(reversed(part.items())) for part in manifest["layers"]]
        return json.dumps(manifest, separators=(",", ":")).encode()

    @cached_property
    def manifest_digest(self) -> str:
        """The SHA-256 of the manifest's bytes as the registry serves them."""
        return hashlib.sha256(self.manifest).hexdigest()

    @cached_property
    def go_manifest_digest(self) -> str:
        return hashlib.sha256(go_reencoded(self.manifest)).hexdigest()

    def stored_manifest(self, raw: bool) -> bytes:
        """The manifest file a pull leaves: the registry's bytes (`raw`, Ollama 0.19 and
        later) or Go's re-encoding of them (before)."""
        return self.manifest if raw else go_reencoded(self.manifest)

    def stored_digest(self, raw: bool) -> str:
        """What /api/tags calls the digest after a pull: the stored manifest's SHA-256."""
        return self.manifest_digest if raw else self.go_manifest_digest

    def text_blob(self, digest: str) -> bytes | None:
        """The bytes of one of this model's text layers (template, system, license,
        params), when they are known here."""
        for data in text_blobs(self.template, self.license, self.parameters,
                               self.system).values():
            if "sha256:" + hashlib.sha256(data).hexdigest() == digest:
                return data
        return None

    def newer(self, changes: tuple[str, ...] = ("template",)) -> CatalogModel:
        """The version the registry has after an update of `changes` (any of weights,
        template, params, system, license): those layers and the config are new, the rest
        is shared with this version."""
        changed = replace(
            self,
            template=self.template + "{{- /* updated */ -}}" if "template" in changes
            else self.template,
            parameters=(self.parameters + "\nrepeat_last_n 128").strip()
            if "params" in changes else self.parameters,
            system=(self.system + " Answer briefly.").strip() if "system" in changes
            else self.system,
            license=self.license + "4. Updated terms.\n" if "license" in changes
            else self.license)
        blobs = text_blobs(changed.template, changed.license, changed.parameters,
                           changed.system)
        layers: list[Layer] = []
        for layer in self.layers:
            if layer.kind == "config":
                continue  # made again below, from the new layers
            if layer.kind == "model" and "weights" in changes:
                layers.append(Layer("sha256:" + fake_digest(layer.digest, "newer"),
                                    layer.size, layer.kind))
            elif layer.kind not in changes:
                layers.append(layer)
            elif layer.kind in blobs and all(other.kind != layer.kind for other in layers):
                layers.append(_text_layer(layer.kind, blobs[layer.kind]))  # one in place
        for kind in TEXT_KINDS:  # a kind this version adds
            if kind in changes and kind in blobs and all(x.kind != kind for x in layers):
                layers.append(_text_layer(kind, blobs[kind]))
        if any(layer.kind == "config" for layer in self.layers):
            layers.append(_config_layer(self.family, self.parameter_size, self.quantization,
                                        layers))
        return replace(changed, layers=tuple(layers))

    def config_blob(self) -> bytes | None:
        """The bytes of this model's config layer, when it is the config Ollama writes."""
        config = next((layer for layer in self.layers if layer.kind == "config"), None)
        data = config_bytes(self.family, self.parameter_size, self.quantization,
                            self.has_vision, self.layers)
        if config is None or config.digest != _text_layer("config", data).digest:
            return None
        return data

    def renamed(self, name: str) -> CatalogModel:
        """The same model under another tag: same layers, same manifest."""
        return replace(self, name=name)

    @property
    def is_remote(self) -> bool:
        return bool(self.remote_host)

    @property
    def has_vision(self) -> bool:
        return any(layer.kind == "projector" for layer in self.layers)

    def details(self) -> dict[str, Any]:
        families = [self.family, "clip"] if self.has_vision else [self.family]
        return {
            "parent_model": self.parent,
            "format": "" if self.is_remote else "gguf",
            "family": self.family,
            "families": families,
            "parameter_size": self.parameter_size,
            "quantization_level": self.quantization,
        }

    def model_info(self, verbose: bool = False) -> dict[str, Any]:
        arch = self.family
        if self.is_remote:  # ollama.com tells a cloud model's server almost nothing
            return {"general.architecture": arch, "general.basename": self.name.split(":")[0],
                    f"{arch}.context_length": self.context_length,
                    f"{arch}.embedding_length": self.embedding_length}
        # Without `verbose`, Ollama sends null (not []) for the big tokenizer arrays.
        tokens = ["<s>", "</s>", "<unk>"] if verbose else None
        return {
            "general.architecture": arch,
            "general.file_type": 15,
            "general.parameter_count": self.parameter_count,
            "general.quantization_version": 2,
            f"{arch}.attention.head_count": self.heads,
            f"{arch}.attention.head_count_kv": self.kv_heads,
            f"{arch}.block_count": self.block_count,
            f"{arch}.context_length": self.context_length,
            f"{arch}.embedding_length": self.embedding_length,
            **{f"{arch}.{key}": value for key, value in self.arch_extra},
            "tokenizer.ggml.model": "gpt2",
            "tokenizer.ggml.merges": [] if verbose else None,
            "tokenizer.ggml.token_type": [1, 3, 3] if verbose else None,
            "tokenizer.ggml.tokens": tokens,
        }

    def tensors(self) -> list[dict[str, Any]]:
        """The weights' tensors as /api/show lists them: a few per layer, realistic shapes."""
        emb, kv_dim = self.embedding_length, self.embedding_length * self.kv_heads // self.heads
        ffn, quant = emb * 4, "Q4_K" if self.quantization.startswith("Q4") else "F16"
        out = [{"name": "token_embd.weight", "type": quant, "shape": [emb, 128256]}]
        for block in range(self.block_count):
            for part, kind, shape in (("attn_norm", "F32", [emb]), ("attn_q", quant, [emb, emb]),
                                      ("attn_k", quant, [emb, kv_dim]),
                                      ("attn_v", quant, [emb, kv_dim]),
                                      ("attn_output", quant, [emb, emb]),
                                      ("ffn_norm", "F32", [emb]), ("ffn_gate", quant, [emb, ffn]),
                                      ("ffn_up", quant, [emb, ffn]),
                                      ("ffn_down", "Q6_K", [ffn, emb])):
                out.append({"name": f"blk.{block}.{part}.weight", "type": kind, "shape": shape})
        out.append({"name": "output_norm.weight", "type": "F32", "shape": [emb]})
        return out

    def memory_needed(self, num_ctx: int) -> int:
        """Bytes a loaded copy takes: weights, an f16 KV cache for num_ctx, a compute graph."""
        head_dim = self.embedding_length // max(self.heads, 1)
        kv_cache = num_ctx * 2 * head_dim * self.kv_heads * self.block_count * 2
        return self.size + kv_cache + self.size // 10


def _layers(name: str, weights: int, template: str, license_text: str, params: str,
            config: tuple[str, str, str], system: str = "",
            projector: int = 0) -> tuple[Layer, ...]:
    """Made-up weights, projector and config; text layers whose digests are their bytes'
    SHA-256, as Ollama's are (so /api/show's texts hash to the layers they came from)."""
    parts = [Layer("sha256:" + fake_digest(name, "model"), max(weights, 1), "model")]
    if projector:
        parts.append(Layer("sha256:" + fake_digest(name, "projector"), projector, "projector"))
    blobs = text_blobs(template, license_text, params, system)
    parts += [_text_layer(kind, blobs[kind]) for kind in ("template", "license", "system",
                                                          "params") if kind in blobs]
    parts.append(_config_layer(*config, parts))
    return tuple(parts)


def make_model(name: str, family: str, psize: str, quant: str, pcount: int, weights: int,
           ctx: int, emb: int, blocks: int, heads: int, kv: int, caps: tuple[str, ...],
           template: str, license_text: str, params: str = "", system: str = "",
           projector: int = 0, remote_host: str = "",
           arch_extra: tuple[tuple[str, Any], ...] = ()) -> CatalogModel:
    if remote_host:
        # A cloud model is only a small stub on disk; it runs elsewhere.
        layers: tuple[Layer, ...] = (_config_layer(family, psize, quant, []),)
    else:
        layers = _layers(name, weights, template, license_text, params,
                         (family, psize, quant), system, projector)
    return CatalogModel(name, family, psize, quant, pcount, ctx, emb, blocks, heads, kv, caps,
                        template, license_text, params, system, remote_host, layers,
                        arch_extra=arch_extra)
