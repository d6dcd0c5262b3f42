"""The emulator speaks the rest of Ollama's API as its handlers do: chat, the legacy
embeddings, generate's context and format, embed's dimensions, create from a model and from
files, push, the OpenAI-compatible routes, CORS and the 0.33 status route."""

import hashlib
import json

import httpx
import pytest

from tui.emulator.disk import Facts, gguf_weights
from tui.emulator.names import parse_name
from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import Store


@pytest.fixture
async def http(emulator: Emulator):
    async with httpx.AsyncClient(base_url=emulator.url) as c:
        yield c


async def _lines(http, path: str, body: dict) -> tuple[int, list[dict]]:
    async with http.stream("POST", path, json=body) as response:
        raw = await response.aread()
    return response.status_code, [json.loads(line) for line in raw.splitlines() if line]


# -- /api/chat ------------------------------------------------------------------------------
async def test_chat_streams_messages_then_the_figures(http) -> None:
    status, lines = await _lines(http, "/api/chat", {
        "model": "qwen3:8b", "messages": [{"role": "user", "content": "hello there"}]})
    assert status == 200
    assert lines[0]["message"]["thinking"] and lines[0]["message"]["content"] == ""
    answer = "".join(line["message"]["content"] for line in lines)
    assert answer.startswith("This is the qgoose-tui")
    last = lines[-1]
    assert last["done"] is True and last["done_reason"] == "stop"
    assert last["message"] == {"role": "assistant", "content": ""}
    assert {"total_duration", "load_duration", "prompt_eval_count", "eval_count",
            "eval_duration", "prompt_eval_duration"} <= last.keys()


async def test_chat_whole_and_without_thinking(http) -> None:
    response = await http.post("/api/chat", json={
        "model": "qwen3:8b", "stream": False, "think": False,
        "messages": [{"role": "user", "content": "hi"}]})
    body = response.json()
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert body["message"]["content"].startswith("This is") and "thinking" not in body["message"]
    assert body["done_reason"] == "stop"


@pytest.mark.parametrize(("body", "status", "error"), [
    ({"model": "nomic-embed-text", "messages": [{"role": "user", "content": "x"}]}, 400,
     '"nomic-embed-text" does not support chat'),
    ({"model": "mistral", "think": True, "messages": []}, 400,
     '"mistral" does not support thinking'),
    ({"model": "nosuch", "messages": []}, 404, "model 'nosuch' not found"),
    ({"model": "", "messages": []}, 400, "model is required"),
    ({"model": "phi4:14b", "tools": [{"type": "function"}],
      "messages": [{"role": "user", "content": "x"}]}, 400,
     "registry.ollama.ai/library/phi4:14b does not support tools"),
])
async def test_chat_refuses_as_ollama_does(http, body, status, error) -> None:
    response = await http.post("/api/chat", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error})


async def test_chat_without_messages_loads_and_unloads(http) -> None:
    loaded = (await http.post("/api/chat", json={"model": "mistral"})).json()
    assert (loaded["done_reason"], loaded["message"]) == (
        "load", {"role": "assistant", "content": ""})
    assert "mistral:latest" in [m["name"] for m in (await http.get("/api/ps")).json()["models"]]
    gone = (await http.post("/api/chat", json={"model": "mistral", "keep_alive": 0})).json()
    assert gone["done_reason"] == "unload"


# -- generate, embed, embeddings --------------------------------------------------------------
async def test_generate_returns_a_context_that_the_next_call_accepts(http) -> None:
    first = (await http.post("/api/generate", json={
        "model": "mistral", "prompt": "one two three", "stream": False})).json()
    assert first["context"] and all(isinstance(t, int) for t in first["context"])
    second = (await http.post("/api/generate", json={
        "model": "mistral", "prompt": "four", "context": first["context"],
        "stream": False})).json()
    assert second["context"][:len(first["context"])] == first["context"]
    assert second["prompt_eval_count"] > first["prompt_eval_count"]
    raw = (await http.post("/api/generate", json={
        "model": "mistral", "prompt": "x", "raw": True, "stream": False})).json()
    assert "context" not in raw


