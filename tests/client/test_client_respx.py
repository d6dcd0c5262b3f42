"""The client against exact HTTP answers (respx): request shapes, bodies, every error shape."""

import json

import httpx
import pytest
import respx

from tests.conftest import fixture_json, fixture_text
from tui.ollama import (
    ConnectionLostError,
    InvalidNameError,
    ModelNotFoundError,
    OllamaClient,
    OllamaTimeoutError,
    ProtocolError,
    PullFailedError,
    ServerError,
    UnreachableError,
)

BASE = "http://ollama.test:11434"


@pytest.fixture
async def client():
    async with OllamaClient(BASE, timeout=1.0) as c:
        yield c


@pytest.fixture
def api():
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


def sent_json(route: respx.Route) -> dict:
    return json.loads(route.calls.last.request.content)


async def test_version(client, api) -> None:
    api.get("/api/version").respond(json=fixture_json("version_docs.json"))
    assert await client.version() == "0.5.1"


async def test_liveness(client, api) -> None:
    api.get("/").respond(text="Ollama is running")
    assert await client.is_running()


@pytest.mark.parametrize("fixture", ["tags_docs.json", "tags_openwebui_pr12823.json"])
async def test_list_parses_recorded_servers(client, api, fixture: str) -> None:
    body = fixture_json(fixture)
    api.get("/api/tags").respond(json=body)
    models = await client.list_models()
    assert [m.name for m in models] == [m["name"] for m in body["models"]]
    first = models[0]
    assert first.size == body["models"][0]["size"]
    assert first.details.parameter_size == body["models"][0]["details"]["parameter_size"]
    assert first.modified_at is not None and first.modified_at.utcoffset() is not None
    assert first.to_json()["modified_at"] == body["models"][0]["modified_at"]


async def test_list_accepts_pretty_printed_json_and_ndjson(client, api) -> None:
    body = fixture_json("tags_docs.json")
    api.get("/api/tags").respond(content=json.dumps(body, indent=4).encode())
    assert [m.name for m in await client.list_models()] == [m["name"] for m in body["models"]]
    api.get("/api/tags").respond(content=b'{"models":[]}\n' + json.dumps(body).encode())
    assert len(await client.list_models()) == len(body["models"])  # the last object counts


async def test_any_answer_may_be_pretty_printed(client, api) -> None:
    api.get("/api/version").respond(content=b'{\n  "version": "0.12.10"\n}\n')
    api.post("/api/show").respond(content=json.dumps(fixture_json("show_llava_docs.json"),
                                                      indent=2).encode())
    assert await client.version() == "0.12.10"
    assert "vision" in (await client.show("llava")).capabilities


async def test_list_of_a_fresh_server_is_empty(client, api) -> None:
    api.get("/api/tags").respond(json=fixture_json("tags_empty.json"))
    assert await client.list_models() == []


async def test_list_tolerates_missing_null_and_unknown_fields(client, api) -> None:
    api.get("/api/tags").respond(json={"models": [
        {"name": "old:latest", "size": 5, "digest": "abc", "details": {"families": None}},
        {"model": "new:latest", "details": None, "capabilities": ["vision"], "shiny": {"x": 1},
         "remote_host": "https://ollama.com:443", "remote_model": "new"},
        "not-an-object",
        {"name": "weird:latest", "size": "big", "modified_at": "yesterday"},
    ]})
    models = await client.list_models()
    assert [m.name for m in models] == ["old:latest", "new:latest", "weird:latest"]
    assert models[0].details.families == ()
    assert models[1].capabilities == ("vision",) and models[1].is_remote
    assert models[2].size == 0 and models[2].modified_at is None
    assert models.skipped == 1  # the string


@pytest.mark.parametrize("value", [1e300, -5, 2**80, "12", True, 1.5, None])
async def test_a_nonsense_byte_count_is_unknown(client, api, value) -> None:
    api.get("/api/tags").respond(json={"models": [{"name": "m", "size": value}]})
    api.post("/api/pull").respond(
        content=json.dumps({"status": "pulling x", "digest": "sha256:1", "total": value,
                            "completed": value}) + '\n{"status":"success"}\n')
    assert (await client.list_models())[0].size == 0
    first = [event async for event in client.pull("m")][0]
    assert first.total is None and first.completed is None


async def test_show_sends_the_normalised_name_and_parses_everything(client, api) -> None:
    route = api.post("/api/show").respond(json=fixture_json("show_llava_docs.json"))
    info = await client.show("llava")
    assert sent_json(route) == {"model": "llava:latest", "verbose": False}
    assert info.architecture == "llama"
    assert info.parameter_count == 8030261248
    assert info.context_length == 8192 and info.embedding_length == 4096
    assert info.capabilities == ("completion", "vision")
    assert info.parameter_lines()[0] == ("num_keep", "24")
    assert info.template.startswith("{{ if .System }}")


