"""The client against servers that misbehave on purpose, over a real loopback socket.

Each answers one path with a handler written to break a naive client: trickled bodies,
bodies without end, lines without end, redirects to another host.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from tui.ollama import OllamaClient, OllamaTimeoutError, ProtocolError

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def serving(method: str, path: str, handler: Handler) -> AsyncIterator[str]:
    """A loopback server answering `method path` with `handler`; yields its base URL."""
    app = web.Application()
    app.router.add_route(method, path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _endless(request: web.Request, block: bytes,
                   content_type: str = "application/json") -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": content_type})
    await response.prepare(request)
    while True:
        await response.write(block)


async def test_a_trickled_answer_meets_a_total_deadline() -> None:
    # A broken proxy sending a byte every 0.2 s never trips a per-read timeout of 0.5 s;
    # the request as a whole still gives up in time.
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        for byte in b'{"models": []}' + b" " * 200:
            await response.write(bytes([byte]))
            await asyncio.sleep(0.2)
        return response

    async with (serving("GET", "/api/tags", trickle) as url,
                OllamaClient(url, timeout=0.5, connect_timeout=0.5) as client):
        start = time.monotonic()
        with pytest.raises(OllamaTimeoutError, match="took more than 1 s"):
            await client.list_models()
        assert time.monotonic() - start < 3


async def test_an_answer_without_end_is_refused_past_the_size_limit() -> None:
    # Fast enough that no deadline fires first: only the size limit can stop it.
    async def endless(request: web.Request) -> web.StreamResponse:
        return await _endless(request, b"A" * 65536)

    async with (serving("GET", "/api/tags", endless) as url,
                OllamaClient(url, max_body=4 << 20) as client):
        with pytest.raises(ProtocolError, match="more than 4 MB in answer to the model list"):
            await client.list_models()


async def test_a_pull_line_without_end_is_refused_quickly() -> None:
    async def one_long_line(request: web.Request) -> web.StreamResponse:
        return await _endless(request, b"A" * 65536, "application/x-ndjson")

    async with serving("POST", "/api/pull", one_long_line) as url, OllamaClient(url) as client:
        start = time.monotonic()
        with pytest.raises(ProtocolError, match="line longer than 1024 KB"):
            async for _ in client.pull("llama3.2"):
                pass
        assert time.monotonic() - start < 5


async def test_a_redirect_is_not_followed_to_another_host() -> None:
    followed: list[str] = []

    async def elsewhere(request: web.Request) -> web.StreamResponse:
        followed.append(request.path)
        return web.json_response({"models": []})

    async with serving("GET", "/api/tags", elsewhere) as other_host:
        async def redirect(request: web.Request) -> web.StreamResponse:
            raise web.HTTPFound(f"{other_host}/api/tags")

        async with (serving("GET", "/api/tags", redirect) as url,
                    OllamaClient(url) as client):
            with pytest.raises(ProtocolError, match=r"redirected the model list .*HTTP 302"):
                await client.list_models()
    assert followed == []


async def test_a_compressed_answer_is_read_once_decompressed() -> None:
    async def gzipped(request: web.Request) -> web.StreamResponse:
        response = web.json_response({"version": "0.12.10"})
        response.enable_compression(web.ContentCoding.gzip)
        return response

    async with serving("GET", "/api/version", gzipped) as url, OllamaClient(url) as client:
        assert await client.version() == "0.12.10"
