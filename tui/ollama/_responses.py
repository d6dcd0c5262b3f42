"""What Ollama's answers mean when they are not what was asked for: a transport failure,
an error status or body, an error line in a stream, a refused load, pull or push; each as
the OllamaError that says it in the user's terms (the client raises them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from tui.ollama.errors import (
    AuthError,
    ConnectionLostError,
    InvalidNameError,
    LoadRefusedError,
    ModelNotFoundError,
    OllamaError,
    OllamaTimeoutError,
    ProtocolError,
    PullFailedError,
    PushRefusedError,
    ServerError,
    UnreachableError,
)
from tui.ollama.json_limits import TooDeepError, loads_bounded
from tui.ollama.json_stream import ArrayMemberDecoder, NotStreamable
from tui.ollama.models import require_object
from tui.ollama.ndjson import decode_all, decode_line


def answer_object(response: httpx.Response, what: str, url: str, *, model: str = "",
                  empty_ok: bool = False,
                  object_hook: Callable[[dict[str, Any]], Any] | None = None,
                  ) -> Mapping[str, Any]:
    """The answer's JSON object, or the OllamaError its status or body means."""
    if response.status_code >= 300 or is_html(response):
        raise error_for(response, what, model, url)
    if empty_ok and not response.content.strip():
        return {}
    try:  # one JSON document, compact or pretty-printed (as some proxies re-format it)
        return require_object(loads_bounded(response.content, object_hook), what)
    except TooDeepError as exc:
        raise ProtocolError(f"Ollama's answer to {what} was {exc}: not one of its "
                            "answers") from None
    except ValueError:
        pass  # not one document: NDJSON lines (a streamed answer), read below
    objects = decode_all(response.content)
    if not objects:
        raise ProtocolError(f"Ollama sent an empty answer to {what}")
    # A streamed answer (generate without "stream": false) ends with the final object.
    return require_object(objects[-1], what)


async def read_capped(response: httpx.Response, what: str, max_body: int, url: str,
                      sink: ArrayMemberDecoder | None = None) -> httpx.Response:
    """The response with its body read, refusing bodies over the size limit. A successful
    JSON object goes to `sink` as it arrives instead (the response keeps no body)."""
    if response.status_code >= 300 or is_html(response):
        sink = None  # the error's text is read from the body
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_body:
                raise ProtocolError(
                    f"Ollama at {url} sent more than "
                    f"{max_body >> 20} MB in answer to {what}: not one of its answers"
                )
            if sink is not None:
                try:
                    sink.feed(chunk)
                except NotStreamable:
                    sink = None  # not an object: read whole, like any other answer
                else:
                    if sink.started:
                        chunks.clear()
                        continue
            chunks.append(chunk)
    finally:
        await response.aclose()
    # The chunks are already decompressed: drop the headers that would decode them again.
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k not in ("content-encoding", "content-length")]
    return httpx.Response(response.status_code, headers=headers,
                          content=b"".join(chunks), request=response.request)


def transport_error(exc: httpx.HTTPError, what: str, url: str) -> OllamaError:
    """What a failure to talk to the server means, said about the host."""
    if isinstance(exc, httpx.ConnectTimeout):
        return UnreachableError(f"cannot reach Ollama at {url}: timed out connecting")
    if isinstance(exc, httpx.ConnectError):
        return UnreachableError(f"cannot reach Ollama at {url}: {_connect_reason(exc)}")
    if isinstance(exc, httpx.TimeoutException):
        return OllamaTimeoutError(f"Ollama at {url} took too long to answer {what}")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return ConnectionLostError(f"the connection to Ollama at {url} was lost during {what}")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return UnreachableError(f"cannot reach Ollama at {url}: unsupported URL")
    return OllamaError(f"talking to Ollama at {url} failed during {what}: {type(exc).__name__}")