async def test_ps(client, api) -> None:
    api.get("/api/ps").respond(json=fixture_json("ps_docs.json"))
    [model] = await client.ps()
    assert model.name == "mistral:latest" and model.gpu_fraction == 1.0
    assert model.expires_at is not None


async def test_delete_is_a_delete_with_a_json_body(client, api) -> None:
    route = api.delete("/api/delete").respond(200)
    await client.delete("llama3:13b")
    assert route.calls.last.request.method == "DELETE"
    assert sent_json(route) == {"model": "llama3:13b"}


async def test_copy(client, api) -> None:
    route = api.post("/api/copy").respond(200)
    await client.copy("llama3.2", "llama3-backup")
    assert sent_json(route) == {"source": "llama3.2:latest", "destination": "llama3-backup:latest"}


async def test_load_and_unload_use_keep_alive(client, api) -> None:
    route = api.post("/api/generate").respond(json={"model": "m", "done": True})
    await client.load("llama3.2")
    assert sent_json(route) == {"model": "llama3.2:latest", "stream": False}
    await client.unload("llama3.2")
    assert sent_json(route)["keep_alive"] == 0


async def test_pull_streams_typed_events_from_ndjson(client, api) -> None:
    route = api.post("/api/pull").respond(
        content=fixture_text("pull_llama3.2.ndjson"),
        headers={"Content-Type": "application/x-ndjson"})
    events = [e async for e in client.pull("llama3.2")]
    assert sent_json(route) == {"model": "llama3.2:latest", "stream": True}
    assert events[0].status == "pulling manifest"
    assert events[1].digest.startswith("sha256:dde5aa3fc5ff") and events[1].completed is None
    assert events[-1].status == "success"
    assert len(events) == len(fixture_text("pull_llama3.2.ndjson").splitlines())


async def test_a_coalesced_pull_skips_stale_lines_but_not_the_outcome(client, api) -> None:
    api.post("/api/pull").respond(content=fixture_text("pull_llama3.2.ndjson"))
    events = [e async for e in client.pull("llama3.2", coalesce=True)]
    every = fixture_text("pull_llama3.2.ndjson").splitlines()
    assert len(events) < len(every)
    assert events[-1].status == "success"
    weights = [e for e in events if e.digest.startswith("sha256:dde5aa3fc5ff")]
    assert weights[-1].completed == weights[-1].total == 2019377376


async def test_pull_without_streaming_gives_one_event(client, api) -> None:
    route = api.post("/api/pull").respond(json={"status": "success"})
    events = [e async for e in client.pull("llama3.2", stream=False)]
    assert sent_json(route)["stream"] is False
    assert [e.status for e in events] == ["success"]


async def test_pull_of_an_unknown_model(client, api) -> None:
    api.post("/api/pull").respond(content=fixture_text("pull_error_not_found.ndjson"))
    with pytest.raises(ModelNotFoundError, match="nosuch:latest is not in the registry"):
        [e async for e in client.pull("nosuch")]


async def test_pull_error_line_mid_stream_is_shown_literally(client, api) -> None:
    api.post("/api/pull").respond(content='{"status":"pulling manifest"}\n'
                                          '{"error":"write /models/blobs: no space left"}\n')
    with pytest.raises(PullFailedError, match="no space left"):
        [e async for e in client.pull("llama3.2")]


async def test_pull_stream_that_ends_before_success_is_a_lost_connection(client, api) -> None:
    truncated = "\n".join(fixture_text("pull_llama3.2.ndjson").splitlines()[:5]) + "\n"
    api.post("/api/pull").respond(content=truncated)
    received = []
    with pytest.raises(ConnectionLostError, match="stopped before Ollama reported success"):
        async for event in client.pull("llama3.2"):
            received.append(event)
    assert len(received) == 5  # what arrived was still delivered


async def test_pull_stream_cut_mid_line_is_a_lost_connection(client, api) -> None:
    api.post("/api/pull").respond(content='{"status":"pulling manifest"}\n{"status":"pull')
    with pytest.raises(ProtocolError, match="not JSON"):
        [e async for e in client.pull("llama3.2")]


async def test_invalid_names_are_refused_before_any_request(client, api) -> None:
    route = api.route().respond(200)
    for call in (client.show("bad name"), client.delete("a//b"), client.copy("ok", "m:"),
                 client.load("-x")):
        with pytest.raises(InvalidNameError):
            await call
    with pytest.raises(InvalidNameError):
        [e async for e in client.pull("bad name")]
    assert not route.called


