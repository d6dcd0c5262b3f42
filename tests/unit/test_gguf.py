"""The GGUF header reader on real header prefixes and on hostile ones."""

from __future__ import annotations

import contextlib
import os
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gguf_bytes import ARR, BOOL, F32, I32, STR, U32, U64, gguf_string, header, kv, qwen3_8b
from tui.core.gguf import GGUFError, NeedMoreBytes, has_needed_keys, read_header

FUZZ = settings(max_examples=int(os.environ.get("QGOOSE_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def test_reads_the_figures_and_stops_before_the_tokenizer() -> None:
    data = qwen3_8b(vocabulary=50_000)
    result = read_header(data)
    assert result.version == 3 and result.tensor_count == 399
    assert result.architecture == "qwen3"
    assert result.values["qwen3.block_count"] == 36
    assert result.values["qwen3.attention.head_count_kv"] == 8
    assert result.values["qwen3.attention.key_length"] == 128
    assert result.stopped_early
    assert "tokenizer.ggml.model" not in result.values
    assert result.read_bytes < 1000 < len(data)
    # The bytes it read are enough: the same answer from just them.
    assert read_header(data[:result.read_bytes]).values == result.values


def test_reads_everything_when_asked_skipping_big_arrays() -> None:
    result = read_header(qwen3_8b(), stop_early=False)
    assert not result.stopped_early
    assert result.values["general.file_type"] == 15
    assert result.values["tokenizer.ggml.model"] == "gpt2"
    assert "tokenizer.ggml.tokens" not in result.values  # skipped, never built


def test_per_layer_arrays_and_every_scalar_type() -> None:
    pairs = [kv("general.architecture", STR, "gemma3"),
             kv("gemma3.block_count", U32, 4),
             kv("gemma3.context_length", U64, 131072),
             kv("gemma3.embedding_length", U32, 2560),
             kv("gemma3.attention.head_count", U32, 8),
             kv("gemma3.attention.head_count_kv", ARR, [4, 0, 4, 4], I32),
             kv("gemma3.attention.sliding_window", U32, 1024),
             kv("gemma3.rope.scale", F32, 8.0),
             kv("gemma3.flag", BOOL, True),
             kv("other.list", ARR, [1.5, 2.5], F32)]
    pairs += [gguf_string(f"k.{fmt}") + struct.pack("<I", code) + struct.pack(fmt, 1)
              for code, fmt in ((0, "<B"), (1, "<b"), (2, "<H"), (3, "<h"), (11, "<q"),
                                (12, "<d"))]
    values = read_header(header(pairs, version=2)).values
    assert values["gemma3.attention.head_count_kv"] == [4, 0, 4, 4]
    assert values["gemma3.context_length"] == 131072
    assert values["gemma3.attention.sliding_window"] == 1024
    assert values["gemma3.flag"] is True
    assert "other.list" not in values  # an array the estimator does not read
    assert [values[f"k.{f}"] for f in ("<B", "<b", "<H", "<h", "<q", "<d")] == [1] * 6


@pytest.mark.parametrize("cut", [0, 3, 4, 10, 24, 30, 60, 200])
def test_a_short_prefix_says_how_many_bytes_it_needs(cut: int) -> None:
    data = qwen3_8b()
    with pytest.raises(NeedMoreBytes) as caught:
        read_header(data[:cut])
    assert cut < caught.value.needed <= len(data)


def test_growing_the_prefix_as_asked_reaches_the_answer() -> None:
    data, size, steps = qwen3_8b(vocabulary=20_000), 1, 0
    while True:
        steps += 1
        try:
            result = read_header(data[:size])
            break
        except NeedMoreBytes as more:
            size = more.needed
    assert has_needed_keys(result.values) and steps < 100  # each answer moves on


@pytest.mark.parametrize(("data", "message"), [
    (b"GGML" + bytes(20), "not a GGUF file"),
    (b"GGUF" + struct.pack("<IQQ", 1, 0, 0), "version 1 is not supported"),
    (b"GGUF" + struct.pack(">IQQ", 3, 0, 0), "big-endian"),
    (b"GGUF" + struct.pack("<IQQ", 3, 2**60, 0), "tensor count"),
    (b"GGUF" + struct.pack("<IQQ", 3, 1, 2**40), "metadata count"),
    (header([struct.pack("<Q", 2**62)]), "metadata key of"),
    (header([gguf_string("a") + struct.pack("<IQ", STR, 2**40)]), "the string of 'a'"),
    (header([gguf_string("a") + struct.pack("<I", 99)]), "unknown value type 99"),
    (header([gguf_string("a") + struct.pack("<IIQ", ARR, U32, 2**40)]), "past the limit"),
    (header([gguf_string("a") + struct.pack("<IIQ", ARR, ARR, 1)]), "array of arrays"),
    (header([gguf_string("\x1b[31m") + struct.pack("<I", 77)]), "'?[31m'"),
])
def test_hostile_headers_get_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(GGUFError, match=r".*") as caught:
        read_header(data)
    assert message in str(caught.value)
    assert "\x1b" not in str(caught.value)


def test_an_endless_string_array_asks_for_bytes_not_memory() -> None:
    # 60 million strings claimed, 3 present: it asks for 8 bytes each at least, at once.
    data = header([gguf_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", ARR, STR, 60_000_000)
                   + gguf_string("a") * 3])
    with pytest.raises(NeedMoreBytes) as caught:
        read_header(data)
    assert caught.value.needed > 480_000_000


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_give_a_header_or_a_clear_error(data: bytes) -> None:
    with contextlib.suppress(GGUFError, NeedMoreBytes):
        read_header(b"GGUF" + data)


@FUZZ
@given(st.integers(0, 20_000), st.binary(max_size=64), st.integers(0, 2**64 - 1))
def test_corrupting_a_real_header_never_breaks_the_reader(at: int, junk: bytes,
                                                          count: int) -> None:
    data = bytearray(qwen3_8b(vocabulary=200))
    at = min(at, len(data))
    data[at:at + len(junk)] = junk
    data[at:at + 8] = struct.pack("<Q", count)[:len(data[at:at + 8])]
    with contextlib.suppress(GGUFError, NeedMoreBytes):
        read_header(bytes(data))
