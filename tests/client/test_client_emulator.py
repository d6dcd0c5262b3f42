"""Our client against the emulator over a real loopback socket: every operation, every fault."""

import asyncio

import pytest

from tui.emulator.server import Emulator
from tui.ollama import (
    ConnectionLostError,
    InvalidNameError,
    ModelNotFoundError,
    OllamaClient,
    OllamaTimeoutError,
    ProtocolError,
    ServerError,
    UnreachableError,
)
from tui.ollama.names import parse_name
from tui.ollama.progress import Phase, PullProgress


async def test_every_operation_end_to_end(client: OllamaClient) -> None:
    assert await client.is_running()
    assert await client.version() == "0.12.10"
    names = [m.name for m in await client.list_models()]
    assert "llama3.2:latest" in names and "smollm2:135m" not in names

    info = await client.show("llama3.2")
    assert info.architecture == "llama" and info.context_length == 131072
    assert "tools" in info.capabilities and info.license

    events = [e async for e in client.pull("smollm2:135m")]
    assert events[0].status == "pulling manifest" and events[-1].status == "success"
    assert "smollm2:135m" in [m.name for m in await client.list_models()]

    await client.copy("smollm2:135m", "my-smol")
    assert "my-smol:latest" in [m.name for m in await client.list_models()]
    await client.delete("my-smol")
    await client.delete("smollm2:135m")
    names = [m.name for m in await client.list_models()]
    assert "my-smol:latest" not in names and "smollm2:135m" not in names

    await client.load("qwen2.5:7b")
    assert "qwen2.5:7b" in [r.name for r in await client.ps()]
    await client.unload("qwen2.5:7b")
    assert "qwen2.5:7b" not in [r.name for r in await client.ps()]


async def test_not_found_and_invalid_names(client: OllamaClient, emulator: Emulator) -> None:
    with pytest.raises(ModelNotFoundError, match="model 'nosuch:latest' not found"):
        await client.show("nosuch")
    with pytest.raises(ModelNotFoundError):
        await client.delete("nosuch")
    with pytest.raises(ModelNotFoundError, match='model "nosuch:latest" not found'):
        await client.copy("nosuch", "other")
    with pytest.raises(ModelNotFoundError, match="file does not exist"):
        [e async for e in client.pull("nosuch:7b")]
    before = len(emulator.requests)
    with pytest.raises(InvalidNameError):
        [e async for e in client.pull("not a name")]
    assert len(emulator.requests) == before  # refused before any request


async def test_unreachable_when_nothing_listens(emulator: Emulator) -> None:
    url = emulator.url
    await emulator.stop()
    async with OllamaClient(url) as c:
        expected = f"cannot reach Ollama at {url}: connection refused"
        with pytest.raises(UnreachableError, match=expected):
            await c.list_models()


async def test_going_away_and_coming_back(client: OllamaClient, emulator: Emulator) -> None:
    assert await client.list_models()
    await emulator.stop()
    with pytest.raises(UnreachableError):
        await client.list_models()
    await emulator.start()
    assert await client.list_models()


async def test_500_with_an_error_body(client: OllamaClient, emulator: Emulator) -> None:
    emulator.faults.error_500 = "llama runner process has terminated"
    with pytest.raises(ServerError, match="HTTP 500: llama runner process has terminated"):
        await client.list_models()


async def test_html_from_a_misconfigured_proxy(client: OllamaClient, emulator: Emulator) -> None:
    emulator.faults.html = True
    with pytest.raises(ProtocolError, match="HTML page"):
        await client.version()


async def test_a_stalled_server_times_out(emulator: Emulator) -> None:
    emulator.faults.stall = True
    async with OllamaClient(emulator.url, timeout=0.3) as c:
        with pytest.raises(OllamaTimeoutError):
            await asyncio.wait_for(c.list_models(), timeout=5)


async def test_a_stalled_pull_times_out(emulator: Emulator) -> None:
    emulator.faults.stall = True
    async with OllamaClient(emulator.url, long_timeout=0.3) as c:
        with pytest.raises(OllamaTimeoutError):
            await asyncio.wait_for(_drain(c.pull("llama3.1:8b")), timeout=5)


async def test_latency_is_only_latency(client: OllamaClient, emulator: Emulator) -> None:
    emulator.faults.latency = 0.05
    assert await client.version() == "0.12.10"


async def _drain(events) -> list:
    return [e async for e in events]


async def _pull_until_cut(client: OllamaClient, name: str) -> PullProgress:
    progress = PullProgress(name)
    loop = asyncio.get_running_loop()
    with pytest.raises(ConnectionLostError, match="lost during the pull"):
        async for event in client.pull(name):
            progress.feed(event, loop.time())
    return progress


async def test_a_cut_pull_resumes_from_what_was_kept(emulator: Emulator) -> None:
    emulator.pull_rate = 200e6
    emulator.faults.cut_after_events = 12
    async with OllamaClient(emulator.url) as client:
        first = await _pull_until_cut(client, "llama3.1:8b")
        assert 0 < first.completed < first.total
        emulator.faults.clear()
        emulator.pull_rate = 4e9
        resumed = PullProgress("llama3.1:8b")
        async for event in client.pull("llama3.1:8b"):
            resumed.feed(event, 0.0)
        assert resumed.resumed_from >= first.completed
        assert resumed.phase is Phase.SUCCESS


async def test_a_cut_in_the_middle_of_a_line(client: OllamaClient, emulator: Emulator) -> None:
    emulator.faults.cut_after_bytes = 100
    with pytest.raises((ConnectionLostError, ProtocolError)):
        await asyncio.wait_for(_drain(client.pull("llama3.1:8b")), timeout=5)


async def test_two_pulls_of_one_model_share_the_download(client: OllamaClient,
                                                        emulator: Emulator) -> None:
    emulator.pull_rate = 2e9  # 1.3 GB: two thirds of a second
    a, b = await asyncio.gather(_drain(client.pull("llama3.2:1b")),
                                _drain(client.pull("llama3.2:1b")))
    assert a[-1].status == b[-1].status == "success"
    # Both follow the one download to its end (the last tick may come just before it).
    for events in (a, b):
        assert max(e.completed or 0 for e in events) > 0.9 * 1321082688
    assert emulator.store.find_installed(parse_name("llama3.2:1b")) is not None


async def test_pulling_an_installed_model_rechecks_quickly(client: OllamaClient) -> None:
    events = await _drain(client.pull("llama3.2"))
    layer_lines = [e for e in events if e.digest]
    assert all(e.completed == e.total for e in layer_lines)
    assert len(layer_lines) == 6 and events[-1].status == "success"
