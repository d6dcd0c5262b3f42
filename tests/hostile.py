"""A hostile Ollama on a loopback socket: fixed answers whose every text carries terminal
escapes (OSC 0 sets the window title, OSC 52 writes the clipboard, CSI clears the screen),
a C1 CSI and a bidi override, or JSON nested far deeper than any real answer.

`hostile_ollama(answers)` serves in the test's own loop (the TUI's tests);
`ThreadedHostile(answers)` serves from a thread, for the synchronous CLI entry point.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

# What the red team's fake server sent in model_info's general.architecture.
EVIL = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x1b\\\x1b[2J\x9b31m\u202e"
# Each of these must never reach a terminal raw.
CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")

DIGEST = "a" * 64
EVIL_NAME = f"evil{EVIL}:latest"


def deep(levels: int = 1100) -> Any:
    """A JSON value nested `levels` deep: 2 KB of text that recurses past Python's limit."""
    return json.loads("[" * levels + "]" * levels)


def _entry(name: str, family: str = "llama") -> dict[str, Any]:
    return {"name": name, "model": name, "size": 2_019_393_189, "digest": DIGEST,
            "modified_at": "2025-01-01T00:00:00Z",
            "details": {"format": "gguf" + EVIL, "family": family, "families": [family],
                        "parameter_size": "3.2B" + EVIL, "quantization_level": "Q4" + EVIL}}


def evil_answers() -> dict[str, Any]:
    """Every answer a model list, the info panel or a command reads, each text hostile."""
    show = {"license": f"MIT{EVIL}\nsecond line\twith a tab",
            "template": "{{ .Prompt }}" + EVIL, "system": "be nice" + EVIL,
            "parameters": "stop " + EVIL, "modified_at": "2025-01-01T00:00:00Z",
            "details": _entry("x")["details"], "capabilities": ["completion"],
            # An architecture without its block count: the memory estimate is "unknown",
            # and its message names the architecture (the red team's OSC 52).
            "model_info": {"general.architecture": "llama" + EVIL,
                           "general.parameter_count": 3_212_749_888}}
    running = {**_entry(EVIL_NAME), "size_vram": 2_019_393_189,
               "expires_at": "2099-01-01T00:00:00Z"}
    return {
        "GET /": "Ollama is running",
        "GET /api/version": {"version": "0.12.10" + EVIL},
        "GET /api/tags": {"models": [_entry("llama3.2:latest", "llama" + EVIL),
                                     _entry(EVIL_NAME)]},
        "GET /api/ps": {"models": [running]},
        "POST /api/show": show,
        "DELETE /api/delete": (500, {"error": "cannot delete" + EVIL}),
        "POST /api/copy": (500, {"error": "cannot copy" + EVIL}),
        "POST /api/generate": (500, {"error": "cannot load" + EVIL}),
        "POST /api/pull": (200, [{"status": "pulling manifest" + EVIL},
                                 {"error": "disk full" + EVIL}]),
    }


def deep_answers(levels: int = 1100) -> dict[str, Any]:
    """Every answer but the version nests JSON `levels` deep somewhere (as raw text: json
    itself cannot write it); a registry's manifest too."""
    nested = "[" * levels + "]" * levels
    entry = (f'{{"name": "llama3.2:latest", "size": 1, "digest": "{DIGEST}", '
             f'"modified_at": "2025-01-01T00:00:00Z", "details": {nested}}}')
    return {
        "GET /": "Ollama is running",
        "GET /api/version": {"version": "0.12.10"},
        "GET /api/tags": f'{{"models": [{entry}]}}'.encode(),
        "GET /api/ps": f'{{"models": [{nested}]}}'.encode(),
        "POST /api/show": f'{{"license": "MIT", "model_info": {{"x": {nested}}}}}'.encode(),
        "GET /v2/library/llama3.2/manifests/latest": f'{{"layers": {nested}}}'.encode(),
    }


def _response(answer: Any) -> web.Response:
    status, body = answer if isinstance(answer, tuple) else (200, answer)
    if isinstance(body, bytes):  # JSON text as it is
        return web.Response(status=status, body=body, content_type="application/json")
    if isinstance(body, str):
        return web.Response(status=status, text=body)
    if isinstance(body, list):  # NDJSON lines, as a streamed answer
        text = "".join(json.dumps(line) + "\n" for line in body)
        return web.Response(status=status, text=text, content_type="application/x-ndjson")
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


def _application(answers: dict[str, Any]) -> web.Application:
    async def answer(request: web.Request) -> web.StreamResponse:
        key = f"{request.method} {request.path}"
        if key not in answers:
            return web.Response(status=404, text="404 page not found")
        return _response(answers[key])

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


async def _start(answers: dict[str, Any]) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(_application(answers))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@asynccontextmanager
async def hostile_ollama(answers: dict[str, Any]) -> AsyncIterator[str]:
    """Serve `answers` ("METHOD /path" → JSON, (status, JSON), NDJSON lines or text);
    yields the base URL."""
    runner, url = await _start(answers)
    try:
        yield url
    finally:
        await runner.cleanup()


class ThreadedHostile:
    """The same server on its own loop in a thread, for synchronous callers (the CLI)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.runner, self.url = self._call(_start(answers))

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def close(self) -> None:
        self._call(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
