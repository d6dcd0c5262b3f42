"""The tags of well-known Ollama library models, for the pull dialog's tag picker.

ollama.com's library has no tag list the registry API serves, so the picker offers the
tags written here (each model's tags page, read 2025-2026); what each tag weighs and
whether it fits is then read from the registry itself. A model not here gets no picker.
"""

from __future__ import annotations

LIBRARY_TAGS: dict[str, tuple[str, ...]] = {
    "llama3.2": ("1b", "3b"),
    "llama3.1": ("8b", "70b", "405b"),
    "llama3.3": ("70b",),
    "llama3.2-vision": ("11b", "90b"),
    "gemma3": ("270m", "1b", "4b", "12b", "27b"),
    "gemma2": ("2b", "9b", "27b"),
    "qwen3": ("0.6b", "1.7b", "4b", "8b", "14b", "30b", "32b", "235b"),
    "qwen3-coder": ("30b", "480b"),
    "qwen3-vl": ("2b", "4b", "8b", "30b", "32b"),
    "qwen2.5": ("0.5b", "1.5b", "3b", "7b", "14b", "32b", "72b"),
    "qwen2.5-coder": ("0.5b", "1.5b", "3b", "7b", "14b", "32b"),
    "qwen2.5vl": ("3b", "7b", "32b", "72b"),
    "deepseek-r1": ("1.5b", "7b", "8b", "14b", "32b", "70b", "671b"),
    "mistral": ("7b",),
    "mistral-small": ("22b", "24b"),
    "mixtral": ("8x7b", "8x22b"),
    "phi4": ("14b",),
    "phi3": ("3.8b", "14b"),
    "gpt-oss": ("20b", "120b"),
    "llava": ("7b", "13b", "34b"),
    "codellama": ("7b", "13b", "34b", "70b"),
    "granite3.3": ("2b", "8b"),
    "smollm2": ("135m", "360m", "1.7b"),
    "cogito": ("3b", "8b", "14b", "32b", "70b"),
    "nomic-embed-text": ("v1.5",),
}


def library_model(text: str) -> str | None:
    """The library model a typed name is (a tag of), when its tags are known here:
    "qwen3", "qwen3:", "Qwen3:8b" → "qwen3"; "me/qwen3", "hf.co/…", "nosuch" → None."""
    text = text.strip().casefold().removeprefix("library/")
    model = text.split(":", 1)[0]
    return model if model in LIBRARY_TAGS else None


def tag_names(model: str) -> list[str]:
    """Every known tag of `model` as a full name: ["qwen3:0.6b", …]."""
    return [f"{model}:{tag}" for tag in LIBRARY_TAGS.get(model, ())]
