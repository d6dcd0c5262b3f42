"""The demo registry's knowledge of the real Ollama library, so a newcomer's first guess works.

Facts per tag (parameter size, quantisation, download size, capabilities, context length)
are as ollama.com/library and each model's tags page list them (read 2025-2026; sizes are
the rounded figures those pages show). Architecture figures (layers, heads, widths) are
typical values for a model of that size, not each model's own: enough for the emulator's
memory figures to look right, not to be quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.emulator.catalog import CatalogModel, make_model
from tui.emulator.model_texts import (
    APACHE,
    CHATML_TEMPLATE,
    GEMMA,
    GEMMA_TEMPLATE,
    LLAMA3_TEMPLATE,
    LLAMA_LICENSE,
    MISTRAL_TEMPLATE,
    MIT,
)

# Capabilities, shortened to keep the table readable.
C, T, V, E, K, FIM = "completion", "tools", "vision", "embedding", "thinking", "insert"


@dataclass(frozen=True)
class LibraryModel:
    name: str
    family: str  # the GGUF architecture Ollama reports as `family`
    capabilities: tuple[str, ...]
    context: int
    latest: str  # the tag `latest` points at
    tags: tuple[tuple[str, str, float], ...]  # (tag, parameter size, download bytes)
    quantization: str = "Q4_K_M"


def _m(name: str, family: str, caps: tuple[str, ...], context: int, latest: str,
       *tags: tuple[str, str, float], quant: str = "Q4_K_M") -> LibraryModel:
    return LibraryModel(name, family, caps, context, latest, tags, quant)


GB, MB = 1e9, 1e6
LIBRARY: tuple[LibraryModel, ...] = (
    # -- Meta
    _m("llama3.2", "llama", (C, T), 131072, "3b", ("1b", "1.2B", 1.3 * GB),
       ("3b", "3.2B", 2.0 * GB)),
    _m("llama3.1", "llama", (C, T), 131072, "8b", ("8b", "8.0B", 4.9 * GB),
       ("70b", "70.6B", 43 * GB), ("405b", "405.9B", 243 * GB)),
    _m("llama3.3", "llama", (C, T), 131072, "70b", ("70b", "70.6B", 43 * GB)),
    _m("llama3", "llama", (C,), 8192, "8b", ("8b", "8.0B", 4.7 * GB),
       ("70b", "70.6B", 40 * GB), quant="Q4_0"),
    _m("llama2", "llama", (C,), 4096, "7b", ("7b", "6.7B", 3.8 * GB), ("13b", "13B", 7.4 * GB),
       ("70b", "69B", 39 * GB), quant="Q4_0"),
    _m("llama3.2-vision", "mllama", (C, V), 131072, "11b", ("11b", "10.7B", 7.8 * GB),
       ("90b", "87.7B", 55 * GB)),
    _m("llama4", "llama4", (C, V, T), 10485760, "16x17b", ("16x17b", "108.6B", 67 * GB),
       ("128x17b", "401.6B", 245 * GB)),
    _m("codellama", "llama", (C, FIM), 16384, "7b", ("7b", "7B", 3.8 * GB),
       ("13b", "13B", 7.4 * GB), ("34b", "34B", 19 * GB), ("70b", "69B", 39 * GB),
       quant="Q4_0"),
    # -- Google
    _m("gemma3", "gemma3", (C, V), 131072, "4b", ("270m", "268.10M", 292 * MB),
       ("1b", "999.89M", 815 * MB), ("4b", "4.3B", 3.3 * GB), ("12b", "12.2B", 8.1 * GB),
       ("27b", "27.4B", 17 * GB)),
    _m("gemma3n", "gemma3n", (C,), 32768, "e4b", ("e2b", "4.5B", 5.6 * GB),
       ("e4b", "6.9B", 7.5 * GB)),
    _m("gemma2", "gemma2", (C,), 8192, "9b", ("2b", "2.6B", 1.6 * GB), ("9b", "9.2B", 5.4 * GB),
       ("27b", "27.2B", 16 * GB), quant="Q4_0"),
    _m("gemma", "gemma", (C,), 8192, "7b", ("2b", "3B", 1.7 * GB), ("7b", "9B", 5.0 * GB),
       quant="Q4_0"),
    _m("codegemma", "gemma", (C, FIM), 8192, "7b", ("2b", "3B", 1.6 * GB),
       ("7b", "9B", 5.0 * GB), quant="Q4_0"),
    _m("embeddinggemma", "gemma3", (E,), 2048, "300m", ("300m", "307.58M", 622 * MB),
       quant="BF16"),
    # -- Alibaba
    _m("qwen3", "qwen3", (C, T, K), 40960, "8b", ("0.6b", "751.63M", 523 * MB),
       ("1.7b", "2.0B", 1.4 * GB), ("4b", "4.0B", 2.5 * GB), ("8b", "8.2B", 5.2 * GB),
       ("14b", "14.8B", 9.3 * GB), ("30b", "30.5B", 19 * GB), ("32b", "32.8B", 20 * GB),
       ("235b", "235.1B", 142 * GB)),
    _m("qwen3-coder", "qwen3moe", (C, T), 262144, "30b", ("30b", "30.5B", 19 * GB),
       ("480b", "480.2B", 290 * GB)),
    _m("qwen3-vl", "qwen3vl", (C, V, T, K), 262144, "8b", ("2b", "2.1B", 1.9 * GB),
       ("4b", "4.4B", 3.3 * GB), ("8b", "8.8B", 6.1 * GB), ("30b", "31.1B", 20 * GB),
       ("32b", "33.4B", 21 * GB)),
    _m("qwen3-embedding", "qwen3", (E,), 40960, "8b", ("0.6b", "595.78M", 639 * MB),
       ("4b", "4.0B", 2.5 * GB), ("8b", "7.6B", 4.7 * GB)),
    _m("qwen2.5", "qwen2", (C, T), 32768, "7b", ("0.5b", "494.03M", 398 * MB),
       ("1.5b", "1.5B", 986 * MB), ("3b", "3.1B", 1.9 * GB), ("7b", "7.6B", 4.7 * GB),
       ("14b", "14.8B", 9.0 * GB), ("32b", "32.8B", 20 * GB), ("72b", "72.7B", 47 * GB)),
    _m("qwen2.5-coder", "qwen2", (C, T, FIM), 32768, "7b", ("0.5b", "494.03M", 398 * MB),
       ("1.5b", "1.5B", 986 * MB), ("3b", "3.1B", 1.9 * GB), ("7b", "7.6B", 4.7 * GB),
       ("14b", "14.8B", 9.0 * GB), ("32b", "32.8B", 20 * GB)),
    _m("qwen2.5vl", "qwen25vl", (C, V), 128000, "7b", ("3b", "3.8B", 3.2 * GB),
       ("7b", "8.3B", 6.0 * GB), ("32b", "33.5B", 21 * GB), ("72b", "73.4B", 49 * GB)),
    _m("qwen2", "qwen2", (C, T), 32768, "7b", ("0.5b", "494.03M", 352 * MB),
       ("1.5b", "1.5B", 935 * MB), ("7b", "7.6B", 4.4 * GB), ("72b", "72.7B", 41 * GB),
       quant="Q4_0"),
    _m("qwq", "qwen2", (C, T), 40960, "32b", ("32b", "32.8B", 20 * GB)),
    # -- DeepSeek
    _m("deepseek-r1", "qwen3", (C, T, K), 131072, "8b", ("1.5b", "1.8B", 1.1 * GB),
       ("7b", "7.6B", 4.7 * GB), ("8b", "8.2B", 5.2 * GB), ("14b", "14.8B", 9.0 * GB),
       ("32b", "32.8B", 20 * GB), ("70b", "70.6B", 43 * GB), ("671b", "671.0B", 404 * GB)),
    _m("deepseek-v3", "deepseek2", (C,), 163840, "671b", ("671b", "671.0B", 404 * GB)),
    _m("deepseek-coder", "llama", (C, FIM), 16384, "1.3b", ("1.3b", "1B", 776 * MB),
       ("6.7b", "7B", 3.8 * GB), ("33b", "33B", 19 * GB), quant="Q4_0"),
    _m("deepseek-coder-v2", "deepseek2", (C, FIM), 163840, "16b", ("16b", "15.7B", 8.9 * GB),
       ("236b", "235.7B", 133 * GB), quant="Q4_0"),
    # -- Mistral
    _m("mistral", "llama", (C, T), 32768, "7b", ("7b", "7.2B", 4.1 * GB), quant="Q4_0"),
    _m("mistral-nemo", "llama", (C, T), 1024000, "12b", ("12b", "12.2B", 7.1 * GB),
       quant="Q4_0"),
    _m("mistral-small", "llama", (C, T), 32768, "24b", ("22b", "22.2B", 13 * GB),
       ("24b", "23.6B", 14 * GB)),
    _m("mistral-small3.2", "mistral3", (C, V, T), 131072, "24b", ("24b", "24.0B", 15 * GB)),
    _m("mistral-large", "llama", (C, T), 131072, "123b", ("123b", "122.6B", 73 * GB)),
    _m("mixtral", "llama", (C, T), 32768, "8x7b", ("8x7b", "46.7B", 26 * GB),
       ("8x22b", "140.6B", 80 * GB), quant="Q4_0"),
    _m("codestral", "llama", (C,), 32768, "22b", ("22b", "22.2B", 13 * GB), quant="Q4_0"),
    _m("devstral", "llama", (C, T), 131072, "24b", ("24b", "23.6B", 14 * GB)),
    _m("magistral", "llama", (C, T, K), 40960, "24b", ("24b", "23.6B", 14 * GB)),
    # -- Microsoft
    _m("phi4", "phi3", (C,), 16384, "14b", ("14b", "14.7B", 9.1 * GB)),
    _m("phi4-mini", "phi3", (C, T), 131072, "3.8b", ("3.8b", "3.8B", 2.5 * GB)),
    _m("phi4-reasoning", "phi3", (C, K), 32768, "14b", ("14b", "14.7B", 11 * GB)),
    _m("phi3", "phi3", (C,), 131072, "3.8b", ("3.8b", "3.8B", 2.2 * GB),
       ("14b", "14.0B", 7.9 * GB), quant="Q4_0"),
    _m("phi3.5", "phi3", (C,), 131072, "3.8b", ("3.8b", "3.8B", 2.2 * GB), quant="Q4_0"),
    # -- OpenAI, IBM, Cohere and others
    _m("gpt-oss", "gptoss", (C, T, K), 131072, "20b", ("20b", "20.9B", 14 * GB),
       ("120b", "116.8B", 65 * GB), quant="MXFP4"),
    _m("granite3.3", "granite", (C, T), 131072, "8b", ("2b", "2.5B", 1.5 * GB),
       ("8b", "8.2B", 4.9 * GB)),
    _m("granite3.2-vision", "granite", (C, V, T), 16384, "2b", ("2b", "2.5B", 2.4 * GB)),
    _m("command-r", "command-r", (C, T), 131072, "35b", ("35b", "32.3B", 19 * GB)),
    _m("command-r7b", "cohere2", (C, T), 8192, "7b", ("7b", "8.0B", 5.1 * GB)),
    _m("aya", "command-r", (C,), 8192, "8b", ("8b", "8.0B", 4.8 * GB), ("35b", "35B", 20 * GB),
       quant="Q4_0"),
    _m("llava", "llama", (C, V), 32768, "7b", ("7b", "7B", 4.7 * GB), ("13b", "13B", 8.0 * GB),
       ("34b", "34B", 20 * GB), quant="Q4_0"),
    _m("llava-llama3", "llama", (C, V), 8192, "8b", ("8b", "8B", 5.5 * GB)),
    _m("moondream", "phi2", (C, V), 2048, "1.8b", ("1.8b", "1B", 1.7 * GB), quant="Q4_0"),
    _m("minicpm-v", "qwen2", (C, V), 32768, "8b", ("8b", "7.6B", 5.5 * GB), quant="Q4_0"),
    _m("smollm2", "llama", (C, T), 8192, "1.7b", ("135m", "134.52M", 271 * MB),
       ("360m", "361.82M", 726 * MB), ("1.7b", "1.7B", 1.8 * GB), quant="F16"),
    _m("tinyllama", "llama", (C,), 2048, "1.1b", ("1.1b", "1B", 638 * MB), quant="Q4_0"),
    _m("starcoder2", "starcoder2", (C, FIM), 16384, "3b", ("3b", "3B", 1.7 * GB),
       ("7b", "7B", 4.0 * GB), ("15b", "16B", 9.1 * GB), quant="Q4_0"),
    _m("falcon3", "llama", (C,), 32768, "7b", ("1b", "1.7B", 1.8 * GB), ("3b", "3.2B", 2.0 * GB),
       ("7b", "7.5B", 4.6 * GB), ("10b", "10.3B", 6.3 * GB)),
    _m("olmo2", "olmo2", (C,), 4096, "7b", ("7b", "7.3B", 4.5 * GB), ("13b", "13.7B", 8.4 * GB)),
    _m("cogito", "llama", (C, T), 131072, "8b", ("3b", "3.6B", 2.2 * GB), ("8b", "8.0B", 4.9 * GB),
       ("14b", "14.8B", 9.0 * GB), ("32b", "32.8B", 20 * GB), ("70b", "70.6B", 43 * GB)),
    _m("hermes3", "llama", (C, T), 131072, "8b", ("3b", "3.2B", 2.0 * GB),
       ("8b", "8.0B", 4.7 * GB), ("70b", "70.6B", 40 * GB)),
    _m("dolphin3", "llama", (C,), 131072, "8b", ("8b", "8.0B", 4.9 * GB)),
    _m("yi", "llama", (C,), 4096, "6b", ("6b", "6B", 3.5 * GB), ("9b", "9B", 5.0 * GB),
       ("34b", "34B", 19 * GB), quant="Q4_0"),
    _m("exaone3.5", "exaone", (C,), 32768, "7.8b", ("2.4b", "2.7B", 1.6 * GB),
       ("7.8b", "7.8B", 4.8 * GB), ("32b", "32.0B", 19 * GB)),
    _m("openchat", "llama", (C,), 8192, "7b", ("7b", "7B", 4.1 * GB), quant="Q4_0"),
    _m("zephyr", "llama", (C,), 32768, "7b", ("7b", "7B", 4.1 * GB), quant="Q4_0"),
    _m("vicuna", "llama", (C,), 2048, "7b", ("7b", "7B", 3.8 * GB), ("13b", "13B", 7.4 * GB),
       ("33b", "33B", 18 * GB), quant="Q4_0"),
    # -- embeddings
    _m("nomic-embed-text", "nomic-bert", (E,), 2048, "v1.5", ("v1.5", "137M", 274 * MB),
       quant="F16"),
    _m("mxbai-embed-large", "bert", (E,), 512, "335m", ("335m", "334M", 670 * MB), quant="F16"),
    _m("all-minilm", "bert", (E,), 512, "22m", ("22m", "23M", 46 * MB), ("33m", "33M", 67 * MB),
       quant="F16"),
    _m("bge-m3", "bert", (E,), 8192, "567m", ("567m", "566.70M", 1.2 * GB), quant="F16"),
    _m("snowflake-arctic-embed", "bert", (E,), 512, "335m", ("22m", "22M", 46 * MB),
       ("33m", "33M", 67 * MB), ("110m", "110M", 219 * MB), ("137m", "137M", 274 * MB),
       ("335m", "335M", 669 * MB), quant="F16"),
    _m("granite-embedding", "bert", (E,), 512, "30m", ("30m", "30M", 63 * MB),
       ("278m", "278M", 563 * MB), quant="F16"),
)

# Models run on ollama.com that a local server only keeps a stub of (real names).
CLOUD = (("gpt-oss:20b-cloud", "gptoss", "20.9B", "MXFP4", (C, T, K), 131072),
         ("gpt-oss:120b-cloud", "gptoss", "116.8B", "MXFP4", (C, T, K), 131072),
         ("deepseek-v3.1:671b-cloud", "deepseek2", "671.0B", "FP8_E4M3", (C, T, K), 163840),
         ("qwen3-coder:480b-cloud", "qwen3moe", "480B", "BF16", (C, T), 262144),
         ("kimi-k2:1t-cloud", "deepseek2", "1T", "FP8", (C, T), 262144))

# GGUF files on Hugging Face, pulled as hf.co/{user}/{repo}:{quant}; Ollama reports their
# quantisation as "unknown".
HUGGING_FACE = (("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF", "llama", "1.2B", 808 * MB),
                ("hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF", "llama", "3.2B", 2.0 * GB),
                ("hf.co/bartowski/NousResearch_Hermes-4-14B-GGUF", "qwen3", "14.8B", 9.0 * GB),
                ("hf.co/unsloth/Qwen3-8B-GGUF", "qwen3", "8.2B", 5.0 * GB),
                ("hf.co/LiquidAI/LFM2-2.6B-Exp-GGUF", "lfm2", "2.7B", 1.6 * GB))


def _count(parameter_size: str) -> int:
    """ "8.2B" → 8_200_000_000, "137M" → 137_000_000."""
    scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[parameter_size[-1]]
    return int(float(parameter_size[:-1]) * scale)


def _shape(parameters: int) -> tuple[int, int, int, int]:
    """Typical (embedding width, layers, attention heads, KV heads) for a model this big."""
    for limit, shape in ((2e8, (576, 30, 9, 3)), (1e9, (1024, 24, 16, 8)),
                         (2.5e9, (2048, 16, 32, 8)), (5e9, (3072, 28, 24, 8)),
                         (1e10, (4096, 32, 32, 8)), (2e10, (5120, 40, 40, 8)),
                         (4e10, (5120, 64, 40, 8)), (1e11, (8192, 80, 64, 8))):
        if parameters < limit:
            return shape
    return (16384, 126, 128, 8)


_TEMPLATES = {"llama": LLAMA3_TEMPLATE, "gemma": GEMMA_TEMPLATE, "mistral": MISTRAL_TEMPLATE}
_LICENSES = {"llama": LLAMA_LICENSE, "gemma": GEMMA, "qwen": APACHE, "mistral": APACHE}


def _model(name: str, family: str, psize: str, quant: str, size: float,
           caps: tuple[str, ...], context: int, remote_host: str = "") -> CatalogModel:
    count = _count(psize)
    emb, blocks, heads, kv = _shape(count)
    prefix = next((p for p in _TEMPLATES if family.startswith(p)), "")
    license_text = next((text for p, text in _LICENSES.items() if family.startswith(p)), MIT)
    return make_model(name, family, psize, quant, count, int(size), context, emb, blocks,
                      heads, kv, caps, _TEMPLATES.get(prefix, CHATML_TEMPLATE), license_text,
                      remote_host=remote_host)


def with_library(detailed: list[CatalogModel]) -> list[CatalogModel]:
    """`detailed` plus every tag of the library above that it lacks; `latest` shares its
    layers (and manifest) with the tag it names, as on ollama.com."""
    known = {m.name: m for m in detailed}
    models = list(detailed)

    def add(model: CatalogModel) -> None:
        if model.name not in known:
            known[model.name] = model
            models.append(model)

    for entry in LIBRARY:
        latest = f"{entry.name}:latest"
        for tag, psize, size in entry.tags:
            name = f"{entry.name}:{tag}"
            if name in known:
                model = known[name]
            elif tag == entry.latest and latest in known:
                model = known[latest].renamed(name)
            else:
                model = _model(name, entry.family, psize, entry.quantization, size,
                               entry.capabilities, entry.context)
            add(model)
            if tag == entry.latest:
                add(model.renamed(latest))
    for name, family, psize, quant, caps, context in CLOUD:
        add(_model(name, family, psize, quant, 0, caps, context,
                   remote_host="https://ollama.com:443"))
    for repo, family, psize, size in HUGGING_FACE:
        for quant in ("Q4_K_M", "Q8_0"):
            weights = size * (2 if quant == "Q8_0" else 1)
            # Hugging Face serves its manifests indented.
            add(replace(_model(f"{repo}:{quant}", family, psize, "unknown", weights, (C,),
                               131072), manifest_style="pretty"))
    return models
