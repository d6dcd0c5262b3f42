import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import fixture_ndjson, fixture_text
from tui.ollama.errors import ProtocolError
from tui.ollama.models import PullEvent
from tui.ollama.ndjson import NdjsonDecoder, latest_of_each_run
from tui.ollama.progress import Phase, PullProgress

FULL = fixture_ndjson("pull_llama3.2.ndjson")
RESUMED = fixture_ndjson("pull_llama3.2_resumed.ndjson")
WEIGHTS = "sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff"
MODEL_SIZE = 2019393189  # /api/tags size of llama3.2:latest = the sum of its layers


def feed_all(events: list[dict], seconds_apart: float = 0.06) -> PullProgress:
    progress = PullProgress("llama3.2:latest")
    for i, obj in enumerate(events):
        progress.feed(PullEvent.from_json(obj), now=i * seconds_apart)
    return progress


def test_a_whole_pull_ends_done_with_every_layer_complete() -> None:
    progress = feed_all(FULL)
    assert progress.phase is Phase.SUCCESS
    assert progress.total == progress.completed == MODEL_SIZE
    assert len(progress.layers) == 6
    assert all(layer.done for layer in progress.layers.values())
    assert progress.fraction == 1.0


def test_mid_download_figures_speed_and_eta() -> None:
    lines = [obj for obj in FULL if obj.get("digest") == WEIGHTS]
    progress = feed_all(FULL[:1] + lines[:6])
    layer = progress.layers[WEIGHTS]
    assert progress.phase is Phase.DOWNLOADING
    assert layer.completed == lines[5]["completed"] and layer.total == 2019377376
    # 84,140,724 bytes every 0.06 s in the fixture.
    assert abs(progress.speed - 84140724 / 0.06) < 1
    assert progress.eta is not None
    assert abs(progress.eta - (2019377376 - lines[5]["completed"]) / progress.speed) < 1e-6


def test_completed_missing_while_zero_counts_as_zero() -> None:
    progress = feed_all(FULL[:2])
    assert progress.layers[WEIGHTS].completed == 0
    assert progress.fraction == 0.0


def test_a_resumed_pull_starts_where_it_was_and_speed_ignores_the_jump() -> None:
    progress = feed_all(RESUMED[:2])
    assert progress.resumed_from == 1203765248
    assert progress.fraction > 0.5
    assert progress.speed == 0.0  # the bytes already on disk were not downloaded now
    progress = feed_all(RESUMED[:4])
    assert abs(progress.speed - (1339700602 - 1203765248) / 0.12) < 1


def test_phases_follow_the_statuses() -> None:
    seen = []
    progress = PullProgress()
    for i, obj in enumerate(FULL):
        progress.feed(PullEvent.from_json(obj), now=float(i))
        seen.append(progress.phase)
    order = list(dict.fromkeys(seen))
    assert order == [Phase.MANIFEST, Phase.DOWNLOADING, Phase.VERIFYING, Phase.WRITING,
                     Phase.SUCCESS]


def test_an_error_line_fails_the_pull_with_its_text() -> None:
    progress = feed_all(fixture_ndjson("pull_error_not_found.ndjson"))
    assert progress.phase is Phase.ERROR
    assert progress.error == "pull model manifest: file does not exist"
    assert progress.finished


def _chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:], strict=False)]


def _progress_from_chunks(chunks: list[bytes]) -> PullProgress:
    decoder = NdjsonDecoder()
    progress = PullProgress()
    objects = [obj for chunk in chunks for obj in decoder.feed(chunk)] + decoder.close()
    for i, obj in enumerate(objects):
        progress.feed(PullEvent.from_json(obj), now=i * 0.05)
    return progress


def _figures(p: PullProgress) -> tuple:
    return (p.phase, p.total, p.completed, p.resumed_from, p.events, p.speed, p.eta,
            [(layer.digest, layer.total, layer.completed) for layer in p.layers.values()])


@settings(max_examples=60)
@given(st.sampled_from(["pull_llama3.2.ndjson", "pull_llama3.2_resumed.ndjson"]),
       st.lists(st.integers(min_value=0), max_size=40),
       st.lists(st.integers(min_value=0), max_size=40), st.booleans())
def test_any_two_chunkings_of_a_stream_give_the_same_result(
    name: str, cuts_a: list[int], cuts_b: list[int], drop_final_newline: bool
) -> None:
    data = fixture_text(name).encode()
    if drop_final_newline:
        data = data.rstrip(b"\n")
    a = _progress_from_chunks(_chunked(data, cuts_a))
    b = _progress_from_chunks(_chunked(data, cuts_b))
    assert _figures(a) == _figures(b)
    assert a.events == len(data.strip().splitlines())


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10**9)), min_size=1, max_size=60))
def test_overall_never_exceeds_total_and_never_goes_backwards(steps: list) -> None:
    progress = PullProgress()
    sizes = [10**9 // (i + 1) for i in range(6)]
    last = 0
    for i, (layer, completed) in enumerate(steps):
        obj = {"status": "pulling x", "digest": f"sha256:{layer:064x}", "total": sizes[layer],
               "completed": min(completed, sizes[layer])}
        progress.feed(PullEvent.from_json(json.loads(json.dumps(obj))), now=float(i))
        assert progress.completed <= progress.total
        assert progress.completed >= last
        last = progress.completed


@settings(max_examples=60)
@given(st.sampled_from(["pull_llama3.2.ndjson", "pull_llama3.2_resumed.ndjson"]),
       st.lists(st.integers(min_value=0), max_size=40))
def test_coalescing_runs_of_lines_keeps_the_final_figures(name: str, cuts: list[int]) -> None:
    data = fixture_text(name).encode()
    decoder = NdjsonDecoder()
    lines = [line for chunk in _chunked(data, cuts) for line in
             latest_of_each_run(decoder.lines(chunk))] + decoder.rest()
    coalesced = PullProgress()
    for i, line in enumerate(lines):
        coalesced.feed(PullEvent.from_json(json.loads(line)), now=float(i))
    full = _progress_from_chunks([data])
    assert (coalesced.phase, coalesced.total, coalesced.completed, coalesced.resumed_from) == \
        (full.phase, full.total, full.completed, full.resumed_from)
    assert list(coalesced.layers) == list(full.layers)  # every layer, in order
    assert coalesced.events <= full.events


def test_coalescing_keeps_the_first_and_newest_line_of_a_run() -> None:
    lines = [b'{"status":"pulling manifest"}', b'{"status":"pulling ab","completed":1}',
             b'{"status":"pulling ab","completed":2}', b'{"status":"pulling ab","completed":3}',
             b'{"status":"pulling cd","completed":1}', b'{"status":"pulling ab","completed":4}',
             b'{"error":"x"}']
    assert latest_of_each_run(lines) == [lines[0], lines[1], lines[3], lines[4], lines[5],
                                         lines[6]]


def test_a_line_longer_than_the_limit_is_refused_however_it_arrives() -> None:
    line = b'{"status":"' + b"x" * 2000 + b'"}'
    whole, in_bytes = NdjsonDecoder(max_line=1000), NdjsonDecoder(max_line=1000)
    with pytest.raises(ProtocolError, match="longer than"):
        whole.lines(line + b"\n")
    with pytest.raises(ProtocolError, match="longer than"):
        for i in range(len(line)):
            in_bytes.lines(line[i:i + 1])
    # Lines up to the limit pass, however they are cut.
    fine = NdjsonDecoder(max_line=len(line))
    assert fine.lines(line[:7]) == [] and fine.lines(line[7:] + b"\n") == [line]