async def test_generate_format_gives_json_of_the_asked_shape(http) -> None:
    as_json = (await http.post("/api/generate", json={
        "model": "mistral", "prompt": "x", "format": "json", "stream": False})).json()
    assert isinstance(json.loads(as_json["response"]), dict)
    schema = {"type": "object", "properties": {
        "name": {"type": "string"}, "age": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "kind": {"enum": ["goose", "duck"]}}, "required": ["name", "age"]}
    shaped = json.loads((await http.post("/api/generate", json={
        "model": "mistral", "prompt": "x", "format": schema, "stream": False})).json()["response"])
    assert isinstance(shaped["name"], str) and isinstance(shaped["age"], int)
    assert isinstance(shaped["tags"], list) and shaped["kind"] == "goose"


@pytest.mark.parametrize(("body", "error"), [
    ({"model": "mistral", "prompt": "x", "raw": True, "system": "s"},
     "raw mode does not support template, system, or context"),
    ({"model": "mistral", "prompt": "x", "suffix": "y"},
     "registry.ollama.ai/library/mistral:latest does not support insert"),
    ({"model": "mistral", "prompt": "x", "think": "very"},
     'invalid think value: "very" (must be true, false, "high", "medium", or "low")'),
])
async def test_generate_validation(http, body, error) -> None:
    response = await http.post("/api/generate", json=body)
    assert (response.status_code, response.json()) == (400, {"error": error})


async def test_embed_dimensions_and_empty_input(http) -> None:
    cut = (await http.post("/api/embed", json={"model": "nomic-embed-text", "input": "goose",
                                                "dimensions": 64})).json()
    vector = cut["embeddings"][0]
    assert len(vector) == 64 and abs(sum(v * v for v in vector) - 1) < 1e-3
    await http.post("/api/generate", json={"model": "nomic-embed-text", "keep_alive": 0})
    empty = (await http.post("/api/embed", json={"model": "nomic-embed-text"})).json()
    assert empty == {"model": "nomic-embed-text", "embeddings": []}
    running = [m["name"] for m in (await http.get("/api/ps")).json()["models"]]
    assert "nomic-embed-text:latest" in running  # an empty request loads the model
    blank = await http.post("/api/embed", json={"model": "nomic-embed-text", "input": ""})
    assert blank.json()["embeddings"] == []
    bad = await http.post("/api/embed", json={"model": "nomic-embed-text", "input": "x",
                                               "dimensions": 1.5})
    assert bad.json() == {"error": "json: cannot unmarshal number 1.5 into Go struct field "
                                   "EmbedRequest.dimensions of type int"}


async def test_the_legacy_embeddings_route(http) -> None:
    one = (await http.post("/api/embeddings", json={"model": "nomic-embed-text",
                                                     "prompt": "a goose"})).json()
    assert len(one["embedding"]) == 768
    assert (await http.post("/api/embeddings", json={"model": "nomic-embed-text"})).json() \
        == {"embedding": []}
    missing = await http.post("/api/embeddings", json={"model": "nosuch", "prompt": "x"})
    assert (missing.status_code, missing.json()) == (
        404, {"error": 'model "nosuch" not found, try pulling it first'})


# -- create -------------------------------------------------------------------------------
async def test_create_from_a_model_shares_its_weights(emulator: Emulator, http) -> None:
    status, lines = await _lines(http, "/api/create", {
        "model": "goose-helper", "from": "llama3.2", "system": "You are a goose.",
        "parameters": {"num_ctx": 32768, "temperature": 0.2}, "license": "MIT-ish",
        "template": "{{ .Prompt }}", "messages": [{"role": "user", "content": "honk"}]})
    statuses = [line.get("status") for line in lines]
    assert status == 200 and statuses[-2:] == ["writing manifest", "success"]
    assert any(s.startswith("using existing layer sha256:") for s in statuses)
    assert any(s.startswith("creating new layer sha256:") for s in statuses)
    show = (await http.post("/api/show", json={"model": "goose-helper"})).json()
    assert show["system"] == "You are a goose." and show["template"] == "{{ .Prompt }}"
    assert show["license"] == "MIT-ish" and "num_ctx" in show["parameters"]
    assert "temperature                    0.2" in show["parameters"]
    assert 'stop                           "<|eot_id|>"' in show["parameters"]  # kept
    assert show["details"]["parent_model"] == "llama3.2:latest"
    assert "/blobs/sha256-dde5aa3fc5ff" in show["modelfile"]

    def weights(name: str) -> dict:
        entry = emulator.store.find_installed(parse_name(name))
        manifest = json.loads(entry.model.manifest)
        return next(la for la in manifest["layers"] if la["mediaType"].endswith(".model"))
    base, derived = weights("llama3.2"), weights("goose-helper")
    assert derived["digest"] == base["digest"] and derived["from"] == "llama3.2:latest"
    assert (await http.request("DELETE", "/api/delete", json={"model": "llama3.2"})).status_code \
        == 200
    assert base["digest"] in emulator.store.blobs  # still used by the other
    await http.request("DELETE", "/api/delete", json={"model": "goose-helper"})
    assert base["digest"] not in emulator.store.blobs


