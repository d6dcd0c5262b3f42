"""The emulator answers like the recorded real servers: same keys, value types, status codes,
and (for pulls) the same order of statuses."""

import itertools
import json
from typing import Any

import httpx
import pytest

from tests.conftest import fixture_json, fixture_ndjson
from tui.emulator.catalog import demo_catalog
from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import Store
from tui.ollama.names import parse_name

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
    """Every key the real server sent is in ours, with a value of the same type."""
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
        assert real == ours, f"{where}: {real} != {ours}"


def statuses(lines: list[dict]) -> list[str]:
    keys = [line.get("status") or f"error: {line['error']}" for line in lines]
    collapsed = [k for k, _ in itertools.groupby(keys)]
    return ["pulling <layer>" if k.startswith("pulling ") and k != "pulling manifest" else k
            for k in collapsed]


@pytest.fixture
async def http(emulator: Emulator):
    async with httpx.AsyncClient(base_url=emulator.url) as c:
        yield c


async def test_root_and_head(http) -> None:
    for method in ("GET", "HEAD"):
        response = await http.request(method, "/")
        assert response.status_code == 200
    assert (await http.get("/")).text == "Ollama is running"


async def test_version(http) -> None:
    response = await http.get("/api/version")
    assert shape(response.json()) == shape(fixture_json("version_docs.json"))


@pytest.mark.parametrize("fixture", ["tags_docs.json", "tags_openwebui_pr12823.json"])
async def test_tags(http, fixture: str) -> None:
    response = await http.get("/api/tags")
    assert response.status_code == 200
    real = fixture_json(fixture)["models"][0]
    local = [m for m in response.json()["models"] if not m["name"].endswith(":cloud")]
    for entry in local:
        assert shape(entry) == shape(real)  # exactly the same keys as a real local model
        assert len(entry["digest"]) == 64 and entry["name"] == entry["model"]
        assert entry["modified_at"][19] == "." and len(entry["modified_at"]) == 35


async def test_cloud_models_have_a_tiny_size_and_remote_fields(http) -> None:
    [cloud] = [m for m in (await http.get("/api/tags")).json()["models"]
               if m["name"] == "glm-4.6:cloud"]
    assert cloud["size"] < 1000 and cloud["remote_host"].startswith("https://")


async def test_tags_of_an_empty_server() -> None:
    async with running_emulator(store=Store(demo_catalog(), {})) as emu, \
            httpx.AsyncClient(base_url=emu.url) as c:
        assert (await c.get("/api/tags")).json() == fixture_json("tags_empty.json")


async def test_show(http) -> None:
    response = await http.post("/api/show", json={"model": "llava:7b"})
    assert response.status_code == 200
    body = response.json()
    real = fixture_json("show_llava_docs.json")
    real_info = {k: v for k, v in real["model_info"].items()
                 if k.startswith(("general.", "tokenizer.ggml.model", "tokenizer.ggml.tokens"))}
    assert_shape_covers(shape({**real, "model_info": real_info}), shape(body))
    assert body["model_info"]["tokenizer.ggml.tokens"] == []  # empty unless verbose
    assert "vision" in body["capabilities"] and "projector_info" in body


async def test_show_with_the_deprecated_name_key(http) -> None:
    response = await http.post("/api/show", json={"name": "llava:7b"})
    assert response.status_code == 200


async def test_ps(http) -> None:
    await http.post("/api/generate", json={"model": "mistral"})
    response = await http.get("/api/ps")
    real = fixture_json("ps_docs.json")["models"][0]
    ours = [m for m in response.json()["models"] if m["name"] == "mistral:latest"]
    assert ours, "mistral should be loaded"
    assert_shape_covers(shape(real), shape(ours[0]))


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
     '"nomic-embed-text:latest" does not support generate'),
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
    assert entry["expires_at"].startswith("2318")
    bad = await http.post("/api/generate", json={"model": "qwen2.5:7b", "keep_alive": "soon"})
    assert bad.status_code == 400 and "invalid duration" in bad.json()["error"]


async def test_generated_models_for_scale() -> None:
    async with running_emulator(store=Store.demo(extra_models=500)) as emu, \
            httpx.AsyncClient(base_url=emu.url) as c:
        models = (await c.get("/api/tags")).json()["models"]
    assert len(models) == 509
    assert len({m["name"] for m in models}) == 509


async def test_the_request_log_is_bounded(emulator) -> None:
    import httpx

    from tui.emulator.server import REQUEST_LOG_SIZE

    async with httpx.AsyncClient(base_url=emulator.url) as http:
        for _ in range(REQUEST_LOG_SIZE + 50):
            await http.get("/api/version")
    assert len(emulator.requests) == REQUEST_LOG_SIZE
