"""What deleting really frees, and the disk used with shared blobs counted once."""

from tui.core.space import disk_used, space_freed, weights_blob
from tui.ollama.models import ModelInfo, ModelSummary

BLOB_A = "sha256-" + "a" * 64
BLOB_B = "sha256-" + "b" * 64


def summary(name: str, size: int, digest: str) -> ModelSummary:
    return ModelSummary.from_json({"name": name, "size": size, "digest": digest})


def info(blob: str) -> ModelInfo:
    return ModelInfo.from_json("m", {"modelfile": f"# made by ollama show\nFROM /root/.ollama/"
                                                  f"models/blobs/{blob}\nTEMPLATE x"})


GEMMA_4B = summary("gemma3:4b", 3_300_000_000, "d1")
GEMMA_LATEST = summary("gemma3:latest", 3_300_000_000, "d1")  # same manifest
TUNED = summary("gemma-tuned:latest", 3_300_000_100, "d2")  # other manifest, same weights
LLAMA = summary("llama3.2:latest", 2_000_000_000, "d3")
DETAILS = {"gemma3:4b": info(BLOB_A), "gemma3:latest": info(BLOB_A),
           "gemma-tuned:latest": info(BLOB_A), "llama3.2:latest": info(BLOB_B)}
ALL = [GEMMA_4B, GEMMA_LATEST, TUNED, LLAMA]


def known(model: ModelSummary) -> ModelInfo | None:
    return DETAILS.get(model.name)


def test_the_weights_blob_comes_from_the_modelfile() -> None:
    assert weights_blob(info(BLOB_A)) == BLOB_A
    assert weights_blob(ModelInfo.from_json("m", {"modelfile": "FROM llama3.2"})) is None
    assert weights_blob(None) is None


def test_deleting_one_tag_of_a_shared_model_frees_nothing() -> None:
    report = space_freed([GEMMA_LATEST], ALL, known)
    assert (report.freed, report.kept) == (0, 3_300_000_000)
    assert report.shared_with == {"gemma3:latest": ["gemma3:4b", "gemma-tuned:latest"]}
    assert not report.approximate


def test_deleting_every_sharer_frees_the_blob_once() -> None:
    report = space_freed([GEMMA_4B, GEMMA_LATEST, TUNED], ALL, known)
    assert (report.freed, report.kept) == (3_300_000_000, 0)
    assert space_freed([LLAMA], ALL, known).freed == 2_000_000_000


def test_without_details_identical_manifests_still_share_and_it_says_about() -> None:
    report = space_freed([GEMMA_LATEST], ALL, lambda m: None)
    assert report.freed == 0 and report.kept == 3_300_000_000 and report.approximate
    # The tuned copy's sharing cannot be seen without details: counted as freed.
    assert space_freed([TUNED], ALL, lambda m: None).freed == 3_300_000_100


def test_disk_used_counts_each_blob_once() -> None:
    assert disk_used(ALL, known) == 3_300_000_100 + 2_000_000_000
    assert disk_used(ALL, lambda m: None) == 3_300_000_000 + 3_300_000_100 + 2_000_000_000


def test_disk_used_without_details_groups_by_manifest_and_a_digestless_model_alone() -> None:
    nameless_digest = [summary("odd:1", 100, ""), summary("odd:2", 100, "")]
    assert disk_used([*ALL, *nameless_digest], lambda m: None) == \
        3_300_000_000 + 3_300_000_100 + 2_000_000_000 + 200
    # Details for some models only: their blobs join groups, the rest by manifest.
    partial = {"gemma3:4b": info(BLOB_A), "gemma-tuned:latest": info(BLOB_A)}
    assert disk_used(ALL, lambda m: partial.get(m.name)) == 3_300_000_100 + 2_000_000_000
