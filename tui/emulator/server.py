"""The emulator's HTTP server (aiohttp): Ollama's routes, shapes, status codes and error texts.

Start one in the current event loop with `async with running_emulator() as emu:`; it
listens on 127.0.0.1 on a free port (`emu.url`) and has fault controls (`emu.faults`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from tui.emulator.catalog import MANIFEST_TYPE, CatalogModel
from tui.emulator.create import add_routes as add_create_routes
from tui.emulator.guard import HEADER_TIMEOUT, IDLE_TIMEOUT, ConnectionGuard
from tui.emulator.replies import (
    CANNED_REPLY,
    CANNED_THINKING,
    embed_timings,
    embedding,
    timings,
    tokens,
)
from tui.emulator.request_log import LOG_SIZE, RecordedRequest, start_entry
from tui.emulator.shapes import show_body, tag_entry
from tui.emulator.store import Installed, Loaded, Store, key_of
from tui.emulator.versions import DEFAULT_VERSION, SERVER_VERSIONS, ServerProfile
from tui.emulator.wire import (
    ApiError,
    error_response,
    go_json,
    go_time,
    json_response,
    parse_keep_alive,
    read_request,
)
from tui.ollama.errors import InvalidNameError
from tui.ollama.names import ModelName, parse_name

DEFAULT_PULL_RATE = 80e6  # bytes per second: a 2 GB model takes ~25 s in the demo
PROGRESS_INTERVAL = 0.06  # Ollama sends a progress line about every 60 ms
REPLY_INTERVAL = 0.02  # seconds a generated token: the demo's answers arrive word by word

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


DEFAULT_VRAM = 12 * 10**9  # the demo's pretend GPU
DEMO_OUTDATED = 3  # installed models the demo's registry has newer versions of
DEFAULT_NUM_CTX = 4096
SIGNIN_URL = "https://ollama.com/connect?name=qgoose-demo&key=ZW11bGF0b3I"

# Each endpoint's request type and field types, for Go's decoder error texts.
_REQUESTS: dict[str, tuple[str, dict[str, type]]] = {
    "/api/show": ("ShowRequest", {"model": str, "name": str, "verbose": bool}),
    "/api/pull": ("PullRequest", {"model": str, "name": str, "stream": bool,
                                  "insecure": bool}),
    "/api/delete": ("DeleteRequest", {"model": str, "name": str}),
    "/api/copy": ("CopyRequest", {"source": str, "destination": str}),
    "/api/generate": ("GenerateRequest", {"model": str, "prompt": str, "stream": bool,
                                          "options": dict, "system": str}),
    "/api/embed": ("EmbedRequest", {"model": str, "truncate": bool, "options": dict,
                                    "dimensions": float}),
}


@dataclass
class Faults:
    """Misbehaviour to inject; tests and `qgoose-tui emulator` flags set these."""

    latency: float = 0.0  # seconds before every answer
    error_500: str | None = None  # answer 500 {"error": this}
    html: bool = False  # answer an HTML page, as a misconfigured proxy does
    stall: bool = False  # accept the request and never answer
    cut_after_events: int | None = None  # drop a stream's connection after N events
    cut_after_bytes: int | None = None  # drop a stream's connection after N body bytes
    paths: tuple[str, ...] = ()  # limit the faults to these paths (empty: every path)
    registry_latency: float = 0.0  # seconds before each registry (/v2/…) answer
    registry_status: int | None = None  # the registry answers every request with this

    def applies_to(self, path: str) -> bool:
        return not self.paths or path in self.paths

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]


REQUEST_LOG_SIZE = LOG_SIZE


@dataclass
class Emulator:
    store: Store = field(default_factory=Store.demo)
    pull_rate: float = DEFAULT_PULL_RATE
    progress_interval: float = PROGRESS_INTERVAL
    pull_step: int = 0  # when set, each progress line adds exactly this many bytes
    host: str = "127.0.0.1"
    port: int = 0
    faults: Faults = field(default_factory=Faults)
    server_version: str = DEFAULT_VERSION  # a key of SERVER_VERSIONS
    vram: int = DEFAULT_VRAM
    max_loaded_models: int = 3  # OLLAMA_MAX_LOADED_MODELS: 3 per GPU by default
    reply_interval: float = REPLY_INTERVAL
    reply: str = CANNED_REPLY  # what every model answers (tests set other text)
    outdated: int = 0  # installed models the registry has a newer version of
    token: str = ""  # when set, the Ollama API wants "Authorization: Bearer <token>"
    models_dir: Path | None = None  # when set, models made here are written there too
    header_timeout: float = HEADER_TIMEOUT  # seconds a connection has to send its headers
    idle_timeout: float = IDLE_TIMEOUT  # seconds a kept-alive connection may sit idle
    max_waiting_connections: int = 0  # connections waiting for headers (0: from the fd limit)
    # The newest requests, for tests to inspect; bounded, so a long-running emulator (the
    # demo left open, `qgoose-tui emulator`) never grows without limit.
    requests: deque[RecordedRequest] = field(
        default_factory=lambda: deque(maxlen=REQUEST_LOG_SIZE))

    def __post_init__(self) -> None:
        self.profile: ServerProfile = SERVER_VERSIONS[self.server_version]
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.AbstractServer | None = None
        self.guard = ConnectionGuard(self.header_timeout, self.idle_timeout,
                                     self.max_waiting_connections)
        self._downloaders: dict[str, object] = {}  # digest → the pull advancing it
        self.skipped_manifests: list[str] = []  # models_dir manifests that were not read
        self.store.make_outdated(self.outdated)
        if self.models_dir is not None:
            self._use_models_dir(self.models_dir)

    def _use_models_dir(self, directory: Path) -> None:
        """List what the directory holds, as Ollama does, and keep the store there too (in
        Ollama's layout). OSError when it cannot be used."""
        from tui.emulator.disk import write_model
        from tui.emulator.models_dir import read_models_dir

        found = read_models_dir(directory)
        self.skipped_manifests = found.skipped
        contents = self.store.contents
        contents.directory = directory / "blobs"
        for digest, (path, size) in found.blobs.items():
            contents.adopt(digest, path, size)
        for entry in list(self.store.installed.values()):
            write_model(directory, entry.name, entry.model, contents)
        for name, model in found.models:
            self.store.install(model, name)

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        """Listen (again, on the same port after a stop)."""
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/", self._root)
        app.router.add_get("/api/version", self._version)
        app.router.add_get("/api/tags", self._tags)
        app.router.add_post("/api/show", self._show)
        app.router.add_post("/api/pull", self._pull)
        app.router.add_delete("/api/delete", self._delete)
        app.router.add_post("/api/copy", self._copy)
        app.router.add_get("/api/ps", self._ps)
        app.router.add_post("/api/generate", self._generate)
        app.router.add_post("/api/embed", self._embed)
        add_create_routes(app, self)
        # The registry side (what a pull fetches first), on the same port: no path collides.
        app.router.add_get("/v2/{namespace}/{model}/manifests/{tag}", self._manifest)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        assert runner.server is not None
        # Listening ourselves (not through a TCPSite) lets the guard see every connection.
        self._listener = await asyncio.get_running_loop().create_server(
            self.guard.protocol_factory(runner.server), self.host, self.port,
            reuse_address=True)
        if self.port == 0:
            self.port = self._listener.sockets[0].getsockname()[1]
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening and drop open connections, as a crashed Ollama would."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def close(self) -> None:
        """Forget what only this emulator's life needed (its temporary blob folder)."""
        self.store.contents.close()

    def pull_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/api/pull"]

    # -- cross-cutting -------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.guard.request_started(request.transport)  # its headers are complete
        entry = start_entry(request)
        self.requests.append(entry)
        try:
            response = await self._answer(request, handler)
        except ConnectionResetError:
            # The client left mid-request (a cancelled worker, a closed app): nobody to
            # answer, and nothing worth a traceback on the demo's terminal.
            response = web.Response(status=400)
        finally:
            self.guard.request_finished(request.transport)
        entry.status = response.status
        return response

    async def _answer(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.token and not request.path.startswith("/v2/") and \
                request.headers.get("Authorization") != f"Bearer {self.token}":
            # As a proxy in front of Ollama answers (the registry side is open).
            return json_response({"error": "unauthorized"}, 401)
        faults = self.faults
        if faults.latency:
            await asyncio.sleep(faults.latency)
        if faults.applies_to(request.path):
            if faults.stall:
                await asyncio.Event().wait()  # until the server stops
            if faults.html:
                return web.Response(status=502, content_type="text/html",
                                    text="<html><head><title>502 Bad Gateway</title></head>"
                                         "<body><h1>Bad Gateway</h1></body></html>")
            if faults.error_500 is not None:
                return json_response({"error": faults.error_500}, 500)
        try:
            return await handler(request)
        except ApiError as exc:
            return error_response(exc)
        except web.HTTPMethodNotAllowed:
            # gin answers a known path with the wrong method in plain text.
            return web.Response(status=405, text="405 method not allowed")
        except web.HTTPNotFound:
            return web.Response(status=404, text="404 page not found")

    async def _body(self, request: web.Request) -> dict[str, Any]:
        go_type, fields = _REQUESTS[request.path]
        return await read_request(request, go_type, fields)

    @staticmethod
    def _requested_name(data: dict[str, Any]) -> str:
        """`model`, or the deprecated `name` (Go's cmp.Or: the first non-empty)."""
        return data.get("model") or data.get("name") or ""

    @staticmethod
    def _parse(text: str, error: str) -> ModelName:
        try:
            return parse_name(text)
        except InvalidNameError:
            raise ApiError(400, error) from None

    def _installed(self, text: str, missing: str) -> tuple[ModelName, Installed]:
        name = self._parse(text, "invalid model name")
        entry = self.store.find_installed(name)
        if entry is None:
            raise ApiError(404, missing)
        return name, entry

    # -- routes --------------------------------------------------------------------------
    async def _root(self, request: web.Request) -> web.Response:
        return web.Response(text="Ollama is running")

    async def _version(self, request: web.Request) -> web.Response:
        return json_response({"version": self.profile.version})

    async def _tags(self, request: web.Request) -> web.Response:
        entries = [tag_entry(m, self.profile) for m in self.store.installed_sorted()]
        return json_response({"models": entries})

    async def _ps(self, request: web.Request) -> web.Response:
        models = []
        free_vram = self.vram
        # Ollama places models on the GPU in the order they were loaded; what does not
        # fit runs on the CPU. It lists them longest time left first.
        for loaded in self.store.running():
            entry = self.store.find_installed(parse_name(loaded.name))
            if entry is None:
                continue
            size = entry.model.memory_needed(loaded.num_ctx)
            on_gpu = max(0, min(size, free_vram))
            free_vram -= on_gpu
            models.append((loaded.expires_at, {
                "name": entry.name, "model": entry.name, "size": size,
                "digest": entry.model.manifest_digest, "details": entry.model.details(),
                "expires_at": go_time(loaded.expires_at), "size_vram": on_gpu,
                "context_length": loaded.num_ctx,
            }))
        models.sort(key=lambda pair: pair[0], reverse=True)
        return json_response({"models": [entry for _, entry in models]})

    async def _show(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        text = self._requested_name(data)
        if not text:
            raise ApiError(400, "model is required")
        _, entry = self._installed(text, f"model '{text}' not found")
        return json_response(show_body(entry, bool(data.get("verbose")), self.profile))

    async def _delete(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        text = self._requested_name(data)
        name = self._parse(text, f"name {json.dumps(text)} is invalid")
        if not self.store.delete(name):
            raise ApiError(404, f"model '{text}' not found")
        return web.Response(status=200)

    async def _copy(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        source, destination = data.get("source") or "", data.get("destination") or ""
        src = self._parse(source, f"source {json.dumps(source)} is invalid")
        dst = self._parse(destination, f"destination {json.dumps(destination)} is invalid")
        if not self.store.copy(src, dst):
            raise ApiError(404, f"model {json.dumps(source)} not found")
        return web.Response(status=200)

    async def _generate(self, request: web.Request) -> web.StreamResponse:
        data = await self._body(request)
        keep_alive = parse_keep_alive(data.get("keep_alive"))
        text = data.get("model") or ""
        name, entry = self._runnable(text)
        prompt = data.get("prompt") or ""
        base = {"model": text, "created_at": go_time(datetime.now(UTC), None)}
        # Unloading comes before any capability check: it works for every kind of model.
        if not prompt and keep_alive == 0:
            self.store.unload(name)
            return json_response({**base, "response": "", "done": True,
                                  "done_reason": "unload"})
        if entry.model.is_remote:
            # Forwarded to ollama.com, which wants a signed-in server.
            raise ApiError(401, "unauthorized", signin_url=SIGNIN_URL)
        if "completion" not in entry.model.capabilities:
            raise ApiError(400, f'"{text}" does not support generate')
        thinks = _thinks(data.get("think"), entry.model.capabilities, text)
        cold = self._load_for(name, entry, keep_alive, data.get("options"))
        if not prompt:
            return json_response({**base, "response": "", "done": True, "done_reason": "load"})
        # Thinking models think first (in `thinking`), then answer (in `response`).
        pieces = [("thinking", t) for t in tokens(CANNED_THINKING if thinks else "")]
        pieces += [("response", t) for t in tokens(self.reply)]
        limit = _num_predict(data.get("options"))
        done_reason = "length" if 0 <= limit < len(pieces) else "stop"
        pieces = pieces[:limit] if limit >= 0 else pieces
        final = {**base, "response": "", "done": True, "done_reason": done_reason,
                 **timings(entry.model, len(str(prompt).split()), len(pieces), cold)}
        if data.get("stream") is False:
            await asyncio.sleep(self.reply_interval * len(pieces))
            whole = {field: "".join(t for f, t in pieces if f == field)
                     for field in ("thinking", "response")}
            return json_response({**final, **{k: v for k, v in whole.items() if v}})
        response = await self._start_stream(request)
        for field_name, piece in pieces:
            await asyncio.sleep(self.reply_interval)
            await _write_line(response, {**base, "response": "", field_name: piece,
                                         "done": False})
        await _write_line(response, final)
        await response.write_eof()
        return response

    async def _embed(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        keep_alive = parse_keep_alive(data.get("keep_alive"))
        text = data.get("model") or ""
        name, entry = self._runnable(text)
        inputs = data.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        elif inputs is None:
            inputs = []
        elif not (isinstance(inputs, list) and all(isinstance(i, str) for i in inputs)):
            raise ApiError(400, "invalid input type")
        if not inputs:
            return json_response({"model": text, "embeddings": []})
        if entry.model.is_remote:
            raise ApiError(401, "unauthorized", signin_url=SIGNIN_URL)
        cold = self._load_for(name, entry, keep_alive, data.get("options"))
        await asyncio.sleep(self.reply_interval * len(inputs))
        return json_response({"model": text,
                              "embeddings": [embedding(entry.model, i) for i in inputs],
                              **embed_timings(entry.model, inputs, cold)})

    def _runnable(self, text: str) -> tuple[ModelName, Installed]:
        try:
            name = parse_name(text)
        except InvalidNameError:
            # Ollama answers an invalid (or empty) name as a missing model.
            raise ApiError(404, f"model '{text}' not found") from None
        entry = self.store.find_installed(name)
        if entry is None:
            raise ApiError(404, f"model '{text}' not found")
        return name, entry

    def _load_for(self, name: ModelName, entry: Installed, keep_alive: Any,
                  options: Any) -> bool:
        """Load `name` (making room as the scheduler does); True when it was not loaded."""
        num_ctx = _num_ctx(options)
        cold = self.store.find_loaded(name) is None
        self._make_room(name, entry.model.memory_needed(num_ctx))
        self.store.load(name, keep_alive, num_ctx)
        return cold

    def _make_room(self, name: ModelName, need: int) -> None:
        """Unload the least recently used models, as Ollama's scheduler does, until `name`
        fits in VRAM and under the loaded-model limit (or nothing else is loaded)."""
        others = [loaded for loaded in self.store.running()
                  if key_of(parse_name(loaded.name)) != key_of(name)]
        others.sort(key=lambda loaded: loaded.used_at)

        def in_vram() -> int:
            return sum(self._memory_of(loaded) for loaded in others)

        while others and (len(others) >= self.max_loaded_models or
                          in_vram() + need > self.vram):
            self.store.unload(parse_name(others.pop(0).name))

    def _memory_of(self, loaded: Loaded) -> int:
        entry = self.store.find_installed(parse_name(loaded.name))
        return entry.model.memory_needed(loaded.num_ctx) if entry else 0

    # -- the registry --------------------------------------------------------------------
    async def _manifest(self, request: web.Request) -> web.Response:
        """A registry's manifest (GET and HEAD): the bytes whose SHA-256 a pull records as
        the model's digest."""
        if self.faults.registry_latency:
            await asyncio.sleep(self.faults.registry_latency)
        if self.faults.registry_status is not None:
            return json_response({"errors": [{"code": "UNAVAILABLE",
                                               "message": "emulated registry fault"}]},
                                 self.faults.registry_status)
        info = request.match_info
        model = self.store.registry_manifest(info["namespace"], info["model"], info["tag"])
        if model is None:
            return json_response({"errors": [{"code": "MANIFEST_UNKNOWN",
                                               "message": "manifest unknown"}]}, 404)
        return web.Response(body=model.manifest, headers={
            "Content-Type": MANIFEST_TYPE,
            "Docker-Content-Digest": "sha256:" + model.manifest_digest})

    # -- pulls ---------------------------------------------------------------------------
    async def _pull(self, request: web.Request) -> web.StreamResponse:
        data = await self._body(request)
        name = self._parse(self._requested_name(data), "invalid model name")
        model = self.store.find_catalog(name)
        events = self._pull_events(name, model)
        if data.get("stream") is False:
            last: dict[str, Any] = {}
            async with contextlib.aclosing(events):
                async for event in events:
                    if "error" in event:
                        raise ApiError(500, event["error"])
                    last = event
            return json_response(last, content_type="application/json")
        response = await self._start_stream(request)
        # A client that goes away (a cancel) is normal: like Ollama, keep what was downloaded.
        with contextlib.suppress(ConnectionResetError):
            await self._stream_pull(request, response, events)
        return response

    async def _stream_pull(self, request: web.Request, response: web.StreamResponse,
                           events: AsyncGenerator[dict[str, Any]]) -> None:
        sent_events = sent_bytes = 0
        async with contextlib.aclosing(events):
            async for event in events:
                line = go_json(event) + b"\n"
                cut = self.faults.cut_after_bytes
                if cut is not None and sent_bytes + len(line) > cut:
                    await response.write(line[: max(0, cut - sent_bytes)])
                    _drop_connection(request)
                    return
                await response.write(line)
                sent_events, sent_bytes = sent_events + 1, sent_bytes + len(line)
                if self.faults.cut_after_events is not None and \
                        sent_events >= self.faults.cut_after_events:
                    _drop_connection(request)
                    return
        await response.write_eof()

    async def _start_stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        return response

    async def _pull_events(self, name: ModelName,
                           model: CatalogModel | None) -> AsyncGenerator[dict[str, Any]]:
        """Ollama's pull sequence: manifest, each layer in turn, verify, write, success."""
        yield {"status": "pulling manifest"}
        await asyncio.sleep(self.progress_interval)
        if model is None:
            yield {"error": "pull model manifest: file does not exist"}
            return
        for layer in model.layers:
            async for event in self._layer_events(layer.digest, layer.size):
                yield event
        yield {"status": "verifying sha256 digest"}
        await asyncio.sleep(self.progress_interval)
        yield {"status": "writing manifest"}
        if self.store.install(model, name.display):
            yield {"status": self.profile.removing_status}
        yield {"status": "success"}

    async def _layer_events(self, digest: str, size: int) -> AsyncGenerator[dict[str, Any]]:
        """One blob as Ollama reports it: a line per tick while it downloads, none after.

        Ollama's progress is a 60 ms ticker racing the download: the first tick comes
        before any byte (so `completed` is omitted, or is what a resume starts from), and
        a blob that finishes between two ticks gets no line for its last bytes, so its
        last line may show less than its total. A blob already on disk: one full line.
        """
        status = f"pulling {digest[7:19]}"
        have = self.store.blobs.get(digest, 0)
        if have >= size:
            yield {"status": status, "digest": digest, "total": size, "completed": size}
            return
        me = object()
        loop = asyncio.get_running_loop()
        last = None  # the download starts after the first tick
        owed = 0.0  # sleep time not yet taken: the loop's timers cannot wait < ~1 ms
        try:
            while True:
                line: dict[str, Any] = {"status": status, "digest": digest, "total": size}
                if have:
                    line["completed"] = have  # omitted while it is 0
                yield line
                owed += self.progress_interval
                if owed >= 0.002 or self.progress_interval == 0 or owed >= \
                        self.progress_interval * 8:
                    await asyncio.sleep(owed)
                    owed = 0.0
                now = loop.time()
                # Two pulls of one model share one download: only one advances the blob.
                if self._downloaders.setdefault(digest, me) is me and last is not None:
                    step = self.pull_step or int(self.pull_rate * (now - last))
                    grown = self.store.blobs.get(digest, 0) + step
                    self.store.blobs[digest] = min(size, grown)
                last = now
                have = self.store.blobs.get(digest, 0)
                if have >= size:
                    return  # done between two ticks: no line says so
        finally:
            if self._downloaders.get(digest) is me:
                del self._downloaders[digest]


def _drop_connection(request: web.Request) -> None:
    """Cut the TCP connection mid-stream, as a dying server or a flaky tunnel does."""
    if request.transport is not None:
        request.transport.abort()


async def _write_line(response: web.StreamResponse, obj: dict[str, Any]) -> None:
    await response.write(go_json(obj) + b"\n")


def _thinks(think: Any, capabilities: tuple[str, ...], text: str) -> bool:
    """Whether to think: thinking models do unless told not to; asking a model that cannot
    is an error."""
    if think in (None, False, ""):
        return think is None and "thinking" in capabilities
    if "thinking" not in capabilities:
        raise ApiError(400, f'"{text}" does not support thinking')
    return True


def _num_predict(options: Any) -> int:
    """The most tokens to generate (options.num_predict); -1 for no limit."""
    value = options.get("num_predict") if isinstance(options, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return -1


def _num_ctx(options: Any) -> int:
    """The context a load asks for (options.num_ctx), else the server's default."""
    value = options.get("num_ctx") if isinstance(options, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2**31:
        return int(value)
    return DEFAULT_NUM_CTX


async def started_emulator(**options: Any) -> Emulator:
    """An emulator listening on 127.0.0.1 (a free port unless `port=` is given)."""
    emulator = Emulator(**options)
    await emulator.start()
    return emulator


# The demo's other hosts: smaller boxes with overlapping models, one with an older copy.
DEMO_FLEET = {
    "gpu-a": {"llama3.2:latest": 2, "qwen2.5:7b": 9, "mistral:latest": 30, "phi4:14b": 44},
    "gpu-b": {"llama3.2:latest": 6, "gemma3:4b": 15, "mistral:latest": 70},
}


async def demo_fleet() -> list[tuple[str, Emulator]]:
    """The demo's other hosts, started; gpu-b's mistral is another version (a stale copy)."""
    from tui.emulator.catalog import demo_catalog

    fleet = []
    for name, installed in DEMO_FLEET.items():
        store = Store(demo_catalog(), installed)
        if name == "gpu-b":
            entry = store.find_installed(parse_name("mistral:latest"))
            if entry is not None:
                store.install(entry.model.newer(), entry.name, entry.modified_at)
        fleet.append((name, await started_emulator(store=store)))
    return fleet


@contextlib.asynccontextmanager
async def running_emulator(**options: Any) -> AsyncIterator[Emulator]:
    """An emulator for the duration of a `with` block."""
    emulator = await started_emulator(**options)
    try:
        yield emulator
    finally:
        await emulator.stop()
        emulator.close()
