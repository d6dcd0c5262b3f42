"""Update checks: the registry's manifest hashed and compared with the local digest, for
every kind of name, against the emulator's registry (and respx for hosts it cannot be)."""

import asyncio
import hashlib
import json

import httpx
import pytest
import respx

from tests.conftest import fixture_json
from tui.core.format import human_size
from tui.emulator.demo_models import demo_catalog
from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import key_of
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import parse_name
from tui.services.registry import UpdateChecker, manifest_url


@pytest.mark.parametrize(("name", "registry", "url"), [
    ("llama3.2", "", "https://registry.ollama.ai/v2/library/llama3.2/manifests/latest"),
    ("jmorgan/goose:7b", "", "https://registry.ollama.ai/v2/jmorgan/goose/manifests/7b"),
    ("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "",
     "https://hf.co/v2/bartowski/Llama-3.2-1B-Instruct-GGUF/manifests/Q4_K_M"),
    ("myreg.example:5000/team/m:v1", "", "https://myreg.example:5000/v2/team/m/manifests/v1"),
    ("localhost:5000/team/m:v1", "", "http://localhost:5000/v2/team/m/manifests/v1"),
    ("llama3.2", "mirror.example:8443",
     "https://mirror.example:8443/v2/library/llama3.2/manifests/latest"),
    ("llama3.2", "http://127.0.0.1:9/",
     "http://127.0.0.1:9/v2/library/llama3.2/manifests/latest"),
    # The mirror stands in for the default registry only.
    ("hf.co/a/b:c", "mirror.example", "https://hf.co/v2/a/b/manifests/c"),
])
def test_where_each_kind_of_name_is_checked(name: str, registry: str, url: str) -> None:
    assert manifest_url(name, registry) == url


def test_the_emulators_llama32_has_the_real_digest() -> None:
    # Its layers are the real ones, and the registry's manifest is compact JSON in this
    # order: the SHA-256 of the emulator's manifest is the digest real servers list.
    real = next(m for m in fixture_json("tags_docs.json")["models"]
                if m["name"] == "llama3.2:latest")
    ours = next(m for m in demo_catalog() if m.name == "llama3.2:latest")
    assert ours.manifest_digest == real["digest"]


async def states(emulator: Emulator, **options) -> dict[str, object]:
    async with OllamaClient(emulator.url) as client:
        models = await client.list_models()
    checker = UpdateChecker(emulator.url, **options)
    try:
        return {c.name: c for c in await checker.check_all(models)}
    finally:
        await checker.aclose()


async def test_outdated_models_are_found_and_others_are_current() -> None:
    async with running_emulator(outdated=2) as emulator:
        found = await states(emulator)
    outdated = sorted(n for n, c in found.items() if c.state == "update available")
    assert outdated == ["deepseek-r1:8b", "gemma3:4b"]  # the first two by name
    newer = emulator.store.catalog[key_of(parse_name("gemma3:4b"))]
    assert found["gemma3:4b"].registry_digest == newer.manifest_digest
    assert found["gemma3:4b"].new_size == newer.size
    assert found["glm-4.6:cloud"].state == "cloud"
    assert {c.state for n, c in found.items() if n not in (*outdated, "glm-4.6:cloud")} == \
        {"up to date"}


async def test_a_model_made_here_is_local_only(emulator: Emulator) -> None:
    async with OllamaClient(emulator.url) as client:
        await client.copy("mistral", "my-mistral")
    found = await states(emulator)
    assert found["my-mistral:latest"].state == "local only"
    assert "has no my-mistral:latest (HTTP 404)" in found["my-mistral:latest"].reason


async def test_namespaced_and_custom_registry_names(emulator: Emulator) -> None:
    base = next(m for m in demo_catalog() if m.name == "mistral:latest")
    for name in ("qgoose/goose:7b", f"127.0.0.1:{emulator.port}/team/goose:1b"):
        model = base.renamed(name)
        emulator.store.catalog[key_of(parse_name(name))] = model
        emulator.store.install(model, name)
    found = await states(emulator)
    assert found["qgoose/goose:7b"].state == "up to date"
    assert found[f"127.0.0.1:{emulator.port}/team/goose:1b"].state == "up to date"
    paths = {r.path for r in emulator.requests if r.path.startswith("/v2/")}
    assert {"/v2/qgoose/goose/manifests/7b", "/v2/team/goose/manifests/1b"} <= paths


async def test_an_unreachable_or_failing_registry_is_unknown_with_the_reason(
        emulator: Emulator) -> None:
    async with OllamaClient(emulator.url) as client:
        models = await client.list_models()
    checker = UpdateChecker("http://127.0.0.1:9")
    check = await checker.check(next(m for m in models if m.name == "mistral:latest"))
    await checker.aclose()
    assert check.state == "unknown" and "cannot reach 127.0.0.1:9: connection refused" in \
        check.reason
    emulator.faults.registry_status = 503
    assert (await states(emulator))["mistral:latest"].reason.endswith("answered HTTP 503")
    emulator.faults.registry_status, emulator.faults.registry_latency = None, 1.0
    slow = (await states(emulator, deadline=0.2))["mistral:latest"]
    assert slow.state == "unknown" and "did not answer within" in slow.reason