async def test_create_from_a_missing_base_pulls_it_or_says_why(http) -> None:
    _, lines = await _lines(http, "/api/create", {"model": "x", "from": "smollm2:135m"})
    assert lines[0] == {"status": "pulling manifest"} and lines[-1] == {"status": "success"}
    _, lines = await _lines(http, "/api/create", {"model": "x", "from": "no-such-base"})
    assert lines[-1] == {"error": "pull model manifest: file does not exist"}
    whole = await http.post("/api/create", json={"model": "x", "from": "no-such-base",
                                                  "stream": False})
    assert whole.status_code == 500


async def test_create_quantize_rules(http) -> None:
    _, lines = await _lines(http, "/api/create", {"model": "q", "from": "llama3.2",
                                                  "quantize": "q8_0"})
    assert lines[-1] == {"error": "quantization is only supported for F16, BF16 and F32 models"}
    _, lines = await _lines(http, "/api/create", {"model": "smol-q8", "from": "smollm2:135m",
                                                  "quantize": "q8_0"})
    quantizing = [line for line in lines if line.get("status", "").startswith("quantizing")]
    assert quantizing and quantizing[0]["status"] == "quantizing F16 model to Q8_0"
    assert quantizing[0]["digest"] == "0000000000000000000"
    assert lines[-1] == {"status": "success"}
    show = (await http.post("/api/show", json={"model": "smol-q8"})).json()
    assert show["details"]["quantization_level"] == "Q8_0"


async def test_create_from_files_reads_the_gguf_header() -> None:
    facts = Facts("qwen3", 751_632_384, "Q4_K_M", 40960, 1024)
    weights = gguf_weights("upload", facts, 16_384)
    digest = "sha256:" + hashlib.sha256(weights).hexdigest()
    junk = b"not a model at all" * 100
    junk_digest = "sha256:" + hashlib.sha256(junk).hexdigest()
    async with running_emulator(store=Store.small([])) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        await http.post(f"/api/blobs/{digest}", content=weights)
        await http.post(f"/api/blobs/{junk_digest}", content=junk)
        response = await http.post("/api/create", json={
            "model": "mine", "files": {"model.gguf": digest}, "stream": False})
        assert response.json() == {"status": "success"}
        entry = next(m for m in (await http.get("/api/tags")).json()["models"]
                     if m["name"] == "mine:latest")
        assert entry["details"]["family"] == "qwen3"
        assert entry["details"]["parameter_size"] == "751.63M"
        assert entry["details"]["quantization_level"] == "Q4_K_M"
        show = (await http.post("/api/show", json={"model": "mine"})).json()
        assert show["model_info"]["qwen3.context_length"] == 40960
        refused = await http.post("/api/create", json={
            "model": "junk", "files": {"model.gguf": junk_digest}, "stream": False})
        assert (refused.status_code, refused.json()) == (
            400, {"error": "supplied file was not in GGUF format"})
        bad_path = await http.post("/api/create", json={
            "model": "junk", "files": {"/etc/x.gguf": digest}})
        assert bad_path.json() == {"error": "file path must be relative"}


