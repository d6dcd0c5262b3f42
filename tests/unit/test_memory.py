"""The memory estimator against figures worked out by hand from real `model_info` bodies."""

import pytest

from tests.conftest import fixture_json
from tui.core.memory import UnknownEstimate, estimate_memory, fit_contexts, verdict
from tui.ollama.models import ModelInfo

GIB = 1024**3


def info_of(fixture: str, **changes) -> ModelInfo:
    body = fixture_json(fixture)
    body["model_info"] = {**body["model_info"], **changes}
    return ModelInfo.from_json("m", body)


def test_llama_with_grouped_kv_heads() -> None:
    # llava (docs): llama, 32 layers, 32 heads of 4096/32 = 128, 8 KV heads.
    info = info_of("show_llava_docs.json")
    e = estimate_memory(info, 4_700_000_000, 8192)
    assert e.kv_cache == 8192 * (128 + 128) * 8 * 32 * 2 == 1 * GIB  # the doc's own example
    assert e.overhead == 4 * 512 * (1 + 4 * 4096 + 8192 * (1 + 32))
    assert e.total == 4_700_000_000 + GIB + e.overhead and not e.upper_bound


def test_qwen25vl_vision_model() -> None:
    # 28 layers, 28 heads of 3584/28 = 128, 4 KV heads; q8_0 halves the f16 figure.
    info = info_of("show_attogram_qwen2.5vl-7b_vision.json")
    f16 = estimate_memory(info, 6_000_000_000, 32768)
    q8 = estimate_memory(info, 6_000_000_000, 32768, "q8_0")
    assert f16.kv_cache == 32768 * 256 * 4 * 28 * 2 == 1_879_048_192
    assert q8.kv_cache == f16.kv_cache // 2
    assert estimate_memory(info, 6_000_000_000, 32768, "q4_0").kv_cache == f16.kv_cache // 4


def test_gemma3n_sliding_window_is_an_upper_bound() -> None:
    # 35 layers, 8 heads of 2048/8 = 256, 2 KV heads; a sliding window makes it less.
    info = info_of("show_attogram_gemma3n-e4b.json")
    e = estimate_memory(info, 7_500_000_000, 8192, parallel=2)
    assert e.kv_cache == 8192 * 2 * 512 * 2 * 35 * 2
    assert e.upper_bound


def test_embedding_model_without_kv_head_count() -> None:
    # nomic-bert (Ollama 0.5): no head_count_kv, so every one of the 12 heads has its own.
    info = info_of("show_padiazg_nomic-embed-text_v0.5.json")
    e = estimate_memory(info, 274_000_000, 2048)
    assert e.kv_cache == 2048 * (64 + 64) * 12 * 12 * 2


def test_per_layer_kv_heads_and_explicit_key_lengths() -> None:
    # One KV head count per layer; 0 marks a layer without attention.
    layers = [8, 0] * 16
    info = info_of("show_llava_docs.json", **{"llama.attention.head_count_kv": layers,
                                              "llama.attention.key_length": 192,
                                              "llama.attention.value_length": 128})
    e = estimate_memory(info, 1, 1000)
    assert e.kv_cache == 1000 * (192 + 128) * 8 * 16 * 2


@pytest.mark.parametrize(("changes", "reason"), [
    ({"llama.block_count": None}, "lacks llama.block_count"),
    ({"llama.attention.head_count": "32"}, "no usable llama.attention.head_count"),
    ({"general.architecture": None}, "no model_info architecture"),
    ({"llama.attention.head_count": [0, 0]}, "no usable llama.attention.head_count"),
])
def test_missing_figures_are_unknown_with_the_reason(changes, reason) -> None:
    info = info_of("show_llava_docs.json", **changes)
    with pytest.raises(UnknownEstimate, match=reason):
        estimate_memory(info, 4_700_000_000, 8192)


def test_cloud_models_and_bad_requests_are_unknown() -> None:
    cloud = ModelInfo.from_json("c", {"remote_host": "https://ollama.com:443",
                                      "model_info": {"general.architecture": "glm4"}})
    with pytest.raises(UnknownEstimate, match="cloud model"):
        estimate_memory(cloud, 400, 8192)
    info = info_of("show_llava_docs.json")
    with pytest.raises(UnknownEstimate, match="KV cache type"):
        estimate_memory(info, 1, 8192, "f8")
    with pytest.raises(UnknownEstimate, match="size"):
        estimate_memory(info, 0, 8192)


def test_verdicts_and_table_rows() -> None:
    assert verdict(8, 8) == "fits" and verdict(9, 8) == "partly on CPU"
    assert verdict(17, 8) == "does not fit"
    assert fit_contexts(32768) == [2048, 8192, 32768]
    assert fit_contexts(40960) == [2048, 8192, 32768, 40960]
    assert fit_contexts(None) == [2048, 8192, 32768, 131072]
