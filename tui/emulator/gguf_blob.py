"""Synthetic GGUF weights for the emulator's registry: a real GGUF v3 header carrying the
model's own figures (the same numbers /api/show's model_info gives once it is installed),
a tokenizer vocabulary as big as the family's, then filler up to the blob's size. Only the
requested bytes are ever made: a 20 GB blob costs its header and the range asked for.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from tui.emulator.catalog import CatalogModel

_U32, _I32, _F32, _BOOL, _STR, _ARR, _U64 = 4, 5, 6, 7, 8, 9, 10
VOCABULARY = {"qwen": 151936, "llama": 128256, "gemma": 262144}  # by family prefix
CHUNK = 1 << 20


def _string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def _pair(key: str, value: Any) -> bytes:
    out = _string(key)
    if isinstance(value, bool):
        return out + struct.pack("<I?", _BOOL, value)
    if isinstance(value, int):
        return out + (struct.pack("<II", _U32, value) if 0 <= value < 2**32
                      else struct.pack("<IQ", _U64, value))
    if isinstance(value, float):
        return out + struct.pack("<If", _F32, value)
    if isinstance(value, list):
        return out + struct.pack("<IIQ", _ARR, _I32, len(value)) + \
            struct.pack(f"<{len(value)}i", *value)
    return out + struct.pack("<I", _STR) + _string(str(value))


def _header(pairs: list[bytes], tensors: int) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, tensors, len(pairs)) + b"".join(pairs)


@lru_cache(maxsize=8)
def weights_header(model: CatalogModel) -> bytes:
    """The weights file's header as a converter writes it: general and architecture keys,
    then the tokenizer's arrays, then the file type."""
    info = {key: value for key, value in model.model_info().items()
            if value is not None and not key.startswith("tokenizer.")}
    file_type = info.pop("general.file_type", 15)
    quantization = info.pop("general.quantization_version", 2)
    info.pop("general.parameter_count", None)  # Ollama counts it from the tensors
    vocabulary = next((size for prefix, size in VOCABULARY.items()
                       if model.family.startswith(prefix)), 32000)
    pairs = [_pair(key, value) for key, value in info.items()]
    pairs.append(_pair("tokenizer.ggml.model", "gpt2"))
    pairs.append(_tokenizer_arrays(vocabulary))
    pairs += [_pair("general.quantization_version", quantization),
              _pair("general.file_type", file_type)]
    return _header(pairs, tensors=2 + 9 * model.block_count)


@lru_cache(maxsize=4)
def _tokenizer_arrays(vocabulary: int) -> bytes:
    """The tokens and token types of a vocabulary this big: the same bytes for every model
    of a family, made once (half a second each), as a real registry serves stored bytes."""
    return (_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", _ARR, _STR, vocabulary)
            + b"".join(_string(f"t{index}") for index in range(vocabulary))
            + _string("tokenizer.ggml.token_type")
            + struct.pack("<IIQ", _ARR, _I32, vocabulary) + bytes(4 * vocabulary))


def projector_header(model: CatalogModel) -> bytes:
    """A vision projector's header: the clip keys /api/show lists as projector_info."""
    return _header([_pair("general.architecture", "clip"),
                    _pair("clip.has_vision_encoder", True),
                    _pair("clip.vision.image_size", 336)], tensors=377)


def blob_range(header: bytes, size: int, start: int, end: int) -> Iterator[bytes]:
    """Bytes start..end (inclusive) of a blob of `size` that begins with `header` and is
    zeros after it, in chunks of a megabyte at most."""
    end = min(end, size - 1)
    while start <= end:
        if start < len(header):
            piece = header[start:min(end + 1, len(header), start + CHUNK)]
        else:
            piece = bytes(min(end + 1 - start, CHUNK))
        yield piece
        start += len(piece)