# -- push --------------------------------------------------------------------------------------
async def test_push_streams_like_a_pull_and_publishes(http) -> None:
    await http.post("/api/copy", json={"source": "llama3.2", "destination": "demo/mine"})
    await http.post("/api/create", json={"model": "demo/mine", "from": "llama3.2",
                                         "system": "new text", "stream": False})
    status, lines = await _lines(http, "/api/push", {"model": "demo/mine"})
    statuses = [line["status"] for line in lines]
    assert status == 200 and statuses[0] == "retrieving manifest"
    assert statuses[-2:] == ["pushing manifest", "success"]
    pushed = [line for line in lines if line["status"].startswith("pushing ") and
              "digest" in line]
    assert all(line["status"] == f"pushing {line['digest'][7:19]}" for line in pushed)
    weights = next(line for line in pushed if line["total"] > 10**9)
    assert weights["completed"] == weights["total"]  # the registry has it: one full line
    manifest = await http.get("/v2/demo/mine/manifests/latest")
    assert manifest.status_code == 200


@pytest.mark.parametrize(("setup", "model", "error"), [
    ({}, "llama3.2", "unauthorized: access denied"),  # no namespace: library is not ours
    ({"account": ""}, "demo/x", 'unauthorized: unknown ollama key  "ssh-ed25519 '),
    ({"fault": "denied"}, "demo/x", "unauthorized: access denied"),
])
async def test_push_refusals(setup, model, error) -> None:
    async with running_emulator(account=setup.get("account", "demo")) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        emu.faults.push = setup.get("fault")
        await http.post("/api/copy", json={"source": "llama3.2", "destination": "demo/x"})
        _, lines = await _lines(http, "/api/push", {"model": model})
        assert lines[0] == {"status": "retrieving manifest"}
        assert lines[-1]["error"].startswith(error)
        whole = await http.post("/api/push", json={"model": model, "stream": False})
        assert whole.status_code == 500


async def test_push_of_a_missing_model_and_without_a_name(http) -> None:
    _, lines = await _lines(http, "/api/push", {"model": "demo/nothing"})
    assert lines[1] == {"status": "couldn't retrieve manifest"}
    assert lines[2]["error"].endswith("demo/nothing/latest: no such file or directory")
    empty = await http.post("/api/push", json={})
    assert (empty.status_code, empty.json()) == (400, {"error": "model is required"})


# -- OpenAI-compatible routes ----------------------------------------------------------------
async def test_v1_models(http) -> None:
    listed = (await http.get("/v1/models")).json()
    assert listed["object"] == "list"
    entry = next(m for m in listed["data"] if m["id"] == "llama3.2:latest")
    assert entry["object"] == "model" and entry["owned_by"] == "library"
    one = await http.get("/v1/models/llama3.2:latest")
    assert one.json()["id"] == "llama3.2:latest" and one.content.endswith(b"\n")
    missing = await http.get("/v1/models/nosuch")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"message": "model 'nosuch' not found",
                                        "type": "not_found_error", "param": None,
                                        "code": None}}


async def test_v1_chat_completions_whole_and_streamed(http) -> None:
    body = {"model": "mistral", "messages": [{"role": "user", "content": "hi"}]}
    whole = (await http.post("/v1/chat/completions", json=body)).json()
    assert whole["object"] == "chat.completion" and whole["id"].startswith("chatcmpl-")
    assert whole["choices"][0]["message"]["content"].startswith("This is")
    assert whole["choices"][0]["finish_reason"] == "stop" and whole["usage"]["total_tokens"]
    async with http.stream("POST", "/v1/chat/completions",
                           json={**body, "stream": True,
                                 "stream_options": {"include_usage": True}}) as response:
        raw = (await response.aread()).decode()
    assert response.headers["content-type"] == "text/event-stream"
    events = [e for e in raw.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events) and events[-1] == "data: [DONE]"
    chunks = [json.loads(e[6:]) for e in events[:-1]]
    assert chunks[-1]["usage"]["completion_tokens"] and chunks[-1]["choices"] == []
    text = "".join(c["choices"][0]["delta"]["content"] for c in chunks if c["choices"])
    assert text.startswith("This is the qgoose-tui")
    empty = await http.post("/v1/chat/completions", json={"model": "mistral", "messages": []})
    assert empty.json()["error"]["message"] == "[] is too short - 'messages'"


