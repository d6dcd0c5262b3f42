"""What /api/ps tells of a host's GPU when no `vram` is configured, and the verdicts it
allows: a full GPU (a model spilled to the CPU) judges as a configured one; memory merely in
use only says "fits"."""

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.vram import MAX_VRAM, Vram, VramSeen, host_vram, vram_seen
from tui.ollama.models import RunningModel

GB = 10**9


def ps(*models: dict) -> list[RunningModel]:
    """As the client reads an /api/ps answer."""
    return [RunningModel.from_json({"name": f"m{i}:latest", **m}) for i, m in enumerate(models)]


def test_models_wholly_on_the_gpu_are_a_lower_bound() -> None:
    seen = vram_seen(ps({"size": 6 * GB, "size_vram": 6 * GB},
                        {"size": 3 * GB, "size_vram": 3 * GB}))
    assert seen == VramSeen(9 * GB, whole=False)


def test_a_model_spilled_to_the_cpu_means_the_gpu_was_full() -> None:
    seen = vram_seen(ps({"size": 6 * GB, "size_vram": 6 * GB},
                        {"size": 9 * GB, "size_vram": 5 * GB}))
    assert seen == VramSeen(11 * GB, whole=True)


def test_nothing_loaded_or_nothing_on_a_gpu_tells_nothing() -> None:
    assert vram_seen([]) is None
    # A CPU-only host (or num_gpu 0): the model is wholly on the CPU, which proves no GPU.
    assert vram_seen(ps({"size": 5 * GB, "size_vram": 0})) is None
    assert vram_seen(ps({"size": 5 * GB, "size_vram": 0},
                        {"size": 2 * GB, "size_vram": 2 * GB})) == VramSeen(2 * GB, False)


@pytest.mark.parametrize("hostile", [
    {"size": 5 * GB, "size_vram": -3 * GB},  # negative
    {"size": 5 * GB, "size_vram": 10**30},  # absurd
    {"size": 5 * GB, "size_vram": "4000000000"},  # wrongly typed
    {"size": 5 * GB, "size_vram": True},
    {"size": 5 * GB, "size_vram": 4.5},  # a fraction is no byte count
    {"size": 5 * GB},  # missing
])
def test_hostile_figures_count_for_nothing(hostile: dict) -> None:
    assert vram_seen(ps(hostile)) is None
    honest = {"size": 2 * GB, "size_vram": 2 * GB}
    assert vram_seen(ps(hostile, honest)) == VramSeen(2 * GB, whole=False)


def test_a_missing_size_cannot_show_a_spill() -> None:
    assert vram_seen(ps({"size_vram": 4 * GB})) == VramSeen(4 * GB, whole=False)


@dataclass
class Unsanitised:
    """What a caller that bypassed the client might pass: the rule defends itself too."""
    size: object
    size_vram: object


def test_the_rule_needs_no_sanitised_input() -> None:
    assert vram_seen([Unsanitised(None, "lots"), Unsanitised(-1, -1)]) is None
    assert vram_seen([Unsanitised(5 * GB, MAX_VRAM + 1)]) is None
    # Many huge entries together may not add up to more than any host has.
    assert vram_seen([Unsanitised(MAX_VRAM, MAX_VRAM)] * 3) is None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({}, optional={
    "size": st.one_of(st.integers(), st.floats(), st.text(), st.none(), st.booleans()),
    "size_vram": st.one_of(st.integers(), st.floats(), st.text(), st.none(), st.booleans()),
}), max_size=6))
def test_any_answer_gives_a_sane_figure_or_none(entries: list[dict]) -> None:
    seen = vram_seen(ps(*entries))
    assert seen is None or 0 < seen.bytes <= MAX_VRAM


def test_a_full_gpu_seen_judges_as_a_configured_one() -> None:
    seen = Vram(11 * GB, "seen", whole=True)
    assert [seen.verdict(t) for t in (10 * GB, 20 * GB, 30 * GB)] == \
        ["fits", "partly on CPU", "does not fit"]
    assert seen.label == "11.0 GB (seen in use)" and seen.words == "11.0 GB seen in use"
    assert Vram(12 * GB).label == "12.0 GB"


def test_a_lower_bound_says_fits_or_nothing() -> None:
    bound = Vram(9 * GB, "seen", whole=False)
    assert bound.verdict(8 * GB) == "fits" and bound.verdict(9 * GB) == "fits"
    assert bound.verdict(9 * GB + 1) is None  # never "does not fit": the GPU may be larger
    assert bound.label == "≥ 9.0 GB seen in use"
    assert bound.hint == "≥ 9.0 GB seen in use; set vram in the config"


def test_the_configured_vram_always_wins() -> None:
    spilled = ps({"size": 9 * GB, "size_vram": 5 * GB})
    assert host_vram(24 * GB, spilled) == Vram(24 * GB, "config")
    assert host_vram(None, spilled) == Vram(5 * GB, "seen", whole=True)
    assert host_vram(None, []) is None
