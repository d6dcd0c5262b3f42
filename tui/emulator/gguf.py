"""GGUF headers, read and written: what Ollama takes from a weights file when a model is
created from it (architecture, parameter count, file type, context length).

A GGUF file starts with "GGUF", a version (uint32), the tensor and key-value counts
(uint64), then the key-values: key (uint64 length + bytes), value type (uint32), value;
arrays are an element type (uint32), a count (uint64) and the elements. Reading is bounded:
the emulator reads uploads from anyone.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

MAGIC = b"GGUF"
MAX_KEYS = 4096
MAX_TEXT = 1 << 20
MAX_ARRAY = 1 << 24

# Value types: (struct format, size) for the fixed-size ones; 8 string, 9 array.
_FIXED = {0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4),
          6: ("<f", 4), 7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8)}
_STRING, _ARRAY = 8, 9

# general.file_type as Ollama names it (fs/ggml FileType.String).
FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
              10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S",
              15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16"}
FILE_TYPE_NUMBERS = {name: number for number, name in FILE_TYPES.items()}


class NotGGUF(ValueError):
    pass


@dataclass
class Header:
    version: int
    tensor_count: int
    values: dict[str, Any] = field(default_factory=dict)
    length: int = 0  # bytes of the header (the key-values end there; tensor data follows)

    @property
    def architecture(self) -> str:
        return str(self.values.get("general.architecture") or "")

    def arch_value(self, key: str, default: int = 0) -> int:
        value = self.values.get(f"{self.architecture}.{key}")
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    @property
    def parameter_count(self) -> int:
        value = self.values.get("general.parameter_count")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @property
    def file_type(self) -> str:
        return FILE_TYPES.get(self.values.get("general.file_type", -1), "unknown")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise NotGGUF("the GGUF header is cut short")
        chunk = self.data[self.at:self.at + size]
        self.at += size
        return chunk

    def number(self, fmt: str, size: int) -> Any:
        return struct.unpack(fmt, self.take(size))[0]

    def text(self) -> str:
        size = self.number("<Q", 8)
        if size > MAX_TEXT:
            raise NotGGUF("a GGUF string is too long")
        return self.take(size).decode("utf-8", "replace")

    def value(self, kind: int) -> Any:
        if kind in _FIXED:
            return self.number(*_FIXED[kind])
        if kind == _STRING:
            return self.text()
        if kind == _ARRAY:
            item_kind, count = self.number("<I", 4), self.number("<Q", 8)
            if count > MAX_ARRAY or item_kind == _ARRAY:
                raise NotGGUF("a GGUF array is too large or nested")
            if item_kind in _FIXED:  # skipped, not kept: tokenizer arrays are huge
                self.take(_FIXED[item_kind][1] * count)
                return count
            for _ in range(count):
                self.value(item_kind)
            return count
        raise NotGGUF(f"unknown GGUF value type {kind}")


def read_header(data: bytes) -> Header:
    """The header of a GGUF file from its first bytes; NotGGUF when they are not one."""
    if data[:4] != MAGIC:
        raise NotGGUF("supplied file was not in GGUF format")
    reader = _Reader(data)
    reader.take(4)
    version = reader.number("<I", 4)
    tensors, count = reader.number("<Q", 8), reader.number("<Q", 8)
    if version not in (2, 3) or count > MAX_KEYS:
        raise NotGGUF("supplied file was not in GGUF format")
    header = Header(version, tensors)
    for _ in range(count):
        key = reader.text()
        header.values[key] = reader.value(reader.number("<I", 4))
    header.length = reader.at
    return header


def write_header(values: dict[str, Any], size: int = 0, filler: bytes = b"") -> bytes:
    """A GGUF file of `values` (str, int, float, bool), padded with `filler` to `size`."""
    out = [MAGIC, struct.pack("<IQQ", 3, 0, len(values))]
    for key, value in values.items():
        raw_key = key.encode()
        out.append(struct.pack("<Q", len(raw_key)) + raw_key)
        if isinstance(value, bool):
            out.append(struct.pack("<I?", 7, value))
        elif isinstance(value, int):
            out.append(struct.pack("<IQ", 10, value) if value >= 2**32
                       else struct.pack("<II", 4, value))
        elif isinstance(value, float):
            out.append(struct.pack("<If", 6, value))
        else:
            raw = str(value).encode()
            out.append(struct.pack("<IQ", _STRING, len(raw)) + raw)
    data = b"".join(out)
    if len(data) < size:
        pad = (filler or b"\0") * ((size - len(data)) // max(len(filler), 1) + 1)
        data += pad[: size - len(data)]
    return data


def human_number(count: int) -> str:
    """A parameter count as Ollama shows it (format.HumanNumber): 1.24B, 134.52M, 7B."""
    for scale, suffix, places in ((10**9, "B", 1), (10**6, "M", 2)):
        if count >= scale:
            value = count / scale
            return f"{value:.0f}{suffix}" if value == int(value) else \
                f"{value:.{places}f}{suffix}"
    if count >= 1000:
        return f"{count / 1000:.0f}K"
    return str(count)
