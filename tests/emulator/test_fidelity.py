"""The emulator is as strict as Ollama: one test per row of the fidelity table in
shared/ollama-api.md (second part), byte-level where the bytes matter."""

import json
import re

import httpx
import pytest

from tui.emulator.server import Emulator, running_emulator


@pytest.fixture
async def http(emulator: Emulator):
    async with httpx.AsyncClient(base_url=emulator.url) as c:
        yield c


async def test_json_is_go_compact_with_html_escaped(http) -> None:
    # llama3.2's template is full of "<|start_header_id|>": Go writes each < as \u003c.
    response = await http.post("/api/show", json={"model": "llama3.2"})
    raw = response.content
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert not raw.endswith(b"\n") and b'": ' not in raw and b", " not in raw[:200]
    assert b"<" not in raw and b">" not in raw and b"\\u003c" in raw


async def test_a_wrong_method_is_405_in_plain_text(http) -> None:
    for method, path in (("GET", "/api/show"), ("POST", "/api/tags"), ("GET", "/api/pull"),
                         ("POST", "/api/delete")):
        response = await http.request(method, path)
        assert (response.status_code, response.text) == (405, "405 method not allowed")
    assert (await http.get("/api/nothing")).text == "404 page not found"


@pytest.mark.parametrize(("body", "error"), [
    (b"", "missing request body"),
    (b"nope", "invalid character 'o' in literal null (expecting 'u')"),
    (b"{nope", "invalid character 'n' looking for beginning of object key string"),
    (b'{"model": "x"', "unexpected EOF"),
    (b"[1, 2]", "json: cannot unmarshal array into Go value of type api.ShowRequest"),
    (b'"llama3.2"', "json: cannot unmarshal string into Go value of type api.ShowRequest"),
    (b'{"model": 5}',
     "json: cannot unmarshal number into Go struct field ShowRequest.model of type string"),
    (b'{"model": "llava", "verbose": "yes"}',
     "json: cannot unmarshal string into Go struct field ShowRequest.verbose of type bool"),
    (b'{"model": NaN}', "invalid character 'N' looking for beginning of value"),
])
async def test_bad_bodies_get_gos_decoder_texts(http, body: bytes, error: str) -> None:
    response = await http.post("/api/show", content=body)
    assert (response.status_code, response.json()) == (400, {"error": error})


async def test_go_reads_one_value_and_ignores_what_follows(http) -> None:
    response = await http.post("/api/show", content=b'{"model":"llava:7b"} trailing')
    assert response.status_code == 200


@pytest.mark.parametrize("body", [{}, {"model": ""}, {"name": ""}])
async def test_an_empty_pull_is_an_invalid_name(http, body) -> None:
    response = await http.post("/api/pull", json=body)
    assert (response.status_code, response.json()) == (400, {"error": "invalid model name"})


@pytest.mark.parametrize("body", [{}, {"model": ""}, {"model": "bad name"}])
async def test_an_empty_or_invalid_generate_is_model_not_found(http, body) -> None:
    response = await http.post("/api/generate", json=body)
    text = body.get("model", "")
    assert (response.status_code, response.json()) == (404, {"error": f"model '{text}' not found"})


async def test_pull_without_streaming_is_plain_application_json(http) -> None:
    response = await http.post("/api/pull", json={"model": "smollm2:135m", "stream": False})
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'{"status":"success"}'


async def test_unload_works_for_every_model_kind(http) -> None:
    await http.post("/api/generate", json={"model": "llama3.2", "keep_alive": 0})
    for model in ("nomic-embed-text", "glm-4.6:cloud", "llama3.2"):
        response = await http.post("/api/generate", json={"model": model, "keep_alive": 0})
        body = response.json()
        assert response.status_code == 200, model
        assert (body["done"], body["done_reason"], body["model"]) == (True, "unload", model)
        assert body["created_at"].endswith("Z")


async def test_loading_an_embedding_model_names_it_as_sent(http) -> None:
    response = await http.post("/api/generate", json={"model": "Nomic-Embed-Text"})
    assert (response.status_code, response.json()) == (
        400, {"error": '"Nomic-Embed-Text" does not support generate'})


