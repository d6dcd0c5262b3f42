"""What the emulator's models "say": a canned reply (and thinking, for thinking models), unit
vectors for embeddings, and Ollama's timing fields from a simulated speed.

Deterministic, so tests can check every figure exactly.
"""

from __future__ import annotations

import hashlib
import math

from tui.emulator.catalog import CatalogModel

CANNED_REPLY = ("This is the qgoose-tui Ollama emulator. It has no model weights, "
                "so every reply is this one.")
CANNED_THINKING = ("The user sent a prompt. I am an emulator, so I will give the one reply "
                   "I have.")
TEMPLATE_TOKENS = 10  # the template's own tokens around a prompt
EMBED_DIMENSIONS_MAX = 4096


def tokens(text: str) -> list[str]:
    """The reply as streamed pieces: one word (and its space) a token."""
    return [word + " " for word in text.split()]


def _per_token(model: CatalogModel) -> float:
    """Seconds per generated token: memory bandwidth bounds generation (about 400 GB/s of
    weights read per token here)."""
    return max(model.size, 1) / 400e9


def _load(model: CatalogModel, cold: bool) -> int:
    """A cold call first reads the weights at 2 GB/s; a warm one costs a millisecond."""
    return int(model.size / 2e9 * 1e9) if cold else 1_000_000


def timings(model: CatalogModel, prompt_words: int, reply_tokens: int,
            cold: bool) -> dict[str, int]:
    """Ollama's timing fields (nanoseconds) for one generation; prompt processing runs 20
    times faster than generation."""
    per_token = _per_token(model)
    prompt_tokens = prompt_words + TEMPLATE_TOKENS
    load = _load(model, cold)
    prompt_eval = int(prompt_tokens * per_token / 20 * 1e9)
    evaluation = int(reply_tokens * per_token * 1e9)
    return {"total_duration": load + prompt_eval + evaluation, "load_duration": load,
            "prompt_eval_count": prompt_tokens, "prompt_eval_duration": prompt_eval,
            "eval_count": reply_tokens, "eval_duration": evaluation}


def embed_timings(model: CatalogModel, inputs: list[str], cold: bool) -> dict[str, int]:
    """/api/embed's timing fields: the inputs' tokens processed at prompt speed."""
    count = sum(len(text.split()) + 2 for text in inputs)  # and the BOS/EOS tokens
    load = _load(model, cold)
    work = int(count * _per_token(model) / 20 * 1e9)
    return {"total_duration": load + work, "load_duration": load, "prompt_eval_count": count}


def embedding(model: CatalogModel, text: str) -> list[float]:
    """A unit vector of the model's embedding length, the same for the same text."""
    size = max(1, min(model.embedding_length, EMBED_DIMENSIONS_MAX))
    seed = hashlib.sha256(f"{model.name}\0{text}".encode()).digest()
    raw = [((seed[i % 32] * 31 + i * 17) % 251) / 125.0 - 1.0 for i in range(size)]
    norm = math.sqrt(sum(v * v for v in raw)) or 1.0
    return [round(v / norm, 6) for v in raw]


def context_tokens(words: int, seed: int = 0) -> list[int]:
    """Token ids for `words` words (what `context` carries): stable, plausible numbers."""
    return [(seed * 7919 + i * 104_729) % 128_000 + 100 for i in range(words)]


def cut_embedding(vector: list[float], dimensions: int) -> list[float]:
    """The first `dimensions` values, made a unit vector again (Ollama's `dimensions`)."""
    if not 0 < dimensions < len(vector):
        return vector
    part = vector[:dimensions]
    norm = math.sqrt(sum(v * v for v in part)) or 1.0
    return [round(v / norm, 6) for v in part]