def summary(name: str, digest: str) -> ModelSummary:
    return ModelSummary.from_json({"name": name, "digest": digest, "size": 1})


@respx.mock
async def test_hf_co_models_are_checked_on_hf_co() -> None:
    body = b'{"schemaVersion":2,"layers":[{"size":7,"digest":"sha256:%s"}],"config":{"size":3}}' \
        % (b"ab" * 32)
    route = respx.get("https://hf.co/v2/bartowski/Model-GGUF/manifests/Q4_K_M").mock(
        return_value=httpx.Response(200, content=body))
    checker = UpdateChecker()
    same = await checker.check(summary("hf.co/bartowski/Model-GGUF:Q4_K_M",
                                       hashlib.sha256(body).hexdigest()))
    other = await checker.check(summary("hf.co/bartowski/Model-GGUF:Q4_K_M", "00" * 32))
    await checker.aclose()
    assert same.state == "up to date" and other.state == "update available"
    assert other.new_size == 10
    assert route.calls[0].request.headers["accept"] == \
        "application/vnd.docker.distribution.manifest.v2+json"


@respx.mock
async def test_at_most_eight_at_once_and_each_digest_asked_once() -> None:
    in_flight, most = 0, 0

    async def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, content=b"{}")

    route = respx.get(url__startswith="https://registry.ollama.ai/v2/").mock(side_effect=answer)
    checker = UpdateChecker()
    models = [summary(f"m{i}", f"{i:064x}") for i in range(20)]
    await checker.check_all(models)
    await checker.check_all(models)
    await checker.aclose()
    assert most == 8 and route.call_count == 20


@respx.mock
async def test_a_huge_or_absurd_answer_is_unknown_not_a_crash() -> None:
    respx.get(url__startswith="https://registry.ollama.ai/v2/").mock(
        return_value=httpx.Response(200, content=b"x" * (5 << 20)))
    checker = UpdateChecker()
    check = await checker.check(summary("m", "00" * 32))
    await checker.aclose()
    assert check.state == "unknown" and "too big" in check.reason


# -- servers before 0.19, and what an update changes -----------------------------------
PRETTY = b"""{
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {
      "mediaType": "application/vnd.docker.container.image.v1+json",
      "size": 487,
      "digest": "sha256:%s"
   },
   "layers": [
      {
         "mediaType": "application/vnd.ollama.image.model",
         "size": 2019377376,
         "digest": "sha256:%s"
      }
   ]
}
""" % (b"c" * 64, b"1" * 64)
# What Ollama before 0.19 wrote for it: Go's struct order, compact.
PRETTY_AS_GO = (b'{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2'
                b'+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json",'
                b'"digest":"sha256:' + b"c" * 64 + b'","size":487},"layers":[{"mediaType":'
                b'"application/vnd.ollama.image.model","digest":"sha256:' + b"1" * 64 +
                b'","size":2019377376}]}')


@respx.mock
async def test_a_server_before_0_19_lists_the_digest_of_gos_reencoding() -> None:
    respx.get("https://registry.ollama.ai/v2/library/goose/manifests/7b").mock(
        return_value=httpx.Response(200, content=PRETTY))
    checker = UpdateChecker()
    old = await checker.check(summary("goose:7b", hashlib.sha256(PRETTY_AS_GO).hexdigest()))
    new = await checker.check(summary("goose:7b", hashlib.sha256(PRETTY).hexdigest()))
    other = await checker.check(summary("goose:7b", "00" * 32))
    await checker.aclose()
    assert old.state == "up to date" and old.reason.endswith("(as Ollama before 0.19 stores it)")
    assert new.state == "up to date" and "0.19" not in new.reason
    assert other.state == "update available" and other.registry_digest == \
        hashlib.sha256(PRETTY).hexdigest()


PARAMS = b'{"stop":["<|end|>"],"temperature":0.7}'
PARAMS_DIGEST = "sha256:" + hashlib.sha256(PARAMS).hexdigest()
WEIGHTS = "sha256:" + "1" * 64


def goose_manifest(params: bytes = PARAMS) -> bytes:
    return json.dumps({"schemaVersion": 2, "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "digest": "sha256:" + "c" * 64, "size": 487}, "layers": [
        {"mediaType": "application/vnd.ollama.image.model", "digest": WEIGHTS, "size": 10**9},
        {"mediaType": "application/vnd.ollama.image.params",
         "digest": "sha256:" + hashlib.sha256(params).hexdigest(), "size": len(params)}]}
    ).encode()


async def shown(model: ModelSummary) -> ModelInfo:
    # What /api/show says of the model installed here: the same weights and parameters.
    return ModelInfo.from_json(model.name, {
        "modelfile": f"FROM /root/.ollama/models/blobs/{WEIGHTS.replace(':', '-')}\n",
        "parameters": 'stop                           "<|end|>"\n'
                      'temperature                    0.7'})


