"""The emulator's generate and embedding routes: `/api/generate`, `/api/embed` and the legacy
`/api/embeddings`, and the reply plan that chat and the OpenAI routes share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.emulator.formats import shaped_reply
from tui.emulator.names import InvalidName, parse_name
from tui.emulator.replies import (
    CANNED_THINKING,
    context_tokens,
    cut_embedding,
    embed_timings,
    embedding,
    timings,
    tokens,
)
from tui.emulator.store import Installed
from tui.emulator.wire import (
    ApiError,
    go_json,
    go_time,
    json_response,
    parse_keep_alive,
    read_request,
)

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

SIGNIN_URL = "https://ollama.com/connect?name=qgoose-demo&key=ZW11bGF0b3I"
_GENERATE = {"model": str, "prompt": str, "suffix": str, "system": str, "template": str,
             "stream": bool, "raw": bool, "options": dict, "context": (list, "[]int")}
_EMBED = {"model": str, "truncate": bool, "options": dict, "dimensions": (int, "int")}
_EMBEDDINGS = {"model": str, "prompt": str, "options": dict}


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_post("/api/generate", partial(generate, emulator))
    app.router.add_post("/api/embed", partial(_embed, emulator))
    app.router.add_post("/api/embeddings", partial(_embeddings, emulator))


@dataclass
class Reply:
    """What a model "says" to one request: pieces in order, and the final figures."""

    pieces: list[tuple[str, str]]  # ("thinking" | "response", text)
    done_reason: str
    figures: dict[str, int]  # Ollama's timing and count fields

    def text(self, kind: str) -> str:
        return "".join(t for k, t in self.pieces if k == kind)


def plan_reply(emulator: Emulator, entry: Installed, prompt_words: int, thinks: bool,
               options: Any, format_: Any, cold: bool) -> Reply:
    pieces = [("thinking", t) for t in tokens(CANNED_THINKING if thinks else "")]
    pieces += [("response", t) for t in tokens(shaped_reply(emulator.reply, format_))]
    limit = num_predict(options)
    done_reason = "length" if 0 <= limit < len(pieces) else "stop"
    pieces = pieces[:limit] if limit >= 0 else pieces
    return Reply(pieces, done_reason, timings(entry.model, prompt_words, len(pieces), cold))


async def paced(emulator: Emulator, reply: Reply) -> AsyncIterator[tuple[str, str]]:
    """The reply's pieces, one per reply interval, as a model streams them."""
    for piece in reply.pieces:
        await asyncio.sleep(emulator.reply_interval)
        yield piece


def thinks(think: Any, capabilities: tuple[str, ...], text: str) -> bool:
    """Whether to think: thinking models do unless told not to; asking a model that cannot
    is an error. `think` is a bool or an effort ("high", "medium", "low")."""
    if think in (None, False, ""):
        return think is None and "thinking" in capabilities
    if not isinstance(think, bool) and think not in ("high", "medium", "low"):
        raise ApiError(400, f"invalid think value: {go_json(think).decode()} (must be "
                            'true, false, "high", "medium", or "low")')
    if "thinking" not in capabilities:
        raise ApiError(400, f'"{text}" does not support thinking')
    return True


_OPTION_TYPES = {
    **dict.fromkeys(("num_keep", "seed", "num_predict", "top_k", "repeat_last_n", "num_ctx",
                     "num_batch", "num_gpu", "main_gpu", "num_thread"), "integer"),
    **dict.fromkeys(("top_p", "min_p", "typical_p", "temperature", "repeat_penalty",
                     "presence_penalty", "frequency_penalty"), "float"),
    "use_mmap": "boolean",
}


def check_options(options: Any) -> None:
    """Go's Options.FromMap: a known option of the wrong type is a 500 with its text."""
    if not isinstance(options, dict):
        return
    for key, value in options.items():
        kind = _OPTION_TYPES.get(key)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if kind in ("integer", "float") and not number or \
                kind == "boolean" and not isinstance(value, bool):
            raise ApiError(500, f'option "{key}" must be of type {kind}')