async def test_v1_completions_and_embeddings(http) -> None:
    done = (await http.post("/v1/completions", json={"model": "mistral",
                                                      "prompt": "say"})).json()
    assert done["object"] == "text_completion" and done["choices"][0]["text"]
    async with http.stream("POST", "/v1/completions",
                           json={"model": "mistral", "prompt": "say", "stream": True}) as r:
        raw = (await r.aread()).decode()
    assert raw.endswith("data: [DONE]\n\n")
    vectors = (await http.post("/v1/embeddings", json={"model": "nomic-embed-text",
                                                        "input": ["a", "b"]})).json()
    assert [d["index"] for d in vectors["data"]] == [0, 1]
    assert len(vectors["data"][0]["embedding"]) == 768
    missing = await http.post("/v1/embeddings", json={"model": "nomic-embed-text"})
    assert missing.json()["error"]["message"] == "invalid input"


# -- CORS and newer routes -------------------------------------------------------------------
@pytest.mark.parametrize("origin", ["http://localhost:3000", "https://127.0.0.1",
                                    "app://obsidian.md", "tauri://localhost",
                                    "vscode-webview://abc", "chrome-extension://xyz"])
async def test_browser_origins_ollama_allows(http, origin) -> None:
    preflight = await http.request("OPTIONS", "/api/chat", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "POST" in preflight.headers["access-control-allow-methods"]
    normal = await http.get("/api/tags", headers={"Origin": origin})
    assert normal.headers["access-control-allow-origin"] == origin


async def test_other_origins_are_refused_unless_ollama_origins_adds_them(
        http, monkeypatch) -> None:
    refused = await http.get("/api/tags", headers={"Origin": "https://example.invalid"})
    assert refused.status_code == 403
    assert (await http.get("/api/tags")).status_code == 200  # no Origin: not a browser
    monkeypatch.setenv("OLLAMA_ORIGINS", "https://example.invalid,https://*.test.invalid")
    async with running_emulator() as emu, httpx.AsyncClient(base_url=emu.url) as other:
        for origin in ("https://example.invalid", "https://app.test.invalid"):
            allowed = await other.get("/api/tags", headers={"Origin": origin})
            assert allowed.status_code == 200
            assert allowed.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize(("version", "status"), [("0.12", 404), ("0.33", 200)])
async def test_status_route_on_newer_servers(version, status) -> None:
    async with running_emulator(server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        response = await http.get("/api/status")
        assert response.status_code == status
        if status == 200:
            assert response.json() == {"cloud": {"disabled": False, "source": "none"}}
            bad = await http.post("/api/generate", json={"model": "a//b"})
            assert (bad.status_code, bad.json()) == (400, {"error": "invalid model name"})


@pytest.mark.parametrize("version", ["0.12", "0.33"])
async def test_source_suffixes_on_newer_servers(version: str) -> None:
    """0.33 reads `:local` (this server's model) and `:cloud`/`-cloud` (sent to ollama.com,
    which wants a signed-in server) off a name (internal/modelref); 0.12 knows no such tag."""
    async with running_emulator(server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        local = await http.post("/api/generate", json={"model": "llama3.2:local"})
        chat = await http.post("/api/chat", json={
            "model": "llama3.2:local", "stream": False,
            "messages": [{"role": "user", "content": "hi"}]})
        embed = await http.post("/api/embed", json={"model": "nomic-embed-text:local",
                                                    "input": "a"})
        cloud = [await http.post("/api/generate", json={"model": name})
                 for name in ("llama3.2:cloud", "gpt-oss:20b-cloud")]
        both = await http.post("/api/generate", json={"model": "llama3.2:local:cloud"})
        missing = await http.post("/api/generate", json={"model": "nosuch:local"})
        loaded = [m["name"] for m in (await http.get("/api/ps")).json()["models"]]
    assert missing.json() == {"error": "model 'nosuch:local' not found"}
    if version == "0.12":
        assert [r.status_code for r in (local, chat, embed)] == [404, 404, 404]
        return
    assert local.json()["done_reason"] == "load" and local.json()["model"] == "llama3.2:local"
    assert chat.json()["message"]["content"] and len(embed.json()["embeddings"]) == 1
    assert "llama3.2:latest" in loaded
    for answer in cloud:
        assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
    assert (both.status_code, both.json()) == (
        400, {"error": 'use either :local or :cloud, not both: "llama3.2:local:cloud"'})


async def test_blob_route_details(http) -> None:
    data = b"blob"
    hexdigest = hashlib.sha256(data).hexdigest()
    assert (await http.post(f"/api/blobs/sha256:{hexdigest}", content=data)).status_code == 201
    assert (await http.head(f"/api/blobs/sha256-{hexdigest}")).status_code == 200
    assert (await http.head(f"/api/blobs/sha256:{hexdigest.upper()}")).status_code == 404
    other = b"other"
    dash = "sha256-" + hashlib.sha256(other).hexdigest()
    response = await http.post(f"/api/blobs/{dash}", content=other)
    assert response.status_code == 400 and response.json()["error"].startswith(
        f'digest mismatch, expected "{dash}"')


def test_the_emulator_command_can_make_pushes_fail() -> None:
    from tests.emulator.test_hardening import _start_cli_emulator

    process, url = _start_cli_emulator("--fail-push", "unauthorized")
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            http.post("/api/copy", json={"source": "llama3.2", "destination": "demo/x"})
            answer = http.post("/api/push", json={"model": "demo/x", "stream": False})
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert answer.status_code == 500
    assert answer.json()["error"].startswith("unauthorized: unknown ollama key")


async def test_an_option_of_the_wrong_type_is_gos_error(http) -> None:
    response = await http.post("/api/generate", json={
        "model": "mistral", "prompt": "x", "options": {"num_ctx": "big"}})
    assert (response.status_code, response.json()) == (
        500, {"error": 'option "num_ctx" must be of type integer'})


async def test_a_trailing_slash_redirects_as_gin_does(http) -> None:
    moved = await http.get("/api/tags/")
    assert (moved.status_code, moved.headers["location"]) == (301, "/api/tags")
    assert (await http.post("/api/show/", json={})).status_code == 307
    assert (await http.get("/api/nothing/")).text == "404 page not found"


@pytest.mark.parametrize("version", ["0.12", "0.33"])
async def test_create_from_files_rewrites_the_weights_from_0_30_on(version: str) -> None:
    from tui.emulator.gguf import read_header

    facts = Facts("qwen3", 751_632_384, "Q4_K_M", 40960, 1024)
    weights = gguf_weights("upload", facts, 16_384)
    digest = "sha256:" + hashlib.sha256(weights).hexdigest()
    async with running_emulator(store=Store.small([]), server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        await http.post(f"/api/blobs/{digest}", content=weights)
        body = {"model": "mine", "files": {"model.gguf": digest}}
        statuses = [line["status"] for line in (await _lines(http, "/api/create", body))[1]]
        modelfile = (await http.post("/api/show", json={"model": "mine"})).json()["modelfile"]
        used = next(line.split()[1] for line in modelfile.splitlines()
                    if line.startswith("FROM ")).rsplit("/", 1)[1].replace("-", ":", 1)
        again = [line["status"] for line in (await _lines(http, "/api/create", {
            **body, "model": "again"}))[1]]
        tags = {m["name"]: m for m in (await http.get("/api/tags")).json()["models"]}
        rewritten = emu.store.contents.read(used)
    if version == "0.12":  # the uploaded bytes are the weights, as sent
        assert used == digest and "validating GGUF model" not in statuses
        assert f"using existing layer {digest}" in statuses
    else:  # llama-quantize's copy: new bytes, the same facts, the same each time
        assert statuses[:3] == ["parsing GGUF", "validating GGUF model", "verifying conversion"]
        assert used != digest and f"creating new layer {used}" in statuses
        assert rewritten is not None and rewritten != weights
        assert "sha256:" + hashlib.sha256(rewritten).hexdigest() == used
        header = read_header(rewritten)
        assert (header.architecture, header.parameter_count, header.file_type) == \
            ("qwen3", 751_632_384, "Q4_K_M")
        assert again[:3] == statuses[:3]
    assert tags["mine:latest"]["digest"] == tags["again:latest"]["digest"]
    assert tags["mine:latest"]["details"]["quantization_level"] == "Q4_K_M"
