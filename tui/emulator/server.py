"""The emulator's HTTP server (aiohttp): Ollama's routes, shapes, status codes and error texts.

Start one in the current event loop with `async with running_emulator() as emu:`; it
listens on 127.0.0.1 on a free port (`emu.url`) and has fault controls (`emu.faults`).
Each family of routes lives in its own module (models, inference, chat, pull, push, create,
uploads, openai_compat, registry); this one holds the state they share and the middleware.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tui.emulator import (
    chat,
    create,
    inference,
    models,
    openai_compat,
    pull,
    push,
    registry,
    uploads,
)
from tui.emulator.cors import allowed_origins, cors_answer
from tui.emulator.guard import HEADER_TIMEOUT, IDLE_TIMEOUT, ConnectionGuard
from tui.emulator.names import InvalidName, ModelName, parse_name, source_suffix
from tui.emulator.replies import CANNED_REPLY
from tui.emulator.request_log import LOG_SIZE, RecordedRequest, start_entry
from tui.emulator.store import Installed, Loaded, Store, key_of
from tui.emulator.versions import DEFAULT_VERSION, SERVER_VERSIONS, ServerProfile
from tui.emulator.wire import (
    ApiError,
    error_response,
    json_response,
    plain_response,
    without_server_header,
)

DEFAULT_PULL_RATE = 80e6  # bytes per second: a 2 GB model takes ~25 s in the demo
PROGRESS_INTERVAL = 0.06  # Ollama sends a progress line about every 60 ms
REPLY_INTERVAL = 0.02  # seconds a generated token: the demo's answers arrive word by word

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


DEFAULT_VRAM = 12 * 10**9  # the demo's pretend GPU
DEMO_OUTDATED = 3  # installed models the demo's registry has newer versions of
# The demo's registry has a newer llama3.2 too (its installed layers stay the real ones): a
# variant made from it can be seen following its base. Its template, parameters and license
# change, all three: the real license and parameters texts are not here, so the emulator's
# /api/show texts could never be read as those real layers' bytes, and an update changing
# the template alone would be told as changing the three.
DEMO_NEWER = {"llama3.2:latest": ("template", "params", "license")}
DEFAULT_NUM_CTX = 4096
SIGNIN_URL = "https://ollama.com/connect?name=qgoose-demo&key=ZW11bGF0b3I"
REQUEST_LOG_SIZE = LOG_SIZE
DEMO_ACCOUNT = "demo"  # the ollama.com user the demo server is signed in as (for pushes)


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
    push: str | None = None  # "unauthorized" (signed out) or "denied": pushes fail so

    def applies_to(self, path: str) -> bool:
        return not self.paths or path in self.paths

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]


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
    account: str = DEMO_ACCOUNT  # the ollama.com user pushes go out as ("": signed out)
    # OLLAMA_ORIGINS: browser origins allowed besides Ollama's defaults.
    origins: str = field(default_factory=lambda: os.environ.get("OLLAMA_ORIGINS", ""))
    # OLLAMA_NOPRUNE: a pull that replaced layers keeps the old blobs (a delete never does).
    noprune: bool = field(default_factory=lambda: go_env_bool("OLLAMA_NOPRUNE"))
    # The newest requests, for tests to inspect; bounded, so a long-running emulator (the
    # demo left open, `qgoose-tui emulator`) never grows without limit.
    requests: deque[RecordedRequest] = field(
        default_factory=lambda: deque(maxlen=REQUEST_LOG_SIZE))

    def __post_init__(self) -> None:
        self.profile: ServerProfile = SERVER_VERSIONS[self.server_version]
        self.allowed_origins = allowed_origins(self.origins)
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.AbstractServer | None = None
        self.guard = ConnectionGuard(self.header_timeout, self.idle_timeout,
                                     self.max_waiting_connections)
        self.downloaders: dict[str, object] = {}  # digest → the pull advancing it
        self.skipped_manifests: list[str] = []  # models_dir manifests that were not read
        self._manifests_seen: tuple[tuple[str, int, int], ...] | None = None
        self.store.make_outdated(self.outdated)
        if self.models_dir is not None:
            self._use_models_dir(self.models_dir)

    def _use_models_dir(self, directory: Path) -> None:
        """List what the directory holds, as Ollama does, and keep the store there too (in
        Ollama's layout). OSError when it cannot be used."""
        from tui.emulator.disk import write_model
        from tui.emulator.models_dir import read_models_dir

        for part in ("blobs", "manifests"):  # made at start, as `ollama serve` does
            (directory / part).mkdir(parents=True, exist_ok=True)
        found = read_models_dir(directory)
        self.skipped_manifests = found.skipped
        contents = self.store.contents
        contents.directory = directory / "blobs"
        for digest, (path, size) in found.blobs.items():
            contents.adopt(digest, path, size)
        for entry in list(self.store.installed.values()):
            write_model(directory, entry.name, entry.model, contents, self.profile.raw_manifest)
        for name, model in found.models:
            self.store.install(model, name)
        self._manifests_seen = _manifest_files(directory)  # what /api/tags compares with

    def sync_models_dir(self) -> None:
        """List what was written into the models directory since, as Ollama's /api/tags
        does (it walks the manifests at every call): a manifest new or changed on disk
        installs its model. Read again only when the manifest files changed."""
        from tui.emulator.models_dir import read_models_dir

        directory = self.models_dir
        if directory is None:
            return
        seen = _manifest_files(directory)
        if seen is None or seen == self._manifests_seen:
            return
        # Only manifests written since: one already listed is not read again.
        changed = {"{}/{}/{}:{}".format(*Path(path).relative_to(directory / "manifests").parts)
                   for path, *_ in set(seen) - set(self._manifests_seen or ())
                   if len(Path(path).relative_to(directory / "manifests").parts) == 4}
        self._manifests_seen = seen
        found = read_models_dir(directory)
        for digest, (path, size) in found.blobs.items():
            if digest not in self.store.contents:
                self.store.contents.adopt(digest, path, size)
        for name, model in found.models:
            entry = self.store.find_installed(parse_name(name))
            if name in changed and (entry is None or [la.digest for la in entry.model.layers]
                                    != [la.digest for la in model.layers]):
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
        app.on_response_prepare.append(without_server_header)
        for routes in (models, pull, push, inference, chat, create, uploads, openai_compat,
                       registry):
            routes.add_routes(app, self)
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
        # Ollama's CORS layer comes first: a foreign origin is refused, a preflight answered.
        early, cors_headers = cors_answer(request, self.allowed_origins)
        if early is not None:
            return early
        response = await self._faulted(request, handler)
        response.headers.update(cors_headers)
        return response

    async def _faulted(self, request: web.Request, handler: Handler) -> web.StreamResponse:
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
            return plain_response("405 method not allowed", 405)
        except web.HTTPNotFound:
            return await _without_trailing_slash(request) or \
                plain_response("404 page not found", 404)

    # -- shared by the routes --------------------------------------------------------------
    @staticmethod
    def requested_name(data: dict[str, Any]) -> str:
        """`model`, or the deprecated `name` (Go's cmp.Or: the first non-empty)."""
        return data.get("model") or data.get("name") or ""

    @staticmethod
    def parse(text: str, error: str) -> ModelName:
        try:
            return parse_name(text)
        except InvalidName:
            raise ApiError(400, error) from None

    def installed(self, text: str, missing: str) -> tuple[ModelName, Installed]:
        name = self.parse(text, "invalid model name")
        entry = self.store.find_installed(name)
        if entry is None:
            raise ApiError(404, missing)
        return name, entry

    def runnable(self, text: str, invalid_status: int = 404,
                 invalid: str = "") -> tuple[ModelName, Installed]:
        """The installed model `text` names; an invalid name is answered as Ollama answers
        it for the route (by default, as a missing model)."""
        missing = f"model '{text}' not found"
        if self.profile.model_refs and text:
            try:
                text, source = source_suffix(text)  # :local, or :cloud sent to ollama.com
            except InvalidName as exc:
                raise ApiError(400, str(exc)) from None
            if source == "cloud":
                raise ApiError(401, "unauthorized", signin_url=inference.SIGNIN_URL)
        try:
            name = parse_name(text)
        except InvalidName:
            if text and self.profile.model_refs:  # newer servers say what is wrong
                raise ApiError(400, "invalid model name") from None
            raise ApiError(invalid_status, invalid or missing) from None
        entry = self.store.find_installed(name)
        if entry is None:
            raise ApiError(404, missing)
        return name, entry

    def load_for(self, name: ModelName, entry: Installed, keep_alive: Any,
                 options: Any) -> bool:
        """Load `name` (making room as the scheduler does); True when it was not loaded."""
        num_ctx = num_ctx_of(options)
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
            return sum(self.memory_of(loaded) for loaded in others)

        while others and (len(others) >= self.max_loaded_models or
                          in_vram() + need > self.vram):
            self.store.unload(parse_name(others.pop(0).name))

    def memory_of(self, loaded: Loaded) -> int:
        entry = self.store.find_installed(parse_name(loaded.name))
        return entry.model.memory_needed(loaded.num_ctx) if entry else 0

    async def start_stream(self, request: web.Request,
                           content_type: str = "application/x-ndjson") -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": content_type})
        response.enable_chunked_encoding()
        await response.prepare(request)
        return response


async def _without_trailing_slash(request: web.Request) -> web.Response | None:
    """gin's RedirectTrailingSlash: `/api/tags/` redirects to `/api/tags` (301 for GET,
    307 otherwise), when that route exists."""
    path = request.path
    if path == "/" or not path.endswith("/"):
        return None
    target = path.rstrip("/") or "/"
    match = await request.app.router.resolve(request.clone(rel_url=target))
    if match.http_exception is not None:
        return None
    status = 301 if request.method == "GET" else 307
    body = f'<a href="{target}">Moved Permanently</a>.\n\n' if status == 301 else ""
    return web.Response(status=status, text=body, content_type="text/html",
                        headers={"Location": target})


def go_env_bool(name: str) -> bool:
    """envconfig.Bool: unset or empty is false; what strconv.ParseBool cannot read is true."""
    text = os.environ.get(name, "").strip().strip("\"'")
    return bool(text) and text not in ("0", "f", "F", "false", "FALSE", "False")


def num_ctx_of(options: Any) -> int:
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


async def started_demo_emulator(**options: Any) -> Emulator:
    """The demo's own host: some of its models have newer versions in its registry (DEMO_OUTDATED
    of them, and llama3.2, DEMO_NEWER), as `--demo` shows it."""
    emulator = await started_emulator(**{"outdated": DEMO_OUTDATED, **options})
    for name, changes in DEMO_NEWER.items():
        emulator.store.publish(name, changes)
    return emulator


# The demo's other hosts: smaller boxes with overlapping models, one with an older copy.
DEMO_FLEET = {
    "gpu-a": {"llama3.2:latest": 2, "qwen2.5:7b": 9, "mistral:latest": 30, "phi4:14b": 44},
    "gpu-b": {"llama3.2:latest": 6, "gemma3:4b": 15, "mistral:latest": 70},
}


async def demo_fleet() -> list[tuple[str, Emulator]]:
    """The demo's other hosts, started; gpu-b's mistral is another version (a stale copy)."""
    from tui.emulator.demo_models import demo_catalog

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


def _manifest_files(directory: Path) -> tuple[tuple[str, int, int], ...] | None:
    """Each manifest file's path, change time and size (None: the folder cannot be read)."""
    try:
        return tuple(sorted((str(p), (st := p.stat()).st_mtime_ns, st.st_size)
                            for p in (directory / "manifests").rglob("*") if p.is_file()))
    except OSError:
        return None
