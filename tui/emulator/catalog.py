"""The emulator's demo data: well-known models with realistic shapes (our own text).

llama3.2:latest uses its real published layer digests and sizes, so a pull of it matches
the recorded stream in tests/fixtures/pull_llama3.2.ndjson.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from tui.emulator.go_manifest import go_json, go_reencoded

CHATML_TEMPLATE = (
    "{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n"
)
LLAMA3_TEMPLATE = (
    "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>"
    "{{ end }}{{ if .Prompt }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}"
    "<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}"
    "<|eot_id|>"
)
GEMMA_TEMPLATE = (
    "{{- range .Messages }}<start_of_turn>{{ if eq .Role \"user\" }}user{{ else }}model"
    "{{ end }}\n{{ .Content }}<end_of_turn>\n{{ end }}<start_of_turn>model\n"
)
MISTRAL_TEMPLATE = "[INST] {{ if .System }}{{ .System }} {{ end }}{{ .Prompt }} [/INST]"


def _license(title: str, holder: str) -> str:
    return (
        f"{title}\n\n"
        f"Copyright (c) {holder}. This is demonstration text written for the qgoose-tui "
        "emulator; it is not the model's real license. Read the real license on the "
        "model's page before you use the model.\n\n"
        "1. Use. You may use, copy and modify the model subject to these terms.\n"
        "2. Redistribution. Keep this notice with any copy.\n"
        "3. No warranty. The model is provided \"as is\", without warranty of any kind.\n"
    )


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


LLAMA_LICENSE = _license("LLAMA 3.2 COMMUNITY LICENSE AGREEMENT (demo text)", "Meta Platforms")
APACHE = _license("Apache License 2.0 (demo text)", "the model's authors")
MIT = _license("MIT License (demo text)", "the model's authors")
GEMMA = _license("Gemma Terms of Use (demo text)", "Google LLC")
_LLAMA_PARAMS = 'stop "<|start_header_id|>"\nstop "<|end_header_id|>"\nstop "<|eot_id|>"'
_CHATML_PARAMS = 'stop "<|im_start|>"\nstop "<|im_end|>"'
_QWEN3_HEADS = (("attention.key_length", 128), ("attention.value_length", 128))

# The real llama3.2:latest layers (see tests/fixtures/pull_llama3.2.ndjson).
_LLAMA32_LAYERS = (
    Layer("sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff",
          2019377376, "model"),
    Layer("sha256:966de95ca8a62200913e3f8bfbf84c8494536f1b94b49166851e76644e966396",
          1429, "template"),
    Layer("sha256:fcc5a6bec9daf9b561a68827b67ab6088e1dba9d1fa2a50d7bbcc8384e0a265d",
          7711, "license"),
    Layer("sha256:a70ff7e570d97baaf4e62ac6e6ad9975e04caa6d900d3742d37698494479e0cd",
          6016, "license"),
    Layer("sha256:56bb8bd477a519ffa694fc449c2413c6f0e1d3b1c88fa7e3c9d88d3ae49d4dcb",
          96, "params"),
    Layer("sha256:34bb5ab01051a11372a91f95f3fbbc51173eed8e7f13ec395b9ae9b8bd0e242b",
          561, "config"),
)


def demo_catalog() -> list[CatalogModel]:
    """Every model the emulator's registry offers: the detailed ones below, then the rest
    of the real library (tui/emulator/library.py)."""
    from tui.emulator.library import with_library

    return with_library([replace(m, manifest_style=_STYLED[m.name]) if m.name in _STYLED else m
                         for m in _detailed_models()])


# Registries that lay a manifest out otherwise than Go writes it: on a server before 0.19
# these models are listed under Go's digest, not the registry's.
_STYLED = {"qwen3:8b": "reordered", "phi4:14b": "pretty"}


def _detailed_models() -> list[CatalogModel]:
    """Models with their real parameters, system prompts and (llama3.2) layer digests."""
    llama32 = make_model("llama3.2:latest", "llama", "3.2B", "Q4_K_M", 3212749888, 0, 131072,
                     3072, 28, 24, 8, ("completion", "tools"), LLAMA3_TEMPLATE,
                     LLAMA_LICENSE, _LLAMA_PARAMS)
    llama32 = CatalogModel(**{**llama32.__dict__, "layers": _LLAMA32_LAYERS})
    return [
        llama32,
        make_model("llama3.2:1b", "llama", "1.2B", "Q8_0", 1235814432, 1321082688, 131072, 2048,
               16, 32, 8, ("completion", "tools"), LLAMA3_TEMPLATE, LLAMA_LICENSE,
               _LLAMA_PARAMS),
        make_model("llama3.1:8b", "llama", "8.0B", "Q4_K_M", 8030261248, 4920738944, 131072, 4096,
               32, 32, 8, ("completion", "tools"), LLAMA3_TEMPLATE, LLAMA_LICENSE,
               _LLAMA_PARAMS),
        make_model("qwen2.5:7b", "qwen2", "7.6B", "Q4_K_M", 7615616512, 4683071456, 32768, 3584,
               28, 28, 4, ("completion", "tools"), CHATML_TEMPLATE, APACHE, _CHATML_PARAMS,
               system="You are Qwen, created by Alibaba Cloud. You are a helpful assistant."),
        make_model("qwen2.5-coder:7b", "qwen2", "7.6B", "Q4_K_M", 7615616512, 4683071456, 32768,
               3584, 28, 28, 4, ("completion", "tools", "insert"), CHATML_TEMPLATE, APACHE,
               _CHATML_PARAMS),
        make_model("qwen3:8b", "qwen3", "8.2B", "Q4_K_M", 8190735360, 5225372160, 40960, 4096, 36,
               32, 8, ("completion", "tools", "thinking"), CHATML_TEMPLATE, APACHE,
               'repeat_penalty 1\nstop "<|im_start|>"\nstop "<|im_end|>"\ntemperature 0.6',
               arch_extra=_QWEN3_HEADS),
        # qwen3's published figures: 32b dense, 30b a mixture of 128 experts (8 used).
        make_model("qwen3:32b", "qwen3", "32.8B", "Q4_K_M", 32762123264, 20 * 10**9, 40960,
               5120, 64, 64, 8, ("completion", "tools", "thinking"), CHATML_TEMPLATE, APACHE,
               arch_extra=_QWEN3_HEADS),
        make_model("qwen3:30b", "qwen3moe", "30.5B", "Q4_K_M", 30532122624, 19 * 10**9, 40960,
               2048, 48, 32, 4, ("completion", "tools", "thinking"), CHATML_TEMPLATE, APACHE,
               arch_extra=(*_QWEN3_HEADS, ("expert_count", 128), ("expert_used_count", 8))),
        make_model("gemma3:4b", "gemma3", "4.3B", "Q4_K_M", 4299915632, 3338801804, 131072, 2560,
               34, 8, 4, ("completion", "vision"), GEMMA_TEMPLATE, GEMMA,
               'stop "<end_of_turn>"\ntemperature 1\ntop_k 64\ntop_p 0.95',
               # gemma3: 256-wide heads, and 5 of every 6 layers see a 1,024-token window.
               arch_extra=(("attention.key_length", 256), ("attention.value_length", 256),
                           ("attention.sliding_window", 1024))),
        make_model("mistral:latest", "llama", "7.2B", "Q4_0", 7248023552, 4113289888, 32768, 4096,
               32, 32, 8, ("completion", "tools"), MISTRAL_TEMPLATE, APACHE,
               'stop "[INST]"\nstop "[/INST]"'),
        make_model("deepseek-r1:8b", "qwen3", "8.2B", "Q4_K_M", 8190735360, 5225372160, 131072,
               4096, 36, 32, 8, ("completion", "thinking"), CHATML_TEMPLATE, MIT,
               "temperature 0.6\ntop_p 0.95"),
        make_model("deepseek-r1:1.5b", "qwen2", "1.8B", "Q4_K_M", 1777088000, 1117320736, 131072,
               1536, 28, 12, 2, ("completion", "thinking"), CHATML_TEMPLATE, MIT,
               "temperature 0.6\ntop_p 0.95"),
        make_model("phi4:14b", "phi3", "14.7B", "Q4_K_M", 14659507200, 9053114368, 16384, 5120,
               40, 40, 10, ("completion",), CHATML_TEMPLATE, MIT,
               'stop "<|im_start|>"\nstop "<|im_end|>"\nstop "<|im_sep|>"'),
        make_model("nomic-embed-text:latest", "nomic-bert", "137M", "F16", 136727040, 274290656,
               2048, 768, 12, 12, 12, ("embedding",), "{{ .Prompt }}", APACHE,
               "num_ctx 8192"),
        make_model("llava:7b", "llama", "7B", "Q4_0", 6738546688, 4108916384, 32768, 4096, 32, 32,
               32, ("completion", "vision"), "[INST] {{ if .System }}{{ .System }} {{ end }}"
               "{{ .Prompt }} [/INST]", APACHE, 'stop "[INST]"\nstop "[/INST]"',
               projector=624434336),
        make_model("smollm2:135m", "llama", "134.52M", "F16", 134515008, 270898784, 8192, 576, 30,
               9, 3, ("completion", "tools"), CHATML_TEMPLATE, APACHE, _CHATML_PARAMS),
        make_model("glm-4.6:cloud", "glm4", "355B", "FP8", 355000000000, 0, 202752, 5120, 92, 96,
               8, ("completion", "tools", "thinking"), CHATML_TEMPLATE, MIT,
               remote_host="https://ollama.com:443"),
    ]


# Installed when the demo starts, with how many days ago each was modified.
DEMO_INSTALLED = {
    "llama3.2:latest": 3,
    "qwen2.5:7b": 12,
    "gemma3:4b": 20,
    "mistral:latest": 64,
    "deepseek-r1:8b": 5,
    "qwen3:8b": 8,
    "phi4:14b": 40,
    "nomic-embed-text:latest": 90,
    "llava:7b": 120,
    "glm-4.6:cloud": 1,
}

_FAMILIES = (("llama", LLAMA3_TEMPLATE), ("qwen2", CHATML_TEMPLATE),
             ("gemma3", GEMMA_TEMPLATE), ("mistral", MISTRAL_TEMPLATE))
_QUANTS = ("Q4_0", "Q4_K_M", "Q5_K_M", "Q8_0", "F16")


def generated_models(count: int, seed: int = 7) -> list[CatalogModel]:
    """`count` plausible made-up models, the same every time, for scale tests."""
    rng = random.Random(seed)
    models = []
    for i in range(count):
        family, template = rng.choice(_FAMILIES)
        billions = rng.choice((0.5, 1, 3, 7, 8, 13, 14, 32, 70))
        quant = rng.choice(_QUANTS)
        weights = int(billions * 1e9 * (0.6 if quant.startswith("Q4") else 1.1))
        models.append(make_model(
            f"gen-{family}-{i:05d}:{billions:g}b-{quant.lower()}", family, f"{billions:g}B",
            quant, int(billions * 1e9), weights, rng.choice((4096, 8192, 32768, 131072)), 4096,
            32, 32, 8, ("completion",), template, MIT,
        ))
    return models