def num_predict(options: Any) -> int:
    """The most tokens to generate (options.num_predict); -1 for no limit."""
    value = options.get("num_predict") if isinstance(options, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return -1


def now() -> str:
    return go_time(datetime.now(UTC), None)


async def write_line(response: web.StreamResponse, obj: dict[str, Any]) -> None:
    await response.write(go_json(obj) + b"\n")


async def generate(emulator: Emulator, request: web.Request,
                   data: dict[str, Any] | None = None) -> web.StreamResponse:
    """/api/generate; the OpenAI completions route passes its own request as `data`."""
    if data is None:
        data = await read_request(request, "GenerateRequest", _GENERATE)
    keep_alive = parse_keep_alive(data.get("keep_alive"))
    text = data.get("model") or ""
    name, entry = emulator.runnable(text)
    prompt = data.get("prompt") or ""
    # Unloading comes before any capability check: it works for every kind of model.
    if not prompt and keep_alive == 0:
        emulator.store.unload(name)
        return json_response({"model": text, "created_at": now(), "response": "",
                              "done": True, "done_reason": "unload"})
    if entry.model.is_remote:
        # Forwarded to ollama.com, which wants a signed-in server.
        raise ApiError(401, "unauthorized", signin_url=SIGNIN_URL)
    if data.get("raw") and (data.get("system") or data.get("template") or data.get("context")):
        raise ApiError(400, "raw mode does not support template, system, or context")
    if "completion" not in entry.model.capabilities:
        raise ApiError(400, f'"{text}" does not support generate')
    thinking = thinks(data.get("think"), entry.model.capabilities, text)
    if data.get("suffix") and "insert" not in entry.model.capabilities:
        raise ApiError(400, f"{name.full} does not support insert")
    check_options(data.get("options"))
    cold = emulator.load_for(name, entry, keep_alive, data.get("options"))
    if not prompt:
        return json_response({"model": text, "created_at": now(), "response": "",
                              "done": True, "done_reason": "load"})
    context_in = [t for t in data.get("context") or [] if isinstance(t, int)]
    words = len(str(prompt).split()) + len(context_in)
    reply = plan_reply(emulator, entry, words, thinking, data.get("options"),
                       data.get("format"), cold)
    final: dict[str, Any] = {"model": text, "created_at": "", "response": "", "done": True,
                             "done_reason": reply.done_reason}
    if not data.get("raw"):  # the prompt's and the answer's tokens, to continue from
        final["context"] = context_in + context_tokens(
            reply.figures["prompt_eval_count"] - len(context_in) + len(reply.pieces),
            seed=len(str(prompt)))
    final.update(reply.figures)
    if data.get("stream") is False:
        await asyncio.sleep(emulator.reply_interval * len(reply.pieces))
        whole = {kind: reply.text(kind) for kind in ("thinking", "response")}
        return json_response({**final, "created_at": now(),
                              **{k: v for k, v in whole.items() if v}})
    response = await emulator.start_stream(request)
    async for kind, piece in paced(emulator, reply):
        await write_line(response, {"model": text, "created_at": now(), "response": "",
                                    kind: piece, "done": False})
    await write_line(response, {**final, "created_at": now()})
    await response.write_eof()
    return response


def _inputs(data: dict[str, Any]) -> list[str]:
    """/api/embed's `input`: a string (an empty one is no input) or a list of strings."""
    value = data.get("input")
    if isinstance(value, str):
        return [value] if value else []
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(i, str) for i in value):
        return value
    raise ApiError(400, "invalid input type")


async def embed(emulator: Emulator, data: dict[str, Any]) -> dict[str, Any]:
    """The body of an /api/embed answer (the OpenAI embeddings route shares it)."""
    keep_alive = parse_keep_alive(data.get("keep_alive"))
    text = data.get("model") or ""
    inputs = _inputs(data)  # Ollama checks the input before the model
    name, entry = emulator.runnable(text)
    if entry.model.is_remote:
        raise ApiError(401, "unauthorized", signin_url=SIGNIN_URL)
    cold = emulator.load_for(name, entry, keep_alive, data.get("options"))
    if not inputs:  # the model loads all the same
        return {"model": text, "embeddings": []}
    counts = embed_timings(entry.model, inputs, cold)
    if data.get("truncate") is False and any(
            len(i.split()) + 2 > entry.model.context_length for i in inputs):
        raise ApiError(400, "the input length exceeds the context length")
    await asyncio.sleep(emulator.reply_interval * len(inputs))
    dimensions = data.get("dimensions") or 0
    vectors = [cut_embedding(embedding(entry.model, i), dimensions) for i in inputs]
    return {"model": text, "embeddings": vectors, **counts}


async def _embed(emulator: Emulator, request: web.Request) -> web.Response:
    data = await read_request(request, "EmbedRequest", _EMBED)
    return json_response(await embed(emulator, data))


async def _embeddings(emulator: Emulator, request: web.Request) -> web.Response:
    """The legacy route: one prompt, one `embedding`; an empty prompt loads the model."""
    data = await read_request(request, "EmbeddingRequest", _EMBEDDINGS)
    keep_alive = parse_keep_alive(data.get("keep_alive"))
    text = data.get("model") or ""
    try:
        name = parse_name(text)
    except InvalidName:
        raise ApiError(400, "model is required") from None
    entry = emulator.store.find_installed(name)
    if entry is None:
        raise ApiError(404, f'model "{text}" not found, try pulling it first')
    emulator.load_for(name, entry, keep_alive, data.get("options"))
    prompt = data.get("prompt") or ""
    if not prompt:
        return json_response({"embedding": []})
    await asyncio.sleep(emulator.reply_interval)
    return json_response({"embedding": embedding(entry.model, prompt)})
