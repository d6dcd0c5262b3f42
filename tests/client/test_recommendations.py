"""The server's recommended models (`/api/experimental/model-recommendations`): read from
the emulator as a newer Ollama serves them, None from an older one (404), and every hostile
answer reduced to well-formed entries or a clear error."""

from __future__ import annotations

import httpx
import pytest
import respx

from tui.emulator.server import running_emulator
from tui.ollama import OllamaClient
from tui.ollama.errors import OllamaError
from tui.ollama.recommendations import MAX_RECOMMENDATIONS, PATH, Recommendation

URL = "http://127.0.0.1:11434"


async def test_a_newer_server_recommends_local_and_cloud_models() -> None:
    async with running_emulator(server_version="0.33") as emu, OllamaClient(emu.url) as client:
        found = await client.model_recommendations()
    assert found is not None
    by_name = {r.model: r for r in found}
    assert by_name["gemma3:12b"] == Recommendation("gemma3:12b", "Vision and text locally",
                                                   vram_bytes=12 * 10**9)
    cloud = by_name["qwen3-coder:480b-cloud"]
    assert cloud.is_cloud and cloud.required_plan == "pro" and cloud.context_length == 262144
    assert not by_name["qwen3:8b"].is_cloud


@pytest.mark.parametrize("version", ["0.12", "0.1"])
async def test_an_older_server_has_none_and_that_is_no_error(version: str) -> None:
    async with running_emulator(server_version=version) as emu, \
            OllamaClient(emu.url) as client:
        assert await client.model_recommendations() is None


@respx.mock
async def test_hostile_entries_are_dropped_and_figures_bounded() -> None:
    entries = [
        {"model": "good:1b", "vram_bytes": 4e9, "description": "fine\nline"},
        {"model": "good:1b", "vram_bytes": 1},  # again: the first one counts
        {"model": 7}, {"model": ""}, {"model": "a b"}, {"model": "x" * 201}, "not an object",
        {"model": "\x1b[31mred"},
        {"model": "odd:1b", "vram_bytes": -5, "context_length": True,
         "max_output_tokens": 2**70, "required_plan": ["pro"], "description": 3},
        *({"model": f"m{i}:1b"} for i in range(500)),
    ]
    respx.get(URL + PATH).mock(return_value=httpx.Response(200, json={
        "recommendations": entries}))
    async with OllamaClient(URL) as client:
        found = await client.model_recommendations()
    assert found is not None and len(found) == MAX_RECOMMENDATIONS
    assert found[0] == Recommendation("good:1b", "fine line", vram_bytes=4 * 10**9)
    assert found[1] == Recommendation("odd:1b")  # every absurd figure: not said
    assert [r.model for r in found].count("good:1b") == 1


@respx.mock
@pytest.mark.parametrize("answer", [
    httpx.Response(200, json={"recommendations": "many"}),
    httpx.Response(200, json={}),
])
async def test_no_list_is_an_empty_list(answer: httpx.Response) -> None:
    respx.get(URL + PATH).mock(return_value=answer)
    async with OllamaClient(URL) as client:
        assert await client.model_recommendations() == []


@respx.mock
async def test_a_broken_answer_is_a_clear_error() -> None:
    respx.get(URL + PATH).mock(return_value=httpx.Response(500, json={"error": "boom"}))
    async with OllamaClient(URL) as client:
        with pytest.raises(OllamaError, match="boom"):
            await client.model_recommendations()
