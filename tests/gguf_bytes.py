"""GGUF header bytes built by hand with struct (for the reader's tests), independent of the
emulator's writer so the two check each other."""

from __future__ import annotations

import struct
from typing import Any

U32, I32, F32, BOOL, STR, ARR, U64 = 4, 5, 6, 7, 8, 9, 10


def gguf_string(text: str | bytes) -> bytes:
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(data)) + data


def kv(key: str, kind: int, value: Any, element: int = U32) -> bytes:
    out = gguf_string(key) + struct.pack("<I", kind)
    if kind == STR:
        return out + gguf_string(value)
    if kind == ARR:
        out += struct.pack("<IQ", element, len(value))
        if element == STR:
            return out + b"".join(gguf_string(v) for v in value)
        fmt = {U32: "<I", I32: "<i", F32: "<f", BOOL: "<?", U64: "<Q"}[element]
        return out + b"".join(struct.pack(fmt, v) for v in value)
    fmt = {U32: "<I", I32: "<i", F32: "<f", BOOL: "<?", U64: "<Q"}[kind]
    return out + struct.pack(fmt, value)


def header(pairs: list[bytes], version: int = 3, tensors: int = 399) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, tensors, len(pairs)) + b"".join(pairs)


def qwen3_8b(vocabulary: int = 1000) -> bytes:
    """The first keys of a real qwen3:8b file (its published figures), then a tokenizer."""
    return header([
        kv("general.architecture", STR, "qwen3"),
        kv("general.type", STR, "model"),
        kv("general.name", STR, "Qwen3 8B"),
        kv("qwen3.block_count", U32, 36),
        kv("qwen3.context_length", U32, 40960),
        kv("qwen3.embedding_length", U32, 4096),
        kv("qwen3.feed_forward_length", U32, 12288),
        kv("qwen3.attention.head_count", U32, 32),
        kv("qwen3.attention.head_count_kv", U32, 8),
        kv("qwen3.rope.freq_base", F32, 1000000.0),
        kv("qwen3.attention.key_length", U32, 128),
        kv("qwen3.attention.value_length", U32, 128),
        kv("tokenizer.ggml.model", STR, "gpt2"),
        kv("tokenizer.ggml.tokens", ARR, [f"tok{i}" for i in range(vocabulary)], STR),
        kv("tokenizer.ggml.token_type", ARR, [1] * vocabulary, I32),
        kv("general.quantization_version", U32, 2),
        kv("general.file_type", U32, 15),
    ])