async def test_a_cloud_model_cannot_be_loaded_here(http) -> None:
    response = await http.post("/api/generate", json={"model": "glm-4.6:cloud"})
    body = response.json()
    assert response.status_code == 401 and body["error"] == "unauthorized"
    assert body["signin_url"].startswith("https://ollama.com/connect")
    names = [m["name"] for m in (await http.get("/api/ps")).json()["models"]]
    assert "glm-4.6:cloud" not in names


async def test_a_load_answers_done_reason_load_in_utc(http) -> None:
    body = (await http.post("/api/generate", json={"model": "qwen2.5:7b"})).json()
    assert (body["done"], body["done_reason"], body["response"]) == (True, "load", "")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z", body["created_at"])


@pytest.mark.parametrize(("keep_alive", "error"), [
    ("10", 'time: missing unit in duration "10"'),
    ("abc", 'time: invalid duration "abc"'),
    ("10x", 'time: unknown unit "x" in duration "10x"'),
    ("99999999999h", 'time: invalid duration "99999999999h"'),
    (True, "Unsupported type: 'bool'"),
    ([5], "Unsupported type: '[]interface {}'"),
    (1e18, "keep_alive 1e+18 is out of range"),
])
async def test_bad_keep_alive_is_a_400_not_a_crash(http, keep_alive, error) -> None:
    response = await http.post("/api/generate", json={"model": "qwen2.5:7b",
                                                      "keep_alive": keep_alive})
    assert (response.status_code, response.json()) == (400, {"error": error})


async def test_non_finite_keep_alive_is_not_json(http) -> None:
    for raw in (b'{"model":"qwen2.5:7b","keep_alive":NaN}',
                b'{"model":"qwen2.5:7b","keep_alive":Infinity}'):
        response = await http.post("/api/generate", content=raw)
        assert response.status_code == 400 and "invalid character" in response.json()["error"]
    assert (await http.get("/api/version")).status_code == 200  # still up


@pytest.mark.parametrize(("keep_alive", "lasts"), [("1h30m", 5400), (90, 90), ("1.5s", 1.5),
                                                   (-1, "forever"), ("-5m", "forever")])
async def test_good_keep_alive_values(http, keep_alive, lasts) -> None:
    response = await http.post("/api/generate", json={"model": "qwen2.5:7b",
                                                      "keep_alive": keep_alive})
    assert response.status_code == 200
    [entry] = [m for m in (await http.get("/api/ps")).json()["models"]
               if m["name"] == "qwen2.5:7b"]
    year = int(entry["expires_at"][:4])
    assert year >= 2318 if lasts == "forever" else year < 2100


async def _load(http, model: str, keep_alive: str = "1h", num_ctx: int = 0) -> None:
    body: dict = {"model": model, "keep_alive": keep_alive}
    if num_ctx:
        body["options"] = {"num_ctx": num_ctx}
    assert (await http.post("/api/generate", json=body)).status_code == 200


async def test_ps_lists_longest_remaining_first() -> None:
    async with running_emulator(vram=24 * 10**9) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        await _load(http, "llama3.2", "1m")
        await _load(http, "mistral", "2h")
        await _load(http, "gemma3:4b", "10m", num_ctx=8192)
        models = (await http.get("/api/ps")).json()["models"]
    assert [m["name"] for m in models] == ["mistral:latest", "gemma3:4b", "llama3.2:latest"]
    assert all(m["size_vram"] == m["size"] for m in models)  # 24 GB holds all three
    assert [m["context_length"] for m in models] == [4096, 8192, 4096]


async def test_a_bigger_context_takes_more_memory(http) -> None:
    await _load(http, "llama3.2", num_ctx=2048)
    small = (await http.get("/api/ps")).json()["models"][0]["size"]
    await _load(http, "llama3.2", num_ctx=32768)
    big = (await http.get("/api/ps")).json()["models"][0]["size"]
    assert big > small + 2 * 10**9  # 28 layers × 8 KV heads × 256 × 2 bytes per token


