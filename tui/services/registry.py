"""Is a newer version in the registry? Found without downloading anything.

The digest Ollama lists for a model is the SHA-256 of its manifest file: the registry's bytes
as they came (0.19 and later) or Go's re-encoding of them (before; tui/core/go_manifest.py), so
fetching the manifest again and hashing it tells whether the registry's version differs.
For a real update, the registry's layers compared with /api/show's say what changed
(tui/core/layer_changes.py). Free of Textual; the TUI and the CLI's `outdated` share it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from tui.core import layer_changes
from tui.core.go_manifest import local_digests
from tui.ollama.digests import BadDigest, bytes_match, check_digest
from tui.ollama.errors import InvalidNameError, OllamaError
from tui.ollama.json_limits import TooDeepError, loads_bounded
from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import DEFAULT_HOST, parse_name

MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
AT_ONCE = 8  # registry requests in flight
DEADLINE = 10.0  # seconds for one manifest, all told
MAX_MANIFEST_BYTES = 4 << 20  # real manifests are about 1 KB
MAX_TEXT_BYTES = 1 << 20  # a template, license or params blob: a few KB
MAX_REDIRECTS = 3  # registries send blob downloads to a storage host

State = Literal["up to date", "update available", "local only", "cloud", "unknown"]
STATES: tuple[State, ...] = ("up to date", "update available", "local only", "cloud",
                             "unknown")


@dataclass(frozen=True)
class UpdateCheck:
    name: str
    local_digest: str
    state: State
    registry_digest: str = ""
    reason: str = ""  # why the state is what it is, in a sentence
    new_size: int | None = None  # bytes of the registry's version, when it says
    changed: tuple[str, ...] | None = None  # what an update changes (layer_changes.PARTS)
    download_size: int | None = None  # bytes of only the changed layers

    @property
    def outdated(self) -> bool:
        return self.state == "update available"

    @property
    def change_text(self) -> str:
        """ "template changed, 1.2 KB to download"; "" when not known."""
        if self.changed is None or self.download_size is None:
            return ""
        return layer_changes.Changes(self.changed, self.download_size).sentence()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "local_digest": self.local_digest,
                "registry_digest": self.registry_digest or None, "state": self.state,
                "reason": self.reason, "new_size": self.new_size,
                "what_changed": list(self.changed) if self.changed is not None else None,
                "download_size": self.download_size}


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in ("localhost", "127.0.0.1", "[::1]")


def manifest_url(name: str, default_registry: str = "") -> str:
    """Where the registry keeps `name`'s manifest: `registry.ollama.ai` (or the configured
    `default_registry`) for library and `namespace/model` names, the name's own host
    otherwise (`hf.co/…`, `host:port/…`). HTTPS, except plain HTTP to a loopback host.
    Raises InvalidNameError."""
    parsed = parse_name(name)
    if parsed.host.casefold() == DEFAULT_HOST and default_registry:
        base = default_registry.rstrip("/")
        if "://" not in base:
            base = "https://" + base
    else:
        scheme = "http" if _is_loopback(parsed.host) else "https"
        base = f"{scheme}://{parsed.host}"
    return f"{base}/v2/{parsed.namespace}/{parsed.model}/manifests/{parsed.tag}"


def _manifest_size(body: bytes) -> int | None:
    """The bytes a model of this manifest takes: its config and layers, when listed.
    Raises BadDigest for a listed digest that is not one, TooDeepError for JSON nested
    deeper than a manifest ever is."""
    try:
        data = loads_bounded(body)
    except TooDeepError:
        raise
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    parts = [data.get("config"), *(data.get("layers") or [])] \
        if isinstance(data.get("layers") or [], list) else []
    for part in parts:  # a digest that is not one: no real model has this manifest
        if isinstance(part, dict) and "digest" in part:
            check_digest(part["digest"])
    sizes = [p.get("size") for p in parts if isinstance(p, dict)]
    good = [s for s in sizes if isinstance(s, int) and not isinstance(s, bool) and
            0 <= s < 2**50]
    return sum(good) if good and len(good) == len(sizes) else None


class UpdateChecker:
    """Checks models against their registries, a few at a time, each result kept for the
    session by digest (a digest never changes its answer while the app runs). With `show`
    (a model's /api/show), an update also says what it changes."""

    def __init__(self, default_registry: str = "", *, at_once: int = AT_ONCE,
                 deadline: float = DEADLINE,
                 transport: httpx.AsyncBaseTransport | None = None,
                 show: Callable[[ModelSummary], Awaitable[ModelInfo]] | None = None) -> None:
        self.default_registry = default_registry
        self.deadline = deadline
        self._show = show
        self._at_once = at_once
        self._gate = asyncio.Semaphore(at_once)
        self._results: dict[tuple[str, str], UpdateCheck] = {}  # (name key, digest) → check
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(deadline), transport=transport, follow_redirects=False,
            headers={"Accept": MANIFEST_TYPE, "User-Agent": "qgoose-tui"})

    async def aclose(self) -> None:
        await self._http.aclose()

    def known(self, model: ModelSummary) -> UpdateCheck | None:
        return self._results.get(_key(model))

    def forget(self) -> None:
        """Ask again next time (after an update, or when the user asks)."""
        self._results.clear()

    async def check_all(self, models: Iterable[ModelSummary],
                        done: Callable[[UpdateCheck], None] | None = None) -> list[UpdateCheck]:
        """Every model's state, in order; `done` hears of each as it comes. A few workers
        take the models in turn: 5,000 models never mean 5,000 waiting coroutines."""
        queue = list(enumerate(models))
        results: list[UpdateCheck | None] = [None] * len(queue)
        queue.reverse()  # pop() from the end takes them in order

        async def worker() -> None:
            while queue:
                index, model = queue.pop()
                results[index] = result = await self.check(model)
                if done is not None:
                    done(result)

        await asyncio.gather(*(worker() for _ in range(min(self._at_once, len(queue)))))
        return [r for r in results if r is not None]

    async def check(self, model: ModelSummary) -> UpdateCheck:
        key = _key(model)
        if key not in self._results:
            async with self._gate:
                if key not in self._results:
                    self._results[key] = await self._ask(model)
        return self._results[key]

    async def _ask(self, model: ModelSummary) -> UpdateCheck:
        name, digest = model.name, model.digest.removeprefix("sha256:")

        def result(state: State, reason: str, **extra: Any) -> UpdateCheck:
            return UpdateCheck(name, digest, state, reason=reason, **extra)

        if model.is_remote:
            return result("cloud", "runs on ollama.com: nothing to update here")
        try:
            url = manifest_url(name, self.default_registry)
        except InvalidNameError as exc:
            return result("unknown", f"not a registry name: {exc}")
        host = httpx.URL(url).netloc.decode()  # with the port: "127.0.0.1:8000"
        try:
            async with asyncio.timeout(self.deadline):
                status, body, _ = await self._fetch(url, MAX_MANIFEST_BYTES)
        except TimeoutError:
            return result("unknown", f"{host} did not answer within {self.deadline:.0f} s")
        except httpx.HTTPError as exc:
            return result("unknown", f"cannot reach {host}: {transport_reason(exc)}")
        except ValueError as exc:
            return result("unknown", f"{host}: {exc}")
        if status in (401, 403, 404):
            return result("local only", f"{host} has no {parse_name(name).display} "
                                        f"(HTTP {status}): created or copied here")
        if status != 200:
            return result("unknown", f"{host} answered HTTP {status}")
        remote = hashlib.sha256(body).hexdigest()
        try:
            new_size = _manifest_size(body)
        except TooDeepError as exc:
            return result("unknown", f"{host} sent no manifest: {exc}")
        except BadDigest as exc:
            return result("unknown", f"{host}'s manifest cannot be right: a layer's {exc}")
        if digest in local_digests(body):
            # Servers before 0.19 list the digest of Go's re-encoding of the manifest.
            how = "" if remote == digest else " (as Ollama before 0.19 stores it)"
            return result("up to date", f"the same manifest as on {host}{how}",
                          registry_digest=digest)
        changes = await self._changes(model, url, body)
        what = f": {changes.sentence()}" if changes else ""
        return result("update available", f"{host} has a newer version{what}",
                      registry_digest=remote, new_size=new_size,
                      changed=changes.parts if changes else None,
                      download_size=changes.download_size if changes else None)

    async def _changes(self, model: ModelSummary, url: str,
                       body: bytes) -> layer_changes.Changes | None:
        """What the update changes, from /api/show and the registry's small text blobs;
        None when that cannot be told in time."""
        layers = layer_changes.registry_layers(body)
        if self._show is None or layers is None:
            return None
        blobs = url.rsplit("/manifests/", 1)[0] + "/blobs/"
        try:
            async with asyncio.timeout(self.deadline):
                info = await self._show(model)
                texts = {layer.digest: await self._blob(blobs + layer.digest, layer.digest)
                         for layer in layer_changes.to_read(layers)}
        except (TimeoutError, OllamaError):
            return None
        return layer_changes.compare(layers, info, texts)

    async def _blob(self, url: str, digest: str) -> bytes | None:
        """A text blob whose bytes are its digest's, through a few redirects to HTTPS (a
        registry's storage host); None when it cannot be had (then its layer counts as
        changed)."""
        try:
            for _ in range(MAX_REDIRECTS + 1):
                status, body, location = await self._fetch(url, MAX_TEXT_BYTES, accept="*/*")
                if not (300 <= status < 400 and location):
                    break
                url = str(httpx.URL(url).join(location))
                if not may_follow(url):
                    return None
        except (httpx.HTTPError, ValueError):  # httpx refuses a Location of nonsense itself
            return None
        return body if status == 200 and bytes_match(body, digest) else None

    async def _fetch(self, url: str, limit: int,
                     accept: str = MANIFEST_TYPE) -> tuple[int, bytes, str]:
        """Status, body (at most `limit` bytes) and any redirect's Location."""
        async with self._http.stream("GET", url, headers={"Accept": accept}) as response:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():  # decoded, as Ollama hashes it
                size += len(chunk)
                if size > limit:
                    raise ValueError("the manifest is far too big to be one"
                                     if limit == MAX_MANIFEST_BYTES else "a blob is too big")
                chunks.append(chunk)
            return response.status_code, b"".join(chunks), \
                response.headers.get("location", "")


def may_follow(url: str) -> bool:
    """Redirects go to HTTPS hosts, or stay on plain HTTP only to a loopback one (shared by
    every reader of registry blobs)."""
    parsed = httpx.URL(url)
    return parsed.scheme == "https" or (parsed.scheme == "http" and
                                        _is_loopback(parsed.netloc.decode()))


def _key(model: ModelSummary) -> tuple[str, str]:
    return (model.name.casefold(), model.digest)


def transport_reason(exc: httpx.HTTPError) -> str:
    """Why a registry could not be reached, in a few words."""
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name or service" in text or "getaddrinfo" in text or "nodename" in text:
            return "host name not found"
        return "connection refused" if "refused" in text or "all connection" in text \
            else "connection failed"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return type(exc).__name__


def summary(checks: Iterable[UpdateCheck]) -> Mapping[State, int]:
    counts: dict[State, int] = dict.fromkeys(STATES, 0)
    for check in checks:
        counts[check.state] += 1
    return counts
