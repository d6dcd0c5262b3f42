"""The metadata at the start of a GGUF file, read from a prefix of its bytes.

Layout (GGUF v2/v3, little-endian): magic `GGUF`, version (uint32), tensor count and KV count
(uint64), then KV pairs: key (uint64 length + UTF-8), value type (uint32), value; an array is
its element type (uint32), count (uint64) and the elements. Writers put `general.*` and the
architecture's keys before the tokenizer's big arrays, so the reader stops at the first
`tokenizer.*` key once the keys the memory estimator needs are in: a model's header is read
from its first few hundred kilobytes, not its 5 MB vocabulary.

Every length and count comes from a possibly hostile file: each is bounded, and a prefix that
ends mid-header says how many bytes it needs at least (NeedMoreBytes) instead of guessing.
Pure functions, no I/O.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAGIC = b"GGUF"
MAX_TENSORS = 1 << 24  # the biggest real models have tens of thousands
MAX_KVS = 1 << 20
MAX_KEY = 1 << 16  # bytes of one key (real ones: under 100)
MAX_STRING = 1 << 20  # bytes of one string value (a chat template: a few KB)
MAX_ARRAY = 1 << 26  # elements of one array (a vocabulary: about 260,000)
MAX_KEPT_ARRAY = 1 << 16  # elements of an array kept as a list (per-layer figures)

# Value types: struct format of a scalar, or None for string (8) and array (9).
_SCALARS: dict[int, str] = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f",
                            7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
STRING, ARRAY = 8, 9
TYPE_NAMES = {0: "uint8", 1: "int8", 2: "uint16", 3: "int16", 4: "uint32", 5: "int32",
              6: "float32", 7: "bool", 8: "string", 9: "array", 10: "uint64", 11: "int64",
              12: "float64"}

# What the memory estimator reads, under `<architecture>.` (tui/core/memory.py).
ARCH_REQUIRED = ("block_count", "context_length", "embedding_length", "attention.head_count")
ARCH_KEPT_ARRAYS = ("attention.head_count", "attention.head_count_kv",
                    "attention.sliding_window_pattern")


class GGUFError(ValueError):
    """Not a GGUF file, or one this reader refuses (the message says why, in a line)."""


class NeedMoreBytes(Exception):
    """The prefix ends inside the header: read at least `needed` bytes from the start."""

    def __init__(self, needed: int) -> None:
        super().__init__(f"the GGUF header needs at least {needed:,} bytes")
        self.needed = needed


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    tensor_count: int
    kv_count: int
    values: Mapping[str, Any]  # scalars, and the per-layer arrays the estimator reads
    read_bytes: int  # how much of the prefix the answer needed
    stopped_early: bool  # the needed keys were in before the end of the metadata

    @property
    def architecture(self) -> str:
        value = self.values.get("general.architecture")
        return value if isinstance(value, str) else ""


def has_needed_keys(values: Mapping[str, Any]) -> bool:
    """The architecture and its required figures are known."""
    arch = values.get("general.architecture")
    return isinstance(arch, str) and bool(arch) and \
        all(f"{arch}.{key}" in values for key in ARCH_REQUIRED)


def read_header(data: bytes, *, stop_early: bool = True) -> GGUFHeader:
    """The header's metadata from `data`, a prefix of the file. Raises GGUFError for a bad
    or refused file, NeedMoreBytes when the prefix is too short."""
    return _Reader(memoryview(data)).header(stop_early)


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.at = 0

    def _take(self, size: int) -> memoryview:
        end = self.at + size
        if end > len(self.data):
            raise NeedMoreBytes(end)
        part = self.data[self.at:end]
        self.at = end
        return part

    def _scalar(self, fmt: str) -> Any:
        return struct.unpack(fmt, self._take(struct.calcsize(fmt)))[0]

    def _length(self, limit: int, what: str) -> int:
        size = self._scalar("<Q")
        if size > limit:
            raise GGUFError(f"{what} of {size:,} bytes is past the limit of {limit:,}")
        return int(size)

    def _string(self, limit: int, what: str) -> str:
        size = self._length(limit, what)
        return bytes(self._take(size)).decode("utf-8", errors="replace")

    def _value_type(self, key: str) -> int:
        kind = self._scalar("<I")
        if kind not in _SCALARS and kind not in (STRING, ARRAY):
            raise GGUFError(f"{_shown(key)} has an unknown value type {kind}")
        return int(kind)

    def header(self, stop_early: bool) -> GGUFHeader:
        if bytes(self._take(4)) != MAGIC:
            raise GGUFError("not a GGUF file (no GGUF magic at the start)")
        version = self._scalar("<I")
        if version not in (2, 3):
            if version in (0x02000000, 0x03000000):
                raise GGUFError("a big-endian GGUF file: not supported")
            raise GGUFError(f"GGUF version {version} is not supported (2 and 3 are)")
        tensors, kvs = self._scalar("<Q"), self._scalar("<Q")
        if tensors > MAX_TENSORS:
            raise GGUFError(f"a tensor count of {tensors:,} is past the limit")
        if kvs > MAX_KVS:
            raise GGUFError(f"a metadata count of {kvs:,} is past the limit")
        values: dict[str, Any] = {}
        for _ in range(kvs):
            key = self._string(MAX_KEY, "a metadata key")
            if stop_early and key.startswith("tokenizer.") and has_needed_keys(values):
                return GGUFHeader(version, tensors, kvs, values, self.at, True)
            kind = self._value_type(key)
            if kind == ARRAY:
                array = self._array(key, keep=_keeps_array(key, values))
                if array is not None:
                    values[key] = array
            elif kind == STRING:
                values[key] = self._string(MAX_STRING, f"the string of {_shown(key)}")
            else:
                values[key] = self._scalar(_SCALARS[kind])
        return GGUFHeader(version, tensors, kvs, values, self.at, False)

    def _array(self, key: str, keep: bool) -> list[Any] | None:
        """The array's elements when `keep` (and it is small), else skipped over."""
        kind = self._value_type(key)
        if kind == ARRAY:
            raise GGUFError(f"{_shown(key)} is an array of arrays: not supported")
        count = self._scalar("<Q")
        if count > MAX_ARRAY:
            raise GGUFError(f"{_shown(key)} has {count:,} elements, past the limit")
        keep = keep and count <= MAX_KEPT_ARRAY
        if kind == STRING:
            items = []
            for index in range(count):
                if len(self.data) - self.at < 8 * (count - index):
                    raise NeedMoreBytes(self.at + 8 * (count - index))  # 8 bytes each at least
                text = self._string(MAX_STRING, f"a string in {_shown(key)}")
                if keep:
                    items.append(text)
            return items if keep else None
        fmt = _SCALARS[kind]
        size = struct.calcsize(fmt)
        block = self._take(size * count)  # skipped without a copy when not kept
        if not keep:
            return None
        return [item[0] for item in struct.iter_unpack(fmt, block)]


def _keeps_array(key: str, values: Mapping[str, Any]) -> bool:
    arch = values.get("general.architecture")
    return isinstance(arch, str) and any(key == f"{arch}.{name}" for name in ARCH_KEPT_ARRAYS)


def _shown(key: str) -> str:
    """A key for a message: printable, and short."""
    text = "".join(c if c.isprintable() else "?" for c in key[:80])
    return repr(text + ("…" if len(key) > 80 else ""))