async def test_the_oldest_model_is_unloaded_when_vram_runs_out() -> None:
    async with running_emulator(vram=12 * 10**9) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        await _load(http, "llama3.2", "0")  # the demo's loaded model: out of the way
        await _load(http, "mistral")  # ~5.1 GB
        await _load(http, "qwen2.5:7b")  # ~5.4 GB: both fit in 12
        names = [m["name"] for m in (await http.get("/api/ps")).json()["models"]]
        assert sorted(names) == ["mistral:latest", "qwen2.5:7b"]
        await _load(http, "phi4:14b")  # ~10.8 GB: room for nothing else
        [phi4] = (await http.get("/api/ps")).json()["models"]
        assert phi4["name"] == "phi4:14b" and phi4["size_vram"] == phi4["size"]
        await _load(http, "phi4:14b", num_ctx=32768)  # its KV cache alone grows by 5 GB
        [bigger] = (await http.get("/api/ps")).json()["models"]
    assert 0 < bigger["size_vram"] < bigger["size"]  # split with the CPU


async def test_no_more_than_the_loaded_model_limit() -> None:
    async with running_emulator(vram=100 * 10**9, max_loaded_models=2) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        for model in ("mistral", "qwen2.5:7b", "gemma3:4b"):
            await _load(http, model)
        names = {m["name"] for m in (await http.get("/api/ps")).json()["models"]}
    assert names == {"qwen2.5:7b", "gemma3:4b"}  # llama3.2 (the demo's) and mistral went


async def test_times_are_rfc3339_with_trimmed_fractions(http) -> None:
    times = [m["modified_at"] for m in (await http.get("/api/tags")).json()["models"]]
    assert all(re.fullmatch(r"[\d-]{10}T[\d:]{8}(\.\d{0,8}[1-9])?(Z|[+-]\d\d:\d\d)", t)
               for t in times), times


async def test_a_repull_that_replaces_layers_removes_the_unused_ones(emulator, http) -> None:
    store = emulator.store
    gemma = next(m for m in store.catalog.values() if m.name == "gemma3:4b")
    store.install(gemma, "llama3.2:latest")  # llama3.2's name, other layers
    async with http.stream("POST", "/api/pull", json={"model": "llama3.2"}) as response:
        lines = [json.loads(line) async for line in response.aiter_lines() if line]
    statuses = [line.get("status") for line in lines]
    assert statuses[-3:] == ["writing manifest", "removing unused layers", "success"]


@pytest.mark.parametrize(("version", "answer", "has_capabilities"), [
    ("0.12", "0.12.10", False), ("0.33", "0.33.0", True), ("0.1", "0.1.37", False)])
async def test_server_version_picks_the_behaviour(version, answer, has_capabilities) -> None:
    async with running_emulator(server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        assert (await http.get("/api/version")).json() == {"version": answer}
        [entry, *_] = (await http.get("/api/tags")).json()["models"]
        show = (await http.post("/api/show", json={"model": "llama3.2"})).json()
        thinking = (await http.post("/api/show", json={"model": "qwen3:8b"})).json()
    assert ("capabilities" in entry) is has_capabilities
    # A renderer only for models that have one (omitempty): qwen3, not llama3.2.
    assert ("renderer" in thinking) is (version == "0.33") and "renderer" not in show
    assert ("requires" in show) is (version == "0.33")
    assert ("tensors" in show) is (version != "0.1")


async def test_pull_lines_come_on_ticks_and_may_stop_short_of_the_total() -> None:
    # 50 MB per 10 ms tick: smollm2's 270 MB of weights take a few ticks, its small
    # layers less than one.
    async with running_emulator(pull_rate=5e9, progress_interval=0.01) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        on_disk = set(emu.store.blobs)  # the license and template other models share
        async with http.stream("POST", "/api/pull", json={"model": "smollm2:135m"}) as r:
            lines = [json.loads(line) async for line in r.aiter_lines() if line]
    by_layer: dict[str, list[dict]] = {}
    for line in lines:
        if "digest" in line:
            by_layer.setdefault(line["digest"], []).append(line)
    weights = max(by_layer.values(), key=lambda ls: ls[0]["total"])
    assert "completed" not in weights[0]  # the first tick comes before any byte
    assert weights[-1]["completed"] < weights[-1]["total"]  # done between two ticks
    small = [layer for digest, layer in by_layer.items()
             if layer is not weights and digest not in on_disk]
    # Each small blob comes and goes between two ticks: no line ever shows its bytes.
    assert small and all("completed" not in line for layer in small for line in layer)
    # One already on disk: one full line at once.
    shared = [layer for digest, layer in by_layer.items() if digest in on_disk]
    assert shared and all(len(layer) == 1 and layer[0]["completed"] == layer[0]["total"]
                          for layer in shared)
    assert lines[-1] == {"status": "success"}


async def test_embed_answers_as_ollama_does(http) -> None:
    one = (await http.post("/api/embed", json={"model": "nomic-embed-text",
                                                "input": "a goose"})).json()
    assert len(one["embeddings"]) == 1 and len(one["embeddings"][0]) == 768
    assert {"total_duration", "load_duration", "prompt_eval_count"} <= one.keys()
    empty = await http.post("/api/embed", json={"model": "nomic-embed-text", "input": []})
    assert empty.json() == {"model": "nomic-embed-text", "embeddings": []}
    bad = await http.post("/api/embed", json={"model": "nomic-embed-text", "input": 5})
    assert (bad.status_code, bad.json()) == (400, {"error": "invalid input type"})
    missing = await http.post("/api/embed", json={"model": "nosuch", "input": "a"})
    assert (missing.status_code, missing.json()) == (404, {"error": "model 'nosuch' not found"})


async def test_streamed_generation_is_compact_ndjson_ending_with_timings(http) -> None:
    async with http.stream("POST", "/api/generate",
                           json={"model": "qwen3:8b", "prompt": "hi"}) as response:
        raw = await response.aread()
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in raw.splitlines()]
    assert lines[0]["thinking"] and lines[0]["response"] == ""
    assert lines[-1]["done"] is True and lines[-1]["done_reason"] == "stop"
    assert lines[-1]["eval_count"] == len(lines) - 1


