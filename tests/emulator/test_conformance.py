"""The emulator answers like the recorded real servers: same keys, value types, status codes,
and (for pulls) the same order of statuses."""

import itertools
import json
import re
from typing import Any

import httpx
import pytest
import respx

from tests.conftest import FIXTURES, fixture_json, fixture_ndjson
from tui.core.format import processor_text, relative_time, until_text
from tui.core.model_columns import COLUMNS
from tui.core.model_facts import model_facts
from tui.emulator.demo_models import demo_catalog
from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import Store
from tui.ollama import OllamaClient
from tui.ollama.models import ModelInfo, ModelSummary, PullEvent, RunningModel
from tui.ollama.names import parse_name
from tui.ollama.progress import PullProgress

WEIGHTS = "sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff"


def shape(value: Any) -> Any:
    """Keys and value types, recursively; what a client relies on."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, int | float) else type(value).__name__


def assert_shape_covers(real: Any, ours: Any, where: str = "") -> None:
    """Every key the real server sent is in ours, with a value of the same JSON type.

    A real null (Go's nil slice) matches anything, and a real [] matches null (the docs
    show [] where servers send null)."""
    if real is None or real == [] and ours is None:
        return
    if isinstance(real, dict):
        assert isinstance(ours, dict), where
        for key, value in real.items():
            assert key in ours, f"{where}.{key} missing"
            assert_shape_covers(value, ours[key], f"{where}.{key}")
    elif isinstance(real, list):
        assert isinstance(ours, list), where
        if real and ours:
            assert_shape_covers(real[0], ours[0], f"{where}[0]")
    else:
        assert shape(real) == shape(ours), f"{where}: {real!r} vs {ours!r}"


def statuses(lines: list[dict]) -> list[str]:
    keys = [line.get("status") or f"error: {line['error']}" for line in lines]
    collapsed = [k for k, _ in itertools.groupby(keys)]
    return ["pulling <layer>" if k.startswith("pulling ") and k != "pulling manifest" else k
            for k in collapsed]


# Go writes RFC 3339 with 0-9 fraction digits (trailing zeros trimmed) and an offset or Z.
GO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)")

TAGS = sorted(p.name for p in FIXTURES.glob("tags_*.json"))
SHOWS = sorted(p.name for p in FIXTURES.glob("show_*.json"))
PS = sorted(p.name for p in FIXTURES.glob("ps_*.json"))


@pytest.fixture
async def http(emulator: Emulator):
    async with httpx.AsyncClient(base_url=emulator.url) as c:
        yield c


@pytest.fixture
async def new_http():
    """An emulator behaving as a recent server (capabilities in tags, renderer in show)."""
    async with running_emulator(server_version="0.33") as emu, \
            httpx.AsyncClient(base_url=emu.url) as c:
        yield c


async def test_root_and_head(http) -> None:
    for method in ("GET", "HEAD"):
        response = await http.request(method, "/")
        assert response.status_code == 200
    assert (await http.get("/")).text == "Ollama is running"


async def test_version(http) -> None:
    response = await http.get("/api/version")
    assert shape(response.json()) == shape(fixture_json("version_docs.json"))


@pytest.mark.parametrize("fixture", TAGS)
async def test_tags_entries_have_every_key_a_real_server_sends(http, new_http,
                                                               fixture: str) -> None:
    old_models = (await http.get("/api/tags")).json()["models"]
    new_models = (await new_http.get("/api/tags")).json()["models"]
    for real in fixture_json(fixture)["models"]:
        ours = new_models if "capabilities" in real else old_models
        cloud = "remote_host" in real
        same_kind = next(m for m in ours if ("remote_host" in m) == cloud)
        assert_shape_covers(real, same_kind, real["name"])
        if not cloud and "capabilities" not in real and "context_length" not in real["details"]:
            assert set(same_kind) == set(real)  # no key an old server would not send
    for entry in old_models:
        assert len(entry["digest"]) == 64 and entry["name"] == entry["model"]
        assert GO_TIME.fullmatch(entry["modified_at"]), entry["modified_at"]


@pytest.mark.parametrize("fixture", TAGS)
async def test_every_real_tags_body_parses_without_loss(fixture: str) -> None:
    body = fixture_json(fixture)
    with respx.mock(base_url="http://real.test") as api:
        api.get("/api/tags").respond(json=body)
        async with OllamaClient("http://real.test") as client:
            models = await client.list_models()
    assert len(models) == len(body["models"]) and models.skipped == 0
    for real, parsed in zip(body["models"], models, strict=True):
        assert parsed.name == real["name"] and parsed.size == real["size"]
        assert parsed.digest == real["digest"]
        assert parsed.details.quantization_level == real["details"]["quantization_level"]
        assert parsed.is_remote == ("remote_host" in real)
        assert parsed.modified_at is not None or real["modified_at"].startswith("0001")
        # What the grid shows for each: never empty, never a traceback.
        assert all(column.text(parsed) for column in COLUMNS if column.key != "params")


async def test_a_cloud_model_from_ollama_com_has_an_unknown_date() -> None:
    stub = {"name": "gpt-oss:120b-cloud", "modified_at": "0001-01-01T00:00:00Z", "size": 384,
            "digest": "a" * 64, "remote_host": "https://ollama.com:443"}
    model = ModelSummary.from_json(stub)
    assert model.modified_at is None and relative_time(model.modified_at) == "unknown"


async def test_cloud_models_have_a_tiny_size_and_remote_fields(http) -> None:
    [cloud] = [m for m in (await http.get("/api/tags")).json()["models"]
               if m["name"] == "glm-4.6:cloud"]
    assert cloud["size"] < 1000 and cloud["remote_host"].startswith("https://")
    assert cloud["details"]["format"] == ""


async def test_tags_of_an_empty_server() -> None:
    async with running_emulator(store=Store(demo_catalog(), {})) as emu, \
            httpx.AsyncClient(base_url=emu.url) as c:
        assert (await c.get("/api/tags")).json() == fixture_json("tags_empty.json")


@pytest.mark.parametrize("fixture", SHOWS)
async def test_show_has_every_key_a_real_server_sends(http, new_http, fixture: str) -> None:
    real = fixture_json(fixture)
    model = "llava:7b" if "projector_info" in real or "vision" in real.get("capabilities", ()) \
        else "nomic-embed-text" if "embed" in fixture else "llama3.2"
    body = (await http.post("/api/show", json={"model": model})).json()
    arch = body["model_info"]["general.architecture"]
    real_arch = real["model_info"]["general.architecture"]
    # Keys common to every model (the rest depend on the architecture and its tokenizer).
    arch_keys = tuple(f"{real_arch}.{k}" for k in ("context_length", "embedding_length",
                                                   "block_count"))
    common = {k.replace(real_arch + ".", arch + "."): v for k, v in real["model_info"].items()
              if k.startswith("general.") and k in body["model_info"] or k in arch_keys
              or k in ("tokenizer.ggml.model", "tokenizer.ggml.tokens")}
    optional = {"system"}  # omitempty: only models with a system prompt have one
    real_keys = {k: v for k, v in real.items() if k not in optional}
    assert_shape_covers({**real_keys, "model_info": common}, body, fixture)
    if "tensors" in real:
        assert len(json.dumps(body["tensors"])) > 10_000  # hundreds, like a real model
    parsed = ModelInfo.from_json(model, real)
    assert parsed.architecture == real_arch and parsed.context_length
    assert model_facts(None, parsed)  # the info panel has something to say


# The JSON keys of api/types.go's structs (v0.33), in field order: Go writes them so.
GO_ORDER = {
    "ListModelResponse": ["name", "model", "remote_model", "remote_host", "modified_at", "size",
                          "digest", "details", "capabilities"],
    "ShowResponse": ["license", "modelfile", "parameters", "template", "system", "renderer",
                     "parser", "details", "messages", "remote_model", "remote_host",
                     "model_info", "projector_info", "tensors", "capabilities", "modified_at",
                     "requires"],
    "ProcessModelResponse": ["name", "model", "size", "digest", "details", "expires_at",
                             "size_vram", "context_length"],
    "ModelDetails": ["parent_model", "format", "family", "families", "parameter_size",
                     "quantization_level", "context_length", "embedding_length"],
}


def assert_in_order(keys: list[str], order: list[str], where: str) -> None:
    assert all(k in order for k in keys), f"{where}: {keys} has keys Go's struct has not"
    assert keys == sorted(keys, key=order.index), f"{where}: {keys} not in Go's order"


@pytest.mark.parametrize("version", ["0.12", "0.33"])
async def test_keys_come_in_the_order_real_servers_write_them(version: str) -> None:
    """Go writes a struct's fields in their declared order and leaves empty omitempty ones
    out: the recorded bodies show it (a cloud entry's remote_model right after model,
    parameters before template), and so must every body the emulator answers."""
    async with running_emulator(server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        tags = (await http.get("/api/tags")).json()["models"]
        shows = [(await http.post("/api/show", json={"model": m["name"]})).json()
                 for m in tags]
        await http.post("/api/generate", json={"model": "llama3.2"})
        ps = (await http.get("/api/ps")).json()["models"]
    assert any("remote_model" in m for m in tags) and any("system" in s for s in shows)
    for entry in tags:
        assert_in_order(list(entry), GO_ORDER["ListModelResponse"], entry["name"])
        assert_in_order(list(entry["details"]), GO_ORDER["ModelDetails"], entry["name"])
    for name, body in zip((m["name"] for m in tags), shows, strict=True):
        assert_in_order(list(body), GO_ORDER["ShowResponse"], name)
        assert "" not in (body.get("renderer"), body.get("parser")), name  # omitempty
    for entry in ps:
        assert_in_order(list(entry), GO_ORDER["ProcessModelResponse"], entry["name"])
    # The recorded bodies themselves follow the same orders.
    for fixture in (*TAGS, *PS):
        for entry in fixture_json(fixture)["models"]:
            kind = "ProcessModelResponse" if fixture in PS else "ListModelResponse"
            assert_in_order(list(entry), GO_ORDER[kind], fixture)
    for fixture in SHOWS:
        assert_in_order(list(fixture_json(fixture)), GO_ORDER["ShowResponse"], fixture)


async def test_show_sends_null_for_tokenizer_arrays_unless_verbose(http) -> None:
    plain = (await http.post("/api/show", json={"model": "llava:7b"})).json()
    verbose = (await http.post("/api/show", json={"model": "llava:7b", "verbose": True})).json()
    assert plain["model_info"]["tokenizer.ggml.tokens"] is None
    assert verbose["model_info"]["tokenizer.ggml.tokens"]
    assert plain["tensors"] and verbose["tensors"]  # tensors either way
    assert "vision" in plain["capabilities"] and "projector_info" in plain
    assert plain["details"]["families"] == ["llama", "clip"]


async def test_show_of_a_cloud_model_is_nearly_empty(http) -> None:
    body = (await http.post("/api/show", json={"model": "glm-4.6:cloud"})).json()
    assert set(body["model_info"]) == {"general.architecture", "general.basename",
                                       "glm4.context_length", "glm4.embedding_length"}
    assert body["details"]["format"] == "" and body["remote_host"] and "tensors" not in body


async def test_show_with_the_deprecated_name_key(http) -> None:
    response = await http.post("/api/show", json={"name": "llava:7b"})
    assert response.status_code == 200


@pytest.mark.parametrize("fixture", PS)
async def test_ps_has_every_key_a_real_server_sends(http, fixture: str) -> None:
    await http.post("/api/generate", json={"model": "mistral"})
    ours = [m for m in (await http.get("/api/ps")).json()["models"]
            if m["name"] == "mistral:latest"]
    assert ours, "mistral should be loaded"
    for real in fixture_json(fixture)["models"]:
        assert_shape_covers(real, ours[0], fixture)
        parsed = RunningModel.from_json(real)
        assert parsed.size == real["size"]
        assert parsed.context_length == real.get("context_length")


def test_real_ps_bodies_display_as_ollama_ps_does() -> None:
    [split] = fixture_json("ps_attogram_mistral-7b_gpu-cpu-split.json")["models"]
    assert processor_text(RunningModel.from_json(split).gpu_fraction) == "13%/87% CPU/GPU"
    [forever] = fixture_json("ps_audit-doc_forever-keepalive_2026-08.json")["models"]
    assert until_text(RunningModel.from_json(forever).expires_at) == "forever"


async def _pull_lines(http, model: str) -> tuple[int, str, list[dict]]:
    async with http.stream("POST", "/api/pull", json={"model": model}) as response:
        body = (await response.aread()).decode()
    return response.status_code, response.headers["content-type"], \
        [json.loads(line) for line in body.splitlines()]


async def test_pull_follows_the_real_sequence(emulator: Emulator, http) -> None:
    emulator.store.delete(parse_name("llama3.2"))
    status, content_type, lines = await _pull_lines(http, "llama3.2")
    real = fixture_ndjson("pull_llama3.2.ndjson")
    assert status == 200 and content_type == "application/x-ndjson"
    assert statuses(lines) == statuses(real)
    layer_digests = list(dict.fromkeys(line["digest"] for line in lines if "digest" in line))
    assert layer_digests == list(dict.fromkeys(line["digest"] for line in real if "digest" in line))
    first_weights = next(line for line in lines if line.get("digest") == WEIGHTS)
    assert "completed" not in first_weights  # omitted while it is 0, as Ollama does
    for line in lines:
        if "digest" in line:
            assert line["status"] == f"pulling {line['digest'][7:19]}"
    assert shape(lines[-2]) == shape(real[-2])


async def test_a_resumed_pull_starts_from_the_kept_bytes(emulator: Emulator, http) -> None:
    emulator.store.delete(parse_name("llama3.2"))
    emulator.store.blobs[WEIGHTS] = 1203765248
    _, _, lines = await _pull_lines(http, "llama3.2")
    real = fixture_ndjson("pull_llama3.2_resumed.ndjson")
    assert statuses(lines) == statuses(real)
    first_weights = next(line for line in lines if line.get("digest") == WEIGHTS)
    assert first_weights["completed"] == 1203765248


async def test_pull_of_an_unknown_model(http) -> None:
    status, _, lines = await _pull_lines(http, "nosuch")
    assert status == 200
    assert lines == fixture_ndjson("pull_error_not_found.ndjson")


async def test_pull_without_streaming(http) -> None:
    ok = await http.post("/api/pull", json={"model": "smollm2:135m", "stream": False})
    assert (ok.status_code, ok.json()) == (200, {"status": "success"})
    missing = await http.post("/api/pull", json={"model": "nosuch", "stream": False})
    assert missing.status_code == 500
    assert missing.json() == {"error": "pull model manifest: file does not exist"}
    assert missing.headers["content-type"] == "application/json"  # waitForStream's


@pytest.mark.parametrize(("method", "path", "body", "status", "error"), [
    ("POST", "/api/pull", {"model": "bad name"}, 400, "invalid model name"),
    ("POST", "/api/show", {"model": "bad name"}, 400, "invalid model name"),
    ("POST", "/api/show", {"model": "nosuch"}, 404, "model 'nosuch' not found"),
    ("POST", "/api/show", {}, 400, "model is required"),
    ("POST", "/api/show", None, 400, "missing request body"),
    ("DELETE", "/api/delete", {"model": "bad name"}, 400, 'name "bad name" is invalid'),
    ("DELETE", "/api/delete", {"model": "nosuch"}, 404, "model 'nosuch' not found"),
    ("POST", "/api/copy", {"source": "bad name", "destination": "x"}, 400,
     'source "bad name" is invalid'),
    ("POST", "/api/copy", {"source": "llama3.2", "destination": "a//b"}, 400,
     'destination "a//b" is invalid'),
    ("POST", "/api/copy", {"source": "nosuch", "destination": "x"}, 404,
     'model "nosuch" not found'),
    ("POST", "/api/generate", {"model": "nomic-embed-text"}, 400,
     '"nomic-embed-text" does not support generate'),
])
async def test_error_shapes(http, method, path, body, status, error) -> None:
    response = await http.request(method, path, json=body)
    assert (response.status_code, response.json()) == (status, {"error": error})


async def test_a_body_that_is_not_json(http) -> None:
    response = await http.post("/api/show", content=b"{nope")
    assert response.status_code == 400 and "error" in response.json()


async def test_unknown_paths_answer_plain_404(http) -> None:
    response = await http.get("/api/nothing")
    assert (response.status_code, response.text) == (404, "404 page not found")


async def test_unknown_request_fields_are_ignored(http) -> None:
    response = await http.post("/api/show", json={"model": "llava:7b", "future": [1, 2]})
    assert response.status_code == 200


async def test_load_unload_and_canned_generation(http) -> None:
    loaded = (await http.post("/api/generate", json={"model": "qwen2.5:7b",
                                                     "keep_alive": "1h"})).json()
    assert loaded["done"] is True
    running = (await http.get("/api/ps")).json()["models"]
    assert any(m["name"] == "qwen2.5:7b" for m in running)
    unloaded = (await http.post("/api/generate", json={"model": "qwen2.5:7b",
                                                       "keep_alive": 0})).json()
    assert unloaded["done_reason"] == "unload"
    assert all(m["name"] != "qwen2.5:7b" for m in (await http.get("/api/ps")).json()["models"])
    async with http.stream("POST", "/api/generate",
                           json={"model": "qwen2.5:7b", "prompt": "hi"}) as response:
        lines = [json.loads(line) async for line in response.aiter_lines() if line]
    assert len(lines) > 2 and lines[-1]["done"] is True and not lines[0]["done"]
    assert "".join(line["response"] for line in lines).startswith("This is the qgoose-tui")


async def test_keep_alive_forever_and_bad_durations(http) -> None:
    await http.post("/api/generate", json={"model": "qwen2.5:7b", "keep_alive": -1})
    [entry] = [m for m in (await http.get("/api/ps")).json()["models"]
               if m["name"] == "qwen2.5:7b"]
    assert int(entry["expires_at"][:4]) >= 2318  # Go's longest duration, 292 years on
    bad = await http.post("/api/generate", json={"model": "qwen2.5:7b", "keep_alive": "soon"})
    assert bad.status_code == 400 and "invalid duration" in bad.json()["error"]


async def test_generated_models_for_scale() -> None:
    async with running_emulator(store=Store.demo(extra_models=500)) as emu, \
            httpx.AsyncClient(base_url=emu.url) as c:
        models = (await c.get("/api/tags")).json()["models"]
    assert len(models) == 510
    assert len({m["name"] for m in models}) == 510


async def test_the_request_log_is_bounded(emulator) -> None:
    import httpx

    from tui.emulator.server import REQUEST_LOG_SIZE

    async with httpx.AsyncClient(base_url=emulator.url) as http:
        for _ in range(REQUEST_LOG_SIZE + 50):
            await http.get("/api/version")
    assert len(emulator.requests) == REQUEST_LOG_SIZE


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("pull_*.ndjson")))
def test_every_real_pull_stream_is_followed_by_the_progress(fixture: str) -> None:
    lines = fixture_ndjson(fixture)
    progress = PullProgress()
    for i, line in enumerate(lines):
        progress.feed(PullEvent.from_json(line), now=i * 0.06)
    assert progress.events == len(lines)
    assert 0 <= progress.completed <= progress.total
    if lines[-1].get("status") == "success":
        assert progress.fraction == 1.0 and progress.completed == progress.total
    elif "error" in lines[-1]:
        assert progress.error == lines[-1]["error"]


async def test_our_pull_lines_have_the_real_lines_keys(emulator: Emulator, http) -> None:
    real_head = fixture_ndjson("pull_ollama-issue-4417_head_v0.1.37.ndjson")
    real_tail = fixture_ndjson("pull_llm-monitor-notes_tail_2026.ndjson")
    emulator.store.delete(parse_name("llama3.2"))
    _, _, ours = await _pull_lines(http, "llama3.2")
    assert ours[0] == real_head[0] == {"status": "pulling manifest"}
    first_layer = next(line for line in ours if "digest" in line)
    assert set(first_layer) == set(real_head[1])  # status, digest, total: no completed yet
    ours_done = next(line for line in ours if "completed" in line)
    real_done = next(line for line in real_tail if "completed" in line)
    assert set(ours_done) == set(real_done)
    assert [line["status"] for line in ours[-3:]] == \
        [line["status"] for line in real_tail[-3:]]
