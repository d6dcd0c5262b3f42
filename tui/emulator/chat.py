"""The emulator's `/api/chat` (routes.go ChatHandler): messages in, an assistant message out,
streamed as NDJSON or whole, with `thinking`, `done_reason` and Ollama's timing fields."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.emulator.inference import (
    SIGNIN_URL,
    Reply,
    check_options,
    now,
    paced,
    plan_reply,
    thinks,
    write_line,
)
from tui.emulator.wire import ApiError, json_response, parse_keep_alive, read_request

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

_CHAT = {"model": str, "messages": (list, "[]api.Message"), "stream": bool,
         "options": dict, "tools": (list, "api.Tools")}


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_post("/api/chat", partial(_chat, emulator))


async def _chat(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = await read_request(request, "ChatRequest", _CHAT)
    prepared = prepare(emulator, data)
    if isinstance(prepared, web.Response):
        return prepared
    reply, base = prepared
    if data.get("stream") is False:
        await asyncio.sleep(emulator.reply_interval * len(reply.pieces))
        return json_response(final_answer(reply, base, whole=True))
    response = await emulator.start_stream(request)
    async for kind, piece in paced(emulator, reply):
        message = {"role": "assistant", "content": ""}
        message["content" if kind == "response" else "thinking"] = piece
        await write_line(response, {**base, "created_at": now(), "message": message,
                                    "done": False})
    await write_line(response, final_answer(reply, base, whole=False))
    await response.write_eof()
    return response


def prepare(emulator: Emulator, data: dict[str, Any]) -> web.Response | tuple[Reply,
                                                                               dict[str, Any]]:
    """Check a chat request as Ollama does; an answer (unload, load) or the reply to send.
    Shared with /v1/chat/completions."""
    keep_alive = parse_keep_alive(data.get("keep_alive"))
    text = data.get("model") or ""
    name, entry = emulator.runnable(text, 400, "model is required")
    messages = data.get("messages") or []
    if any(not isinstance(m, dict) for m in messages):
        raise ApiError(400, "json: cannot unmarshal string into Go struct field "
                            "ChatRequest.messages of type api.Message")
    base = {"model": text}
    if not messages and keep_alive == 0:
        emulator.store.unload(name)
        return json_response({**base, "created_at": now(), "message": _empty(),
                              "done": True, "done_reason": "unload"})
    if entry.model.is_remote:
        raise ApiError(401, "unauthorized", signin_url=SIGNIN_URL)
    capabilities = entry.model.capabilities
    thinking = thinks(data.get("think"), capabilities, text)
    if "completion" not in capabilities:
        raise ApiError(400, f'"{text}" does not support chat')
    if data.get("tools") and "tools" not in capabilities:
        raise ApiError(400, f"{name.full} does not support tools")
    check_options(data.get("options"))
    cold = emulator.load_for(name, entry, keep_alive, data.get("options"))
    if not messages:
        return json_response({**base, "created_at": now(), "message": _empty(),
                              "done": True, "done_reason": "load"})
    words = sum(len(str(m.get("content") or "").split()) for m in messages)
    words += len(entry.model.system.split())
    reply = plan_reply(emulator, entry, words, thinking, data.get("options"),
                       data.get("format"), cold)
    return reply, base


def final_answer(reply: Reply, base: dict[str, Any], whole: bool) -> dict[str, Any]:
    """The last object: the whole message when not streamed, then the figures."""
    message = _empty()
    if whole:
        message["content"] = reply.text("response")
        if reply.text("thinking"):
            message["thinking"] = reply.text("thinking")
    return {**base, "created_at": now(), "message": message, "done": True,
            "done_reason": reply.done_reason, **reply.figures}


def _empty() -> dict[str, Any]:
    return {"role": "assistant", "content": ""}