async def test_the_registry_side_serves_manifests_whose_hash_is_the_digest(http) -> None:
    import hashlib

    tags = (await http.get("/api/tags")).json()["models"]
    digest = next(m["digest"] for m in tags if m["name"] == "llama3.2:latest")
    path = "/v2/library/llama3.2/manifests/latest"
    got = await http.get(path, headers={
        "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    assert got.headers["content-type"] == "application/vnd.docker.distribution.manifest.v2+json"
    assert hashlib.sha256(got.content).hexdigest() == digest
    manifest = got.json()
    assert manifest["schemaVersion"] == 2 and manifest["config"]["digest"].startswith("sha256:")
    assert {layer["mediaType"] for layer in manifest["layers"]} >= {
        "application/vnd.ollama.image.model", "application/vnd.ollama.image.template"}
    head = await http.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["docker-content-digest"] == f"sha256:{digest}"
    missing = await http.get("/v2/library/no-such-model/manifests/latest")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == \
        "MANIFEST_UNKNOWN"


async def test_no_answer_names_the_server_and_each_has_gos_headers(emulator, http) -> None:
    # Go's net/http sends no Server header: one naming aiohttp would tell the emulator apart.
    emulator.token = ""
    answers = {
        "root": await http.get("/"),
        "json": await http.get("/api/tags"),
        "error": await http.post("/api/show", json={"model": "nope"}),
        "bad body": await http.post("/api/show", content=b"nope"),
        "no route": await http.get("/api/nothing"),
        "wrong method": await http.get("/api/show"),
        "delete": await http.request("DELETE", "/api/delete", json={"model": "mistral"}),
        "registry": await http.get("/v2/library/llama3.2/manifests/latest"),
        "registry miss": await http.get("/v2/library/nope/manifests/latest"),
    }
    async with http.stream("POST", "/api/pull", json={"model": "qwen2.5:0.5b"}) as streamed:
        await streamed.aread()
    answers["stream"] = streamed
    for what, response in answers.items():
        assert "server" not in response.headers, (what, response.headers["server"])
        assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT",
                            response.headers["date"]), what
    types = {what: r.headers.get("content-type") for what, r in answers.items()}
    assert types == {
        "root": "text/plain; charset=utf-8", "json": "application/json; charset=utf-8",
        "error": "application/json; charset=utf-8",
        "bad body": "application/json; charset=utf-8",
        # gin's serveError: plain text without a charset
        "no route": "text/plain", "wrong method": "text/plain",
        "delete": None,  # 200 with no body: Go writes no Content-Type
        "registry": "application/vnd.docker.distribution.manifest.v2+json",
        "registry miss": "application/json; charset=utf-8",
        "stream": "application/x-ndjson",
    }
