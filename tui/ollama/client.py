"""OllamaClient: one httpx.AsyncClient, Ollama's endpoints, plain data back, clear errors
(what a failed or odd answer means is in _responses.py)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

import httpx

from tui.ollama import recommendations
from tui.ollama._responses import (
    answer_object,
    error_for,
    is_html,
    load_error,
    pull_error,
    push_error,
    read_capped,
    stream_objects,
    transport_error,
)
from tui.ollama.errors import (
    ConnectionLostError,
    OllamaError,
    OllamaTimeoutError,
    ProtocolError,
    ServerError,
    UnusableSettingError,
)
from tui.ollama.generation import EmbedResult, GenerateResult
from tui.ollama.host import DEFAULT_BASE_URL, redact
from tui.ollama.json_stream import ArrayMemberDecoder
from tui.ollama.models import (
    Listing,
    ModelInfo,
    ModelSummary,
    PullEvent,
    RunningModel,
    require_object,
)
from tui.ollama.names import normalize
from tui.ollama.ndjson import NdjsonDecoder, decode_line, latest_of_each_run
from tui.ollama.recommendations import Recommendation

# Connecting should be quick; a pull may sit silent for minutes while Ollama verifies
# a multi-gigabyte blob, and loading a model into memory can take as long.
CONNECT_TIMEOUT = 3.0
REQUEST_TIMEOUT = 15.0
LONG_READ_TIMEOUT = 600.0
# The largest real answers are a few MB (/api/tags of thousands of models, /api/show with
# every tensor); a bigger body is a misbehaving server and must not exhaust memory.
MAX_BODY_BYTES = 64 << 20


class OllamaClient:
    """Async client for Ollama's HTTP API. Use as `async with OllamaClient(url) as c:`."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = REQUEST_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        long_timeout: float = LONG_READ_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        max_body: int = MAX_BODY_BYTES,
        headers: Mapping[str, str] | None = None,
        verify: bool | str = True,
        unusable: str = "",
    ) -> None:
        """`headers`: sent with every request (a proxy's bearer token); `verify`: False to
        skip TLS certificate checks, or a CA file. `unusable`: why no request can be sent
        as configured (a token HTTP cannot carry): each request fails with it."""
        headers = dict(headers or {})
        # httpx would fail on a header that is not ASCII (a token with an "é" in it) with a
        # UnicodeEncodeError; each request says so in one line instead, and sends nothing.
        unsendable = [name for name, value in headers.items() if not value.isascii()]
        self._unusable = unusable or (f"the {unsendable[0]} header is not ASCII: HTTP "
                                      "headers cannot carry it" if unsendable else "")
        for name in unsendable:
            del headers[name]
        self.base_url = base_url.rstrip("/")
        self._timeout, self._connect_timeout = timeout, connect_timeout
        self._max_body = max_body
        self._long = httpx.Timeout(long_timeout, connect=connect_timeout)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            transport=transport,
            headers={"User-Agent": "qgoose-tui", **headers},
            # A plain-http Ollama never uses TLS: skip loading the CA bundle (~35 ms of
            # start-up). An https URL keeps full certificate checks unless told otherwise.
            verify=False if self.base_url.startswith("http://") else _tls(verify),
            # A redirect could send the request (and any credentials) to another host.
            follow_redirects=False,
            event_hooks={"request": [self._refuse]} if self._unusable else None,
        )

    async def _refuse(self, request: httpx.Request) -> None:
        raise UnusableSettingError(self._unusable)

    @property
    def display_url(self) -> str:
        """The base URL with any password hidden: the only form we ever print."""
        return redact(self.base_url)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> OllamaClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- endpoints -----------------------------------------------------------------------
    async def is_running(self) -> bool:
        """Ollama's cheapest liveness check: GET / answers "Ollama is running"."""
        response = await self._send("GET", "/", what="the liveness check")
        return response.status_code == 200 and "ollama is running" in response.text.lower()

    async def version(self) -> str:
        data = await self._call("GET", "/api/version", what="the version request")
        version = data.get("version")
        if not isinstance(version, str):
            raise ProtocolError(f"Ollama at {self.display_url} sent no version string")
        return version

    async def list_models(self) -> Listing[ModelSummary]:
        what = "the model list"
        # Each entry becomes a ModelSummary as soon as it has arrived: a list of thousands
        # never exists as a whole body, nor as JSON objects beside the summaries.
        decoder = ArrayMemberDecoder("models", _summary_of_entry)
        response = await self._send("GET", "/api/tags", what=what, sink=decoder)
        data = decoder.finish() if decoder.started else \
            answer_object(response, what, self.display_url, object_hook=_summary_of_entry)
        entries = data.get("models") or []
        if not isinstance(entries, list):
            raise ProtocolError("Ollama's answer to the model list was not a list")
        return _named([e if isinstance(e, ModelSummary) else ModelSummary.from_json(e)
                       for e in entries if isinstance(e, ModelSummary | dict)], len(entries))

    async def show(self, name: str, *, verbose: bool = False) -> ModelInfo:
        model = normalize(name)
        body = {"model": model, "verbose": verbose}
        data = await self._call("POST", "/api/show", json=body, what=f"show {model}", model=model)
        return ModelInfo.from_json(model, data)

    async def ps(self) -> Listing[RunningModel]:
        what = "the running-model list"
        data = await self._call("GET", "/api/ps", what=what)
        entries = data.get("models") or []
        if not isinstance(entries, list):
            raise ProtocolError(f"Ollama's answer to {what} was not a list")
        return _named([RunningModel.from_json(e) for e in entries if isinstance(e, dict)],
                      len(entries))

    async def model_recommendations(self) -> list[Recommendation] | None:
        """The server's recommended models; None when it has no such endpoint (older
        servers answer 404), so a caller says nothing of them."""
        what = "the model recommendations"
        response = await self._send("GET", recommendations.PATH, what=what)
        if response.status_code in (404, 405, 501):
            return None
        answer = answer_object(response, what, self.display_url)
        return recommendations.parse_recommendations(answer)

    async def delete(self, name: str) -> None:
        model = normalize(name)
        await self._call("DELETE", "/api/delete", json={"model": model}, what=f"delete {model}",
                         model=model, empty_ok=True)

    async def copy(self, source: str, destination: str) -> None:
        src, dst = normalize(source), normalize(destination)
        body = {"source": src, "destination": dst}
        await self._call("POST", "/api/copy", json=body, what=f"copy {src}", model=src,
                         empty_ok=True)

    async def load(self, name: str, keep_alive: str | int | None = None) -> None:
        """Load a model into memory (a generate request with no prompt)."""
        model = normalize(name)
        body: dict[str, Any] = {"model": model, "stream": False}
        if keep_alive is not None:
            body["keep_alive"] = keep_alive
        try:
            await self._call("POST", "/api/generate", json=body, what=f"load {model}",
                             model=model, timeout=self._long)
        except ServerError as exc:
            raise load_error(exc, model) from exc

    async def generate(self, name: str, prompt: str, *, think: bool | None = None,
                       options: Mapping[str, Any] | None = None) -> GenerateResult:
        """One prompt, answered whole (`stream: false`), with Ollama's timings."""
        model = normalize(name)
        body = _generate_body(model, prompt, think, options, stream=False)
        try:
            data = await self._call("POST", "/api/generate", json=body, what=f"generate {model}",
                                    model=model, timeout=self._long)
        except ServerError as exc:
            raise load_error(exc, model) from exc
        return GenerateResult.from_json(data)

    async def generate_stream(self, name: str, prompt: str, *, think: bool | None = None,
                              options: Mapping[str, Any] | None = None,
                              ) -> AsyncIterator[GenerateResult]:
        """One prompt, its answer as it is written: each piece, then the final object
        (`done`, with the timings). Raises ConnectionLostError when the stream stops early."""
        model = normalize(name)
        what = f"the answer of {model}"
        body = _generate_body(model, prompt, think, options, stream=True)
        finished = False
        stream = self._ndjson("POST", "/api/generate", body, what, model,
                              refusal=lambda exc: load_error(exc, model))
        async with contextlib.aclosing(stream) as batches:
            async for lines in batches:
                for data in stream_objects(lines, what):
                    piece = GenerateResult.from_json(data)
                    finished = finished or piece.done
                    yield piece
        if not finished:
            raise ConnectionLostError(f"{what} stopped before Ollama finished it: "
                                      "the connection was cut")

    async def embed(self, name: str, inputs: list[str]) -> EmbedResult:
        """Embed `inputs` with one request; the figures, not the vectors, come back."""
        model = normalize(name)
        data = await self._call("POST", "/api/embed", json={"model": model, "input": inputs},
                                what=f"embed with {model}", model=model, timeout=self._long)
        return EmbedResult.from_json(data)

    async def has_blob(self, digest: str) -> bool:
        """Whether the server already has the blob `sha256:<hex>` (HEAD /api/blobs)."""
        response = await self._send("HEAD", f"/api/blobs/{digest}", what=f"the blob {digest}")
        if response.status_code in (200, 404):
            return response.status_code == 200
        raise error_for(response, f"the blob {digest}", "", self.display_url)

    async def push_blob(self, digest: str, chunks: AsyncIterator[bytes],
                        size: int) -> None:
        """Upload a blob; the server checks the bytes against the digest."""
        what = f"the upload of {digest}"
        try:
            response = await self._http.post(
                f"/api/blobs/{digest}", content=chunks, timeout=self._long,
                headers={"Content-Length": str(size)})
        except httpx.HTTPError as exc:
            raise transport_error(exc, what, self.display_url) from exc
        if response.status_code >= 300:
            raise error_for(response, what, "", self.display_url)

    async def create(self, name: str, body: Mapping[str, Any]) -> AsyncIterator[str]:
        """Create `name` from uploaded files (`files`, `template`, `system`, `parameters`,
        `license`), yielding Ollama's status lines; ends after "success"."""
        async for event in self.create_events(name, body):
            if event.status:
                yield event.status

    async def create_events(self, name: str, body: Mapping[str, Any]) -> AsyncIterator[PullEvent]:
        """Create `name` (`from` a model, or `files`), yielding each of Ollama's progress
        lines (a quantize counts its bytes, as a pull does); ends after "success"."""
        model = normalize(name)
        what = f"the creation of {model}"
        done = False
        stream = self._ndjson("POST", "/api/create", {**body, "model": model, "stream": True},
                              what, model)
        async with contextlib.aclosing(stream) as batches:
            async for lines in batches:
                for data in stream_objects(lines, what):
                    event = PullEvent.from_json(data)
                    done = done or event.status == "success"
                    yield event
        if not done:
            raise ConnectionLostError(f"{what} stopped before Ollama reported success")

    async def push(self, name: str) -> AsyncIterator[PullEvent]:
        """Push a model to its registry, yielding each progress event (like a pull); ends
        after "success". The registry's refusals become PushRefusedError."""
        model = normalize(name)
        what = f"the push of {model}"
        succeeded = False
        stream = self._ndjson("POST", "/api/push", {"model": model, "stream": True}, what, model)
        async with contextlib.aclosing(stream) as batches:
            async for lines in batches:
                for line in lines:
                    event = PullEvent.from_json(require_object(decode_line(line), what))
                    if event.error:
                        raise push_error(event.error, model)
                    succeeded = succeeded or event.status == "success"
                    yield event
        if not succeeded:
            raise ConnectionLostError(f"{what} stopped before Ollama reported success: "
                                      "the connection was cut")

    async def unload(self, name: str) -> None:
        await self.load(name, keep_alive=0)

    async def pull(self, name: str, *, stream: bool = True,
                   coalesce: bool = False) -> AsyncIterator[PullEvent]:
        """Pull a model, yielding each progress event; ends after "success".

        With `coalesce`, each burst of progress lines for one layer that arrives together
        yields only its newest line: what a progress display needs, for a fraction of the
        CPU. Raises InvalidNameError before any request, ModelNotFoundError when the
        registry has no such model, ConnectionLostError when the stream stops early.
        """
        model = normalize(name)
        what = f"the pull of {model}"
        body = {"model": model, "stream": stream}
        succeeded = False
        async with contextlib.aclosing(self._ndjson("POST", "/api/pull", body, what,
                                                    model)) as batches:
            async for lines in batches:
                if coalesce:
                    lines = latest_of_each_run(lines)
                for event in self._pull_events(lines, model):
                    succeeded = succeeded or event.status == "success"
                    yield event
        if not succeeded:
            raise ConnectionLostError(
                f"{what} stopped before Ollama reported success: the connection was cut"
            )

    def _pull_events(self, lines: list[bytes], model: str) -> list[PullEvent]:
        events = []
        for line in lines:
            event = PullEvent.from_json(require_object(decode_line(line), "a pull"))
            if event.error:
                raise pull_error(event.error, model)
            events.append(event)
        return events

    # -- plumbing ------------------------------------------------------------------------
    async def _ndjson(self, method: str, path: str, body: Mapping[str, Any], what: str,
                      model: str, refusal: Callable[[OllamaError], OllamaError] = lambda e: e,
                      ) -> AsyncGenerator[list[bytes]]:
        """A streamed answer's complete lines, a batch per network chunk. An error status
        becomes an OllamaError (`refusal` may say it in the caller's terms); a broken
        connection too."""
        try:
            async with self._http.stream(method, path, json=body,
                                         timeout=self._long) as response:
                if response.status_code >= 300 or is_html(response):
                    response = await read_capped(response, what, self._max_body, self.display_url)
                    raise refusal(error_for(response, what, model, self.display_url))
                async for lines in _line_batches(response.aiter_bytes(), NdjsonDecoder()):
                    yield lines
        except httpx.HTTPError as exc:
            raise transport_error(exc, what, self.display_url) from exc

    async def _call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        json: Mapping[str, Any] | None = None,
        model: str = "",
        empty_ok: bool = False,
        timeout: httpx.Timeout | None = None,
        object_hook: Callable[[dict[str, Any]], Any] | None = None,
    ) -> Mapping[str, Any]:
        """Send a request, turn failures into OllamaErrors, return the JSON object."""
        response = await self._send(method, path, what=what, json=json, timeout=timeout)
        return answer_object(response, what, self.display_url, model=model,
                             empty_ok=empty_ok, object_hook=object_hook)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        what: str,
        json: Mapping[str, Any] | None = None,
        timeout: httpx.Timeout | None = None,
        sink: ArrayMemberDecoder | None = None,
    ) -> httpx.Response:
        # httpx's timeouts are per read: a body trickled a byte at a time would never time
        # out. A request also gets a total deadline (long ones, like loading a model, keep
        # their long per-read allowance instead).
        deadline = self._timeout + self._connect_timeout if timeout is None else None
        request = self._http.build_request(method, path, json=json,
                                           timeout=timeout or self._http.timeout)
        try:
            async with asyncio.timeout(deadline):
                response = await self._http.send(request, stream=True)
                return await read_capped(response, what, self._max_body, self.display_url, sink)
        except TimeoutError as exc:
            raise OllamaTimeoutError(f"Ollama at {self.display_url} took more than "
                                     f"{deadline:.0f} s to answer {what}") from exc
        except httpx.HTTPError as exc:
            raise transport_error(exc, what, self.display_url) from exc