def error_for(response: httpx.Response, what: str, model: str, url: str) -> OllamaError:
    """The OllamaError an answer's status or body means (`url`: the host, as shown)."""
    status = response.status_code
    if 300 <= status < 400:  # a redirect: never followed, it could lead to another host
        return ProtocolError(
            f"{url} redirected {what} elsewhere (HTTP {status}); "
            "redirects are not followed: give the final address as the host"
        )
    if is_html(response):
        return ProtocolError(
            f"{url} answered {what} with an HTML page (HTTP {status}), "
            "not Ollama's JSON: is a proxy or another server in the way?"
        )
    text = _error_text(response)
    if status == 404 and not _is_json(response):
        # Ollama answers unknown paths with plain "404 page not found".
        return ProtocolError(
            f"{url} has no {response.request.url.path} endpoint (HTTP 404): "
            "is it an Ollama server, and a recent one?"
        )
    if status in (401, 403) and b"signin_url" not in response.content:
        # Not Ollama's cloud sign-in: a proxy (or server) that wants a token.
        return AuthError(status, f"{url} refused {what}: HTTP {status} "
                         f"{text or 'unauthorized'}; it wants a token (set token_env "
                         "for this host in the config)")
    if status == 404 and "not found" in text:
        # Said as every command says it, Ollama's own words kept after it.
        said = f"{model} is not installed (Ollama: {text})" if model else text
        return ModelNotFoundError(said, model)
    if status == 400 and ("invalid model name" in text or text.endswith("is invalid")):
        return InvalidNameError(f"Ollama refused the name: {text}")
    return ServerError(status, text or response.reason_phrase)


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def is_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    if "html" in content_type:
        return True
    try:
        head = response.content[:64].lstrip().lower()
    except httpx.ResponseNotRead:
        return False
    return head.startswith((b"<!doctype html", b"<html"))


def _error_text(response: httpx.Response) -> str:
    """Ollama's own `error` text, or the body's first line when it is not JSON."""
    try:
        data = loads_bounded(response.content)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"]
    first_line = response.text.strip().splitlines()[0] if response.text.strip() else ""
    return first_line[:200]


def _connect_reason(exc: httpx.ConnectError) -> str:
    text = str(exc).lower()
    if "refused" in text or "all connection attempts failed" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
        return "host name not found"
    if "unreachable" in text:
        return "network unreachable"
    return str(exc) or "connection failed"


def stream_objects(lines: list[bytes], what: str) -> list[Mapping[str, Any]]:
    """Each line as a JSON object; an `error` line (Ollama's mid-stream failure) raises."""
    objects = []
    for line in lines:
        data = require_object(decode_line(line), what)
        if isinstance(data.get("error"), str):
            raise ServerError(500, data["error"])
        objects.append(data)
    return objects


def load_error(exc: OllamaError, model: str) -> OllamaError:
    """Ollama's load refusals, said in terms of the model."""
    if not isinstance(exc, ServerError) or isinstance(exc, AuthError):
        return exc
    if exc.status == 401:
        return LoadRefusedError(401, f"{model} is a cloud model: it runs on ollama.com and cannot "
                                "be loaded into this server's memory")
    if "does not support generate" in exc.error:
        return LoadRefusedError(400, f"{model} cannot be loaded to generate text (Ollama: "
                                f"{exc.error}); embedding models load when first used")
    return exc


def pull_error(error: str, model: str) -> OllamaError:
    if "file does not exist" in error or "not found" in error:
        return ModelNotFoundError(
            f"{model} is not in the registry (Ollama: {error}); check the name and tag", model
        )
    return PullFailedError(model, error)


def push_error(error: str, model: str) -> OllamaError:
    """A push's failure, with what to do about it."""
    lowered = error.lower()
    if "unknown ollama key" in lowered:
        return PushRefusedError(model, error, "this Ollama server is not signed in to "
                                "ollama.com: run `ollama signin` on it (or add its key at "
                                "https://ollama.com/settings/keys)")
    if "unauthorized" in lowered or "access denied" in lowered:
        return PushRefusedError(model, error, "you may not push to this namespace: copy the "
                                "model under your own user name (YOU/model) and push that")
    if "no such file" in lowered or "not found" in lowered:
        return ModelNotFoundError(f"{model} is not installed (Ollama: {error})", model)
    return PushRefusedError(model, error, "")
