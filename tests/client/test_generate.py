"""Generation and embedding: the streamed answer (thinking apart), the whole answer with
Ollama's timings, embeddings, and what a broken stream or a refusal becomes."""

import httpx
import pytest
import respx

from tui.emulator.replies import CANNED_REPLY, CANNED_THINKING, embed_timings
from tui.emulator.server import Emulator
from tui.ollama import OllamaClient
from tui.ollama.errors import ConnectionLostError, LoadRefusedError, ServerError
from tui.ollama.names import parse_name


async def test_a_thinking_model_streams_its_thinking_then_its_answer(client: OllamaClient) -> None:
    pieces = [p async for p in client.generate_stream("qwen3:8b", "hello")]
    thinking = "".join(p.thinking for p in pieces)
    answer = "".join(p.response for p in pieces)
    assert thinking.split() == CANNED_THINKING.split() and answer.split() == CANNED_REPLY.split()
    first_answer = next(i for i, p in enumerate(pieces) if p.response)
    assert all(not p.response for p in pieces[:first_answer])  # thinking comes first
    final = pieces[-1]
    assert final.done and final.eval_count == len(pieces) - 1 and final.eval_duration > 0


async def test_thinking_can_be_turned_off_and_is_refused_where_absent(
        client: OllamaClient) -> None:
    pieces = [p async for p in client.generate_stream("qwen3:8b", "hello", think=False)]
    assert not any(p.thinking for p in pieces)
    with pytest.raises(ServerError, match='"mistral:latest" does not support thinking'):
        await client.generate("mistral", "hello", think=True)


async def test_num_predict_stops_the_answer(client: OllamaClient) -> None:
    result = await client.generate("mistral", "hello", options={"num_predict": 3})
    assert result.eval_count == 3 and len(result.response.split()) == 3


async def test_embeddings_come_back_with_their_figures(client: OllamaClient,
                                                       emulator: Emulator) -> None:
    texts = ["one goose", "two geese"]
    result = await client.embed("nomic-embed-text", texts)
    model = emulator.store.find_installed(parse_name("nomic-embed-text")).model
    cold = embed_timings(model, texts, cold=True)
    assert (result.inputs, result.dimensions) == (2, 768)
    assert (result.total_duration, result.load_duration) == (cold["total_duration"],
                                                             cold["load_duration"])


async def test_a_cloud_model_cannot_stream_here(client: OllamaClient) -> None:
    with pytest.raises(LoadRefusedError, match="cloud model"):
        [p async for p in client.generate_stream("glm-4.6:cloud", "hello")]


@respx.mock
async def test_a_stream_cut_before_done_is_a_lost_connection() -> None:
    respx.post("http://ollama.test/api/generate").mock(return_value=httpx.Response(
        200, content=b'{"response":"Hel","done":false}\n{"response":"lo","done":false}\n'))
    async with OllamaClient("http://ollama.test") as client:
        seen = []
        with pytest.raises(ConnectionLostError, match="stopped before Ollama finished"):
            async for piece in client.generate_stream("m", "hi"):
                seen.append(piece.response)
    assert seen == ["Hel", "lo"]  # what came is kept


@respx.mock
async def test_an_error_line_mid_stream_is_said(respx_mock) -> None:
    respx.post("http://ollama.test/api/generate").mock(return_value=httpx.Response(
        200, content=b'{"response":"a","done":false}\n{"error":"out of memory"}\n'))
    async with OllamaClient("http://ollama.test") as client:
        with pytest.raises(ServerError, match="out of memory"):
            [p async for p in client.generate_stream("m", "hi")]


@respx.mock
async def test_nonsense_figures_are_zero_not_a_crash() -> None:
    respx.post("http://ollama.test/api/embed").mock(return_value=httpx.Response(
        200, json={"embeddings": "no", "total_duration": -5, "load_duration": "x"}))
    async with OllamaClient("http://ollama.test") as client:
        result = await client.embed("m", ["a"])
    assert (result.inputs, result.total_duration, result.load_duration) == (0, 0, 0)
