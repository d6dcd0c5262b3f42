"""Update checks: the registry's manifest hashed and compared with the local digest, for
every kind of name, against the emulator's registry (and respx for hosts it cannot be)."""

import asyncio
import hashlib

import httpx
import pytest
import respx

from tests.conftest import fixture_json
from tui.emulator.catalog import demo_catalog
from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import key_of
from tui.ollama import OllamaClient
from tui.ollama.models import ModelSummary
from tui.ollama.names import parse_name
from tui.registry import UpdateChecker, manifest_url


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