@pytest.mark.parametrize(("blob", "changed"), [
    # The registry sends the download on to its storage host, over HTTPS: followed.
    (httpx.Response(307, headers={"Location": "https://storage.example/params"}), ["config"]),
    # Not to plain HTTP on another host, nor bytes that are not the digest's, nor a huge
    # answer, nor a missing blob: then the parameters count as changed.
    (httpx.Response(307, headers={"Location": "http://storage.example/params"}),
     ["parameters"]),
    (httpx.Response(200, content=PARAMS + b" "), ["parameters"]),
    (httpx.Response(307, headers={"Location": "\x01"}), ["parameters"]),  # no URL at all
    (httpx.Response(404), ["parameters"]),
])
@respx.mock
async def test_the_params_blob_is_read_with_care(blob: httpx.Response, changed: list) -> None:
    respx.get("https://registry.ollama.ai/v2/library/goose/manifests/7b").mock(
        return_value=httpx.Response(200, content=goose_manifest()))
    respx.get(f"https://registry.ollama.ai/v2/library/goose/blobs/{PARAMS_DIGEST}").mock(
        return_value=blob)
    storage = respx.get("https://storage.example/params").mock(
        return_value=httpx.Response(200, content=PARAMS))
    plain = respx.get("http://storage.example/params").mock(
        return_value=httpx.Response(200, content=PARAMS))
    checker = UpdateChecker(show=shown)
    check = await checker.check(summary("goose:7b", "00" * 32))
    await checker.aclose()
    assert check.state == "update available" and check.to_json()["what_changed"] == changed
    assert storage.called is (changed == ["config"]) and not plain.called


@respx.mock
async def test_a_params_blob_too_big_to_read_counts_as_changed() -> None:
    huge = b'{"stop":["' + b"x" * (2 << 20) + b'"]}'
    respx.get("https://registry.ollama.ai/v2/library/goose/manifests/7b").mock(
        return_value=httpx.Response(200, content=goose_manifest(huge)))
    respx.get(url__startswith="https://registry.ollama.ai/v2/library/goose/blobs/").mock(
        return_value=httpx.Response(200, content=huge))

    async def huge_shown(model: ModelSummary) -> ModelInfo:
        info = await shown(model)
        return ModelInfo.from_json(model.name, {"modelfile": info.modelfile,
                                                "parameters": f'stop "{"x" * (2 << 20)}"'})

    checker = UpdateChecker(show=huge_shown)
    check = await checker.check(summary("goose:7b", "00" * 32))
    await checker.aclose()
    assert check.changed == ("parameters",)


@respx.mock
async def test_without_show_or_in_time_the_update_is_not_explained() -> None:
    respx.get("https://registry.ollama.ai/v2/library/goose/manifests/7b").mock(
        return_value=httpx.Response(200, content=goose_manifest()))
    respx.get(url__startswith="https://registry.ollama.ai/v2/library/goose/blobs/").mock(
        side_effect=lambda request: asyncio.sleep(5))

    async def failing(model: ModelSummary) -> ModelInfo:
        raise OllamaError("model 'goose:7b' not found")

    for show in (None, failing, shown):
        checker = UpdateChecker(show=show, deadline=0.3)
        check = await checker.check(summary("goose:7b", "00" * 32))
        await checker.aclose()
        assert check.state == "update available" and check.changed is None
        assert check.reason.endswith("has a newer version") and check.change_text == ""
        assert check.to_json()["download_size"] is None


@pytest.mark.parametrize("version", ["0.12", "0.33"])
@pytest.mark.parametrize(("changes", "parts"), [
    (("weights",), ["weights"]), (("template",), ["template"]), (("params",), ["parameters"]),
    (("system",), ["system"]), (("license",), ["license"]),
    (("template", "params"), ["template", "parameters"]),
])
async def test_what_an_update_changes_against_the_emulator(version: str, changes: tuple,
                                                           parts: list) -> None:
    # qwen3:8b's registry orders its manifest's keys otherwise than Go: on 0.12 the digest
    # listed is Go's, yet only a real change makes it outdated.
    async with running_emulator(server_version=version) as emulator, \
            OllamaClient(emulator.url) as client:
        async def show(model: ModelSummary) -> ModelInfo:
            return await client.show(model.name)

        checker = UpdateChecker(emulator.url, show=show)
        model = next(m for m in await client.list_models() if m.name == "qwen3:8b")
        assert (await checker.check(model)).state == "up to date"
        newer = emulator.store.publish("qwen3:8b", changes)
        checker.forget()
        check = await checker.check(model)
        await checker.aclose()
    assert check.state == "update available" and list(check.changed) == parts
    old = {layer.digest for layer in emulator.store.installed[key_of(parse_name("qwen3:8b"))]
           .model.layers}
    assert check.download_size == sum(layer.size for layer in newer.layers
                                      if layer.digest not in old)
    assert check.reason.endswith(check.change_text) and check.change_text.endswith(
        f"{human_size(check.download_size)} to download")