async def _line_batches(chunks: AsyncIterator[bytes],
                        decoder: NdjsonDecoder) -> AsyncIterator[list[bytes]]:
    """The complete lines of each chunk as it arrives, then whatever the stream ends with."""
    async for chunk in chunks:
        lines = decoder.lines(chunk)
        if lines:
            yield lines
    rest = decoder.rest()
    if rest:
        yield rest


_Named = TypeVar("_Named", ModelSummary, RunningModel)


def _named(models: list[_Named], sent: int) -> Listing[_Named]:
    """The models that have a name; how many of the `sent` entries were dropped."""
    listing = Listing(m for m in models if m.name)
    listing.skipped = sent - len(listing)
    return listing


def _summary_of_entry(obj: dict[str, Any]) -> Any:
    """json object_hook: a /api/tags entry (it has a digest or a date) as a ModelSummary."""
    if "digest" in obj or "modified_at" in obj:
        return ModelSummary.from_json(obj)
    return obj


def _tls(verify: bool | str) -> bool | ssl.SSLContext:
    """httpx's `verify`: a CA file becomes a context (the config checked it can)."""
    return ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify


def _generate_body(model: str, prompt: str, think: bool | None,
                   options: Mapping[str, Any] | None, *, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "prompt": prompt, "stream": stream}
    if think is not None:  # older servers do not know the field; leave it out unless asked
        body["think"] = think
    if options:
        body["options"] = dict(options)
    return body

