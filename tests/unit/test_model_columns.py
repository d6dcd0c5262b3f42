"""The grid's columns, filter and sort: pure functions over ModelSummary."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.model_columns import COLUMNS, matches, parameter_count, visible_models
from tui.ollama.models import ModelDetails, ModelSummary


def model(name: str, params: str = "", quant: str = "", family: str = "", size: int = 0,
          modified: str = "") -> ModelSummary:
    return ModelSummary(name=name, size=size, modified_at_text=modified,
                        details=ModelDetails(parameter_size=params, quantization_level=quant,
                                             family=family))


@pytest.mark.parametrize(("text", "count"), [
    ("7.6B", 7.6e9), ("137M", 1.37e8), ("355B", 3.55e11), ("1.5t", 1.5e12), ("", 0.0),
    ("unknown", 0.0), ("1.2.3B", 0.0), (" 8B", 8e9),
])
def test_parameter_counts_read_like_ollama_writes_them(text: str, count: float) -> None:
    assert parameter_count(text) == pytest.approx(count)


MODELS = [
    model("qwen2.5:7b", "7.6B", "Q4_K_M", "qwen2", 4_683_087_332, "2026-01-02T00:00:00Z"),
    model("llama3.2:latest", "3.2B", "Q4_K_M", "llama", 2_019_393_189, "2026-01-03T00:00:00Z"),
    model("nomic-embed-text:latest", "137M", "F16", "nomic-bert", 274_302_450,
          "2026-01-01T00:00:00Z"),
    model("Alpha:latest", "7.6B", "Q8_0", "qwen2", 8_000_000_000, "2026-01-02T00:00:00Z"),
]


@pytest.mark.parametrize(("query", "names"), [
    ("q4", ["llama3.2:latest", "qwen2.5:7b"]),
    ("qwen", ["Alpha:latest", "qwen2.5:7b"]),  # the family matches too
    ("QWEN q8", ["Alpha:latest"]),  # every word, any case
    ("bert", ["nomic-embed-text:latest"]),
    ("nothing", []),
    ("   ", ["Alpha:latest", "llama3.2:latest", "nomic-embed-text:latest", "qwen2.5:7b"]),
])
def test_the_filter_needs_every_word_somewhere(query: str, names: list[str]) -> None:
    assert sorted(m.name for m in visible_models(MODELS, query, "name", False)) == names


def test_sorting_breaks_ties_by_name() -> None:
    by_params = [m.name for m in visible_models(MODELS, "", "params", True)]
    assert by_params == ["Alpha:latest", "qwen2.5:7b", "llama3.2:latest",
                         "nomic-embed-text:latest"]
    by_date = [m.name for m in visible_models(MODELS, "", "modified", True)]
    assert by_date == ["llama3.2:latest", "Alpha:latest", "qwen2.5:7b",
                       "nomic-embed-text:latest"]


def test_cells_are_printable_and_cloud_models_say_so() -> None:
    evil = model("a\x1b[31m:latest", quant="\x07Q4")
    texts = {c.key: c.text(evil) for c in COLUMNS}
    assert texts["name"] == "a\\x1b[31m:latest" and texts["quant"] == "\\x07Q4"
    cloud = ModelSummary(name="glm-4.6:cloud", remote_host="https://ollama.com:443")
    assert COLUMNS[4].text(cloud) == "☁ cloud"


@given(st.lists(st.text(max_size=12), max_size=5), st.text(max_size=12))
def test_filtering_never_raises(names: list[str], query: str) -> None:
    models = [model(n) for n in names]
    assert all(matches(m, query) for m in visible_models(models, query, "name", False))
