"""The emulator's demo data: well-known models with realistic shapes (our own text), and
made-up ones for scale tests.

llama3.2:latest uses its real published layer digests and sizes, so a pull of it matches
the recorded stream in tests/fixtures/pull_llama3.2.ndjson.
"""

from __future__ import annotations

import random
from dataclasses import replace

from tui.emulator.catalog import CatalogModel, Layer, make_model
from tui.emulator.model_texts import (
    APACHE,
    CHATML_PARAMS,
    CHATML_TEMPLATE,
    GEMMA,
    GEMMA_TEMPLATE,
    LLAMA3_TEMPLATE,
    LLAMA_LICENSE,
    LLAMA_PARAMS,
    MISTRAL_TEMPLATE,
    MIT,
)

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
                     LLAMA_LICENSE, LLAMA_PARAMS)
    llama32 = CatalogModel(**{**llama32.__dict__, "layers": _LLAMA32_LAYERS})
    return [
        llama32,
        make_model("llama3.2:1b", "llama", "1.2B", "Q8_0", 1235814432, 1321082688, 131072, 2048,
               16, 32, 8, ("completion", "tools"), LLAMA3_TEMPLATE, LLAMA_LICENSE,
               LLAMA_PARAMS),
        make_model("llama3.1:8b", "llama", "8.0B", "Q4_K_M", 8030261248, 4920738944, 131072, 4096,
               32, 32, 8, ("completion", "tools"), LLAMA3_TEMPLATE, LLAMA_LICENSE,
               LLAMA_PARAMS),
        make_model("qwen2.5:7b", "qwen2", "7.6B", "Q4_K_M", 7615616512, 4683071456, 32768, 3584,
               28, 28, 4, ("completion", "tools"), CHATML_TEMPLATE, APACHE, CHATML_PARAMS,
               system="You are Qwen, created by Alibaba Cloud. You are a helpful assistant."),
        make_model("qwen2.5-coder:7b", "qwen2", "7.6B", "Q4_K_M", 7615616512, 4683071456, 32768,
               3584, 28, 28, 4, ("completion", "tools", "insert"), CHATML_TEMPLATE, APACHE,
               CHATML_PARAMS),
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
               9, 3, ("completion", "tools"), CHATML_TEMPLATE, APACHE, CHATML_PARAMS),
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