@pytest.mark.parametrize(("method", "path", "call", "status", "body", "error", "text"), [
    ("POST", "/api/show", lambda c: c.show("x"), 404, {"error": "model 'x:latest' not found"},
     ModelNotFoundError, "model 'x:latest' not found"),
    ("DELETE", "/api/delete", lambda c: c.delete("x"), 404,
     {"error": "model 'x:latest' not found"}, ModelNotFoundError, "not found"),
    ("POST", "/api/copy", lambda c: c.copy("x", "y"), 404,
     {"error": 'model "x:latest" not found'}, ModelNotFoundError, 'model "x:latest" not found'),
    ("POST", "/api/show", lambda c: c.show("x"), 400, {"error": "invalid model name"},
     InvalidNameError, "Ollama refused the name: invalid model name"),
    ("DELETE", "/api/delete", lambda c: c.delete("x"), 400, {"error": 'name "x" is invalid'},
     InvalidNameError, 'name "x" is invalid'),
    ("POST", "/api/copy", lambda c: c.copy("x", "y"), 400,
     {"error": 'destination "y" is invalid'}, InvalidNameError, "destination"),
    ("POST", "/api/show", lambda c: c.show("x"), 400, {"error": "missing request body"},
     ServerError, "HTTP 400: missing request body"),
    ("POST", "/api/show", lambda c: c.show("x"), 400, {"error": "model is required"},
     ServerError, "model is required"),
    ("GET", "/api/tags", lambda c: c.list_models(), 500, {"error": "disk I/O error"},
     ServerError, "HTTP 500: disk I/O error"),
])
async def test_every_error_shape(client, api, method, path, call, status, body, error,
                                 text) -> None:
    api.route(method=method, path=path).respond(status, json=body)
    with pytest.raises(error) as caught:
        await call(client)
    assert text in str(caught.value)


async def test_pull_error_before_the_stream_uses_the_status(client, api) -> None:
    api.post("/api/pull").respond(500, json={"error": "registry unavailable"})
    with pytest.raises(ServerError, match="HTTP 500: registry unavailable"):
        [e async for e in client.pull("llama3.2")]


async def test_unknown_endpoint_says_it_may_not_be_ollama(client, api) -> None:
    api.get("/api/ps").respond(404, text="404 page not found")
    with pytest.raises(ProtocolError, match="has no /api/ps endpoint"):
        await client.ps()


async def test_html_from_a_proxy(client, api) -> None:
    api.get("/api/tags").respond(502, html="<html><body>Bad Gateway</body></html>")
    with pytest.raises(ProtocolError, match="HTML page .HTTP 502.*proxy"):
        await client.list_models()


async def test_html_with_status_200(client, api) -> None:
    api.get("/api/tags").respond(200, text="<!DOCTYPE html><html>login</html>")
    with pytest.raises(ProtocolError, match="HTML page"):
        await client.list_models()


async def test_not_json(client, api) -> None:
    api.get("/api/version").respond(200, text="hello")
    with pytest.raises(ProtocolError, match="not JSON"):
        await client.version()


async def test_json_of_the_wrong_shape(client, api) -> None:
    api.get("/api/tags").respond(json=[1, 2])
    with pytest.raises(ProtocolError, match="not a JSON object"):
        await client.list_models()
    api.get("/api/tags").respond(json={"models": "lots"})
    with pytest.raises(ProtocolError, match="not a list"):
        await client.list_models()


async def test_connection_refused(client, api) -> None:
    api.get("/api/tags").mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    expected = "cannot reach Ollama at http://ollama.test:11434: connection refused"
    with pytest.raises(UnreachableError, match=expected):
        await client.list_models()


async def test_timeouts(client, api) -> None:
    api.get("/api/tags").mock(side_effect=httpx.ConnectTimeout("slow"))
    with pytest.raises(UnreachableError, match="timed out connecting"):
        await client.list_models()
    api.get("/api/tags").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OllamaTimeoutError, match="took too long to answer the model list"):
        await client.list_models()


async def test_credentials_never_appear_in_messages(api) -> None:
    url = "http://alice:s3cret@ollama.test:11434"
    with respx.mock(base_url=url) as secret_api:
        secret_api.get("/api/tags").mock(side_effect=httpx.ConnectError("refused"))
        async with OllamaClient(url) as c:
            with pytest.raises(UnreachableError) as caught:
                await c.list_models()
    assert "s3cret" not in str(caught.value) and "alice:***@" in str(caught.value)


async def test_base_url_prefix_is_kept(api) -> None:
    with respx.mock(base_url="http://proxy.test:80/ollama") as prefixed:
        route = prefixed.get("/api/version").respond(json={"version": "0.12.10"})
        async with OllamaClient("http://proxy.test:80/ollama") as c:
            assert await c.version() == "0.12.10"
    assert route.calls.last.request.url.path == "/ollama/api/version"
