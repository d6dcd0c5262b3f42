"""The emulator's OpenAI-compatible routes (Ollama's middleware/openai.go over its own
handlers): `/v1/models`, `/v1/models/{model}`, `/v1/chat/completions`, `/v1/completions`
and `/v1/embeddings`, streamed as server-sent events ending with `data: [DONE]`.

Ollama writes these answers with json.Encoder (a trailing newline) and errors as
{"error": {"message", "type", "param", "code"}} with the status of the Ollama error.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import struct
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.emulator import chat, inference
from tui.emulator.names import parse_name
from tui.emulator.wire import ApiError, go_json, read_request

if TYPE_CHECKING:
    from tui.emulator.server import Emulator

JSON = "application/json"
_CHAT = {"model": str, "messages": (list, "[]openai.Message"), "stream": bool}
_COMPLETION = {"model": str, "prompt": str, "stream": bool, "suffix": str}
_EMBEDDING = {"model": str, "encoding_format": str, "dimensions": (int, "int")}
Route = Callable[["Emulator", web.Request], Awaitable[web.StreamResponse]]


def add_routes(app: web.Application, emulator: Emulator) -> None:
    for method, path, route in (("GET", "/v1/models", _models),
                                ("GET", "/v1/models/{model:.+}", _model),
                                ("POST", "/v1/chat/completions", _chat_completions),
                                ("POST", "/v1/completions", _completions),
                                ("POST", "/v1/embeddings", _embeddings)):
        app.router.add_route(method, path, partial(_openai_errors, route, emulator))


async def _openai_errors(route: Route, emulator: Emulator,
                         request: web.Request) -> web.StreamResponse:
    try:
        return await route(emulator, request)
    except ApiError as exc:
        kind = {400: "invalid_request_error", 404: "not_found_error"}.get(exc.status,
                                                                          "api_error")
        return _json({"error": {"message": exc.text, "type": kind, "param": None,
                                "code": None}}, exc.status)


def _json(value: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=go_json(value) + b"\n",
                        headers={"Content-Type": JSON})


def _owner(model: str) -> str:
    try:
        return parse_name(model).namespace
    except ValueError:
        return ""


async def _models(emulator: Emulator, request: web.Request) -> web.Response:
    data = [{"id": entry.name, "object": "model", "created": int(entry.modified_at.timestamp()),
             "owned_by": _owner(entry.name)} for entry in emulator.store.installed_sorted()]
    return _json({"object": "list", "data": data or None})  # Go's nil slice when empty


async def _model(emulator: Emulator, request: web.Request) -> web.Response:
    text = request.match_info["model"]
    _, entry = emulator.installed(text, f"model '{text}' not found")
    return _json({"id": text, "object": "model",
                  "created": int(entry.modified_at.timestamp()), "owned_by": _owner(text)})


def _options(data: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {"temperature": data.get("temperature", 1.0),
                               "top_p": data.get("top_p", 1.0)}
    if isinstance(data.get("max_tokens"), int):
        options["num_predict"] = data["max_tokens"]
    return options


def _format(data: dict[str, Any]) -> Any:
    response_format = data.get("response_format")
    if not isinstance(response_format, dict):
        return None
    kind = str(response_format.get("type", "")).strip().lower()
    if kind == "json_object":
        return "json"
    schema = response_format.get("json_schema")
    return schema.get("schema") if kind == "json_schema" and isinstance(schema, dict) else None


def _think(data: dict[str, Any]) -> Any:
    reasoning = data.get("reasoning")
    effort = reasoning.get("effort") if isinstance(reasoning, dict) else \
        data.get("reasoning_effort")
    if not effort:
        return None
    if effort not in ("high", "medium", "low", "none"):
        raise ApiError(400, f"invalid reasoning value: '{effort}' (must be \"high\", "
                            '"medium", "low", or "none")')
    return False if effort == "none" else effort


def _usage(figures: dict[str, int]) -> dict[str, int]:
    prompt, completion = figures["prompt_eval_count"], figures["eval_count"]
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


async def _chat_completions(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = await read_request(request, "ChatCompletionRequest", _CHAT)
    messages = data.get("messages") or []
    if not messages:
        raise ApiError(400, "[] is too short - 'messages'")
    converted = []
    for message in messages:
        if not isinstance(message, dict):
            raise ApiError(400, "invalid message format")
        content = message.get("content")
        if isinstance(content, list):  # parts: the text ones count
            content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        if not isinstance(content, str) and not message.get("tool_calls"):
            raise ApiError(400, f"invalid message content type: {_go_type(content)}")
        converted.append({"role": message.get("role", ""), "content": content or ""})
    prepared = chat.prepare(emulator, {
        "model": data.get("model") or "", "messages": converted, "options": _options(data),
        "format": _format(data), "think": _think(data), "tools": data.get("tools")})
    if isinstance(prepared, web.Response):
        raise ApiError(400, "[] is too short - 'messages'")  # not reached: messages given
    reply, _ = prepared
    ident, created, model = f"chatcmpl-{random.randrange(999)}", int(time.time()), \
        data.get("model")
    head = {"id": ident, "object": "chat.completion.chunk", "created": created,
            "model": model, "system_fingerprint": "fp_ollama"}
    if not data.get("stream"):
        await asyncio.sleep(emulator.reply_interval * len(reply.pieces))
        answer: dict[str, Any] = {"role": "assistant", "content": reply.text("response")}
        if reply.text("thinking"):
            answer["reasoning"] = reply.text("thinking")
        return _json({**head, "object": "chat.completion", "choices": [
            {"index": 0, "message": answer, "finish_reason": reply.done_reason}],
            "usage": _usage(reply.figures)})
    response = await emulator.start_stream(request, "text/event-stream")
    async for kind, piece in inference.paced(emulator, reply):
        delta = {"role": "assistant", "content": piece if kind == "response" else ""}
        if kind == "thinking":
            delta["reasoning"] = piece
        await _event(response, {**head, "choices": [
            {"index": 0, "delta": delta, "finish_reason": None}]})
    last = {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                 "finish_reason": reply.done_reason}]}
    await _event(response, last)
    await _finish(response, data, {**last, "choices": [], "usage": _usage(reply.figures)})
    return response


async def _completions(emulator: Emulator, request: web.Request) -> web.StreamResponse:
    data = await read_request(request, "CompletionRequest", _COMPLETION)
    body = {"model": data.get("model") or "", "prompt": data.get("prompt") or "",
            "suffix": data.get("suffix") or "", "options": _options(data), "stream": False}
    answer = await inference.generate(emulator, request, body)
    if not isinstance(answer, web.Response) or answer.status != 200 or answer.body is None:
        raise ApiError(500, "unexpected response")
    result = json.loads(bytes(answer.body))  # type: ignore[arg-type]
    head = {"id": f"cmpl-{random.randrange(999)}", "object": "text_completion",
            "created": int(time.time())}
    choice = {"text": result.get("response", ""), "index": 0,
              "finish_reason": result.get("done_reason") or None}
    usage = {"prompt_tokens": result.get("prompt_eval_count", 0),
             "completion_tokens": result.get("eval_count", 0)}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    if not data.get("stream"):
        return _json({**head, "model": data.get("model"), "system_fingerprint": "fp_ollama",
                      "choices": [choice], "usage": usage})
    response = await emulator.start_stream(request, "text/event-stream")
    tail = {"model": data.get("model"), "system_fingerprint": "fp_ollama"}
    for word in inference.tokens(choice["text"]):
        await _event(response, {**head, "choices": [
            {"text": word, "index": 0, "finish_reason": None}], **tail})
    last = {**head, "choices": [{"text": "", "index": 0,
                                 "finish_reason": choice["finish_reason"]}], **tail}
    await _event(response, last)
    await _finish(response, data, {**last, "choices": [], "usage": usage})
    return response


async def _event(response: web.StreamResponse, value: Any) -> None:
    await response.write(b"data: " + go_json(value) + b"\n\n")


async def _finish(response: web.StreamResponse, data: dict[str, Any],
                  usage_chunk: dict[str, Any]) -> None:
    options = data.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage"):
        await _event(response, usage_chunk)
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()


async def _embeddings(emulator: Emulator, request: web.Request) -> web.Response:
    data = await read_request(request, "EmbedRequest", _EMBEDDING)
    encoding = data.get("encoding_format") or ""
    if encoding and encoding.lower() not in ("float", "base64"):
        raise ApiError(400, f"Invalid value for 'encoding_format' = {encoding}. Supported "
                            "values: ['float', 'base64'].")
    given = data.get("input")
    if given == "":
        given = [""]
    if given is None or given == []:
        raise ApiError(400, "invalid input")
    answer = await inference.embed(emulator, {"model": data.get("model") or "",
                                              "input": given,
                                              "dimensions": data.get("dimensions")})
    vectors = answer.get("embeddings", [])
    items = [{"object": "embedding",
              "embedding": _base64(v) if encoding.lower() == "base64" else v, "index": i}
             for i, v in enumerate(vectors)]
    count = answer.get("prompt_eval_count", 0)
    return _json({"object": "list", "data": items or None, "model": data.get("model"),
                  "usage": {"prompt_tokens": count, "total_tokens": count}})


def _base64(vector: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def _go_type(value: Any) -> str:
    return "<nil>" if value is None else {dict: "map[string]interface {}", bool: "bool",
                                           int: "float64", float: "float64"}.get(type(value),
                                                                                  "string")
