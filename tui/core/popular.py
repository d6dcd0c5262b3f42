"""Well-known models offered first in the pull dialog, with what we know of them.

Sizes are the download sizes of the default quantisation on the Ollama library; a name
in the config's `popular_models` that is not here is still offered, just without them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PopularModel:
    name: str
    about: str = ""
    size: int = 0  # bytes to download; 0 when unknown


KNOWN = {
    m.name: m
    for m in (
        PopularModel("llama3.2", "Meta Llama 3.2 3B", 2_019_393_189),
        PopularModel("llama3.2:1b", "Meta Llama 3.2 1B", 1_321_098_329),
        PopularModel("llama3.1:8b", "Meta Llama 3.1 8B, tools", 4_920_753_328),
        PopularModel("qwen2.5:7b", "Qwen 2.5 7B, multilingual", 4_683_087_332),
        PopularModel("qwen2.5-coder:7b", "Qwen 2.5 Coder 7B, code", 4_683_087_332),
        PopularModel("qwen3:8b", "Qwen 3 8B, thinking", 5_225_388_164),
        PopularModel("gemma3", "Google Gemma 3 4B, vision", 3_338_801_804),
        PopularModel("gemma3:4b", "Google Gemma 3 4B, vision", 3_338_801_804),
        PopularModel("mistral", "Mistral 7B", 4_113_301_824),
        PopularModel("deepseek-r1:8b", "DeepSeek-R1 8B, reasoning", 5_225_376_047),
        PopularModel("deepseek-r1:1.5b", "DeepSeek-R1 1.5B, reasoning", 1_117_322_599),
        PopularModel("phi4", "Microsoft Phi-4 14B", 9_053_116_391),
        PopularModel("llava", "LLaVA 7B, vision", 4_733_363_377),
        PopularModel("nomic-embed-text", "Nomic embeddings, 137M", 274_302_450),
        PopularModel("smollm2:135m", "SmolLM2 135M, tiny", 270_898_784),
    )
}


def popular_models(names: list[str]) -> list[PopularModel]:
    """The configured names, each with what we know of it."""
    return [KNOWN.get(name, PopularModel(name)) for name in names]
