"""The demo registry knows the real library: a newcomer's first guess pulls."""

import httpx
import pytest

from tui.emulator.demo_models import demo_catalog
from tui.emulator.library import CLOUD, HUGGING_FACE, LIBRARY
from tui.emulator.server import Emulator
from tui.ollama import OllamaClient
from tui.ollama.names import parse_name


def test_a_few_hundred_models_with_unique_names() -> None:
    names = [m.name for m in demo_catalog()]
    assert len(names) >= 200 and len(names) == len(set(names))
    for model in demo_catalog():
        parse_name(model.name)  # every name is valid by Ollama's grammar
        assert model.is_remote or model.size > 10 * 10**6


@pytest.mark.parametrize("name", ["qwen2.5:0.5b", "gemma3:1b", "llama3.1", "deepseek-r1:1.5b",
                                  "phi4-mini", "mxbai-embed-large", "gpt-oss:20b",
                                  "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"])
async def test_well_known_names_pull_in_the_demo(client: OllamaClient, emulator: Emulator,
                                                 name: str) -> None:
    emulator.pull_rate = 1e12
    events = [e async for e in client.pull(name)]
    assert events[-1].status == "success"
    installed = {m.name for m in await client.list_models()}
    assert parse_name(name).display in installed


async def test_latest_is_the_same_manifest_as_the_tag_it_names(emulator: Emulator) -> None:
    catalog = {m.name: m for m in demo_catalog()}
    for entry in LIBRARY:
        latest, tagged = catalog[f"{entry.name}:latest"], catalog[f"{entry.name}:{entry.latest}"]
        assert latest.manifest_digest == tagged.manifest_digest, entry.name


async def test_library_facts_reach_the_client(emulator: Emulator) -> None:
    emulator.pull_rate = 1e12
    async with OllamaClient(emulator.url) as client:
        [_ async for _ in client.pull("qwen3:0.6b")]
        [_ async for _ in client.pull(HUGGING_FACE[0][0] + ":Q8_0")]
        models = {m.name: m for m in await client.list_models()}
        info = await client.show("qwen3:0.6b")
    qwen = models["qwen3:0.6b"]
    assert qwen.details.parameter_size == "751.63M" and abs(qwen.size - 523e6) < 1e5
    assert "thinking" in info.capabilities and info.context_length == 40960
    hf = models[HUGGING_FACE[0][0] + ":Q8_0"]
    assert hf.details.quantization_level == "unknown"


async def test_cloud_names_are_stubs(emulator: Emulator) -> None:
    async with httpx.AsyncClient(base_url=emulator.url) as http:
        response = await http.post("/api/pull", json={"model": CLOUD[0][0], "stream": False})
        assert response.json() == {"status": "success"}
        tags = (await http.get("/api/tags")).json()["models"]
    [stub] = [m for m in tags if m["name"] == CLOUD[0][0]]
    assert stub["size"] < 1000 and stub["remote_host"] == "https://ollama.com:443"
