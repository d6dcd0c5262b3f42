"""What the registry says of a model before it is pulled: its download size, and the memory
figures of its weights, read from the GGUF header at the start of the weights blob.

The manifest gives every layer's size; the config blob the format, family and file type;
the weights' first bytes (HTTP range requests in growing steps, 16 MB at most) the
architecture figures the memory estimator needs, so the estimate comes from the same
function, with the same kind of input, as for an installed model (tui/core/memory.py).
Registries send blob downloads to a storage host: those redirects are followed (a few hops,
HTTPS or loopback HTTP), and no Ollama host's token is ever sent (this client has none).
Header figures are kept on disk per blob digest: a digest's bytes never change.
Free of Textual; the CLI's `fit`/`pull --check` and the pull dialog share it.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx
import platformdirs

from tui.core import gguf
from tui.core.format import human_size
from tui.core.layer_changes import RegistryLayer, registry_layers
from tui.core.memory import MemoryEstimate, Verdict, estimate_memory
from tui.core.vram import Vram
from tui.ollama.digests import bytes_match
from tui.ollama.json_limits import loads_bounded
from tui.ollama.models import ModelDetails, ModelInfo
from tui.ollama.names import parse_name
from tui.services.registry import (
    MANIFEST_TYPE,
    MAX_MANIFEST_BYTES,
    MAX_REDIRECTS,
    manifest_url,
    may_follow,
    transport_reason,
)

APP_NAME = "qgoose-tui"
STEPS = (256 << 10, 1 << 20, 4 << 20, 16 << 20)  # bytes of a header read, growing
MAX_CONFIG_BYTES = 64 << 10  # a config blob is about 500 bytes
DEADLINE = 20.0  # seconds for one name, all told
FRESH = 300.0  # seconds a name's facts answer again without asking the registry
_DIGEST_CHARS = frozenset("0123456789abcdef")


class RegistryFactsError(Exception):
    """The facts cannot be had; the message says why, in a line."""


@dataclass(frozen=True)
class RegistryFacts:
    name: str
    download_size: int  # every layer and the config: what a pull downloads
    weights_digest: str
    weights_size: int
    projector_size: int
    format: str = ""  # from the config blob, when it could be read
    family: str = ""
    file_type: str = ""  # "Q4_K_M"
    parameter_size: str = ""
    model_info: Mapping[str, Any] = field(default_factory=dict)  # the weights' header
    projector_info: Mapping[str, Any] = field(default_factory=dict)
    bytes_read: int = 0  # of blob bytes, this time (0 when all came from the cache)

    def model(self) -> ModelInfo:
        """The facts in the form /api/show gives them, for the one memory estimator."""
        details = ModelDetails.from_json({"format": self.format or "gguf",
                                          "family": self.family, "parameter_size":
                                          self.parameter_size,
                                          "quantization_level": self.file_type})
        return ModelInfo(name=self.name, details=details,
                         model_info=MappingProxyType(dict(self.model_info)),
                         projector_info=MappingProxyType(dict(self.projector_info)))

    def estimate(self, context: int, kv_cache_type: str = "f16",
                 parallel: int = 1) -> MemoryEstimate:
        return estimate_memory(self.model(), self.download_size, context, kv_cache_type,
                               parallel)


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "gguf-headers"


class RegistryFactsReader:
    """Reads the facts of names from their registries. One HTTP client, no credentials."""

    def __init__(self, default_registry: str = "", *, deadline: float = DEADLINE,
                 transport: httpx.AsyncBaseTransport | None = None,
                 cache_dir: Path | None = None) -> None:
        self.default_registry = default_registry
        self.deadline = deadline
        self.cache_dir = cache_dir or default_cache_dir()
        self._recent: dict[str, tuple[float, asyncio.Future[RegistryFacts]]] = {}  # by URL
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(deadline), transport=transport,
                                       follow_redirects=False,
                                       headers={"User-Agent": "qgoose-tui"})

    async def aclose(self) -> None:
        await self._http.aclose()

    async def facts(self, name: str) -> RegistryFacts:
        """Raises RegistryFactsError (InvalidNameError for a name that is none). Asked for
        a name again while it is being read (the pull dialog's line and its tag picker),
        or soon after, the same reading answers: one registry read per name."""
        url = manifest_url(name, self.default_registry)
        now = time.monotonic()
        known = self._recent.get(url)
        if known is None or known[0] < now - FRESH:
            task = asyncio.ensure_future(self._timed(name, url))
            task.add_done_callback(partial(self._forget_failed, url))
            self._recent[url] = known = (now, task)
        # Shielded: a caller cancelled (the next keystroke) leaves the read to the others.
        return await asyncio.shield(known[1])

    def _forget_failed(self, url: str, task: asyncio.Future[RegistryFacts]) -> None:
        failed = task.cancelled() or task.exception() is not None
        if failed and self._recent.get(url, (0, None))[1] is task:
            del self._recent[url]  # asked again, it is read again

    async def _timed(self, name: str, url: str) -> RegistryFacts:
        host = httpx.URL(url).netloc.decode()
        try:
            async with asyncio.timeout(self.deadline):
                return await self._facts(name, url)
        except TimeoutError:
            raise RegistryFactsError(f"{host} did not answer within {self.deadline:g} s") \
                from None
        except httpx.HTTPError as exc:
            raise RegistryFactsError(f"cannot reach {host}: {transport_reason(exc)}") \
                from None

    async def _facts(self, name: str, url: str) -> RegistryFacts:
        host = httpx.URL(url).netloc.decode()
        display = parse_name(name).display
        status, body = await self._get(url, MAX_MANIFEST_BYTES, accept=MANIFEST_TYPE)
        if status in (401, 403, 404):
            raise RegistryFactsError(f"{host} has no {display} (HTTP {status})")
        if status != 200:
            raise RegistryFactsError(f"{host} answered HTTP {status} for {display}")
        layers = registry_layers(body)
        if layers is None:
            raise RegistryFactsError(f"{host} sent a manifest for {display} that is not one")
        weights = next((layer for layer in layers if layer.part == "weights"), None)
        if weights is None:
            raise RegistryFactsError(f"{display} has no weights layer in {host}'s manifest")
        projector = next((layer for layer in layers if layer.part == "projector"), None)
        blobs = url.rsplit("/manifests/", 1)[0] + "/blobs/"
        config = next((layer for layer in layers if layer.part == "config"), None)
        settings = await self._config(blobs, config) if config else {}
        read = 0
        info, count = await self._header(blobs, weights, "weights")
        read += count
        projector_info: Mapping[str, Any] = {}
        if projector is not None:
            projector_info, count = await self._header(blobs, projector, "projector")
            read += count
        return RegistryFacts(
            name=display, download_size=sum(layer.size for layer in layers),
            weights_digest=weights.digest, weights_size=weights.size,
            projector_size=projector.size if projector else 0,
            format=_text(settings.get("model_format")), family=_text(settings.get("model_family")),
            file_type=_text(settings.get("file_type")),
            parameter_size=_text(settings.get("model_type")),
            model_info=info, projector_info=projector_info, bytes_read=read)

    async def _config(self, blobs: str, config: RegistryLayer) -> Mapping[str, Any]:
        """The config blob's settings; {} when it cannot be had (it only adds labels).
        Raises RegistryFactsError when the registry sends other bytes than the digest
        names: then nothing it says of this model is trusted."""
        if config.size > MAX_CONFIG_BYTES:
            raise RegistryFactsError(f"the config blob is {human_size(config.size)}: far too "
                                     f"big to be one, so nothing of this model is trusted")
        try:
            status, body = await self._blob(blobs + config.digest, config.size + 1)
        except RegistryFactsError:
            return {}
        if status != 200:
            return {}
        if not bytes_match(body, config.digest):
            raise RegistryFactsError(f"the config blob's bytes are not {config.digest[:19]}…"
                                     " that its manifest names: refused")
        try:
            data = loads_bounded(body)
        except (ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    async def _header(self, blobs: str, layer: RegistryLayer,
                      what: str) -> tuple[Mapping[str, Any], int]:
        """A GGUF blob's header values and the bytes read for them: from the cache, or from
        the blob's first bytes, in growing steps until the header says it has enough."""
        cached = self._cached(layer.digest)
        if cached is not None:
            return cached, 0
        prefix = b""
        for step in STEPS:
            if step <= len(prefix):
                continue
            start = len(prefix)
            status, body = await self._blob(blobs + layer.digest, step - start,
                                            byte_range=(start, step - 1))
            if status == 200 and start:  # a server that ignores ranges sends it all again
                body = body[start:]
            elif status not in (200, 206):
                raise RegistryFactsError(f"the {what} blob answered HTTP {status}")
            prefix += body[:step - start]
            try:
                header = gguf.read_header(prefix)
            except gguf.NeedMoreBytes as more:
                if len(prefix) < step or more.needed > STEPS[-1]:
                    break  # the blob ended, or the header is bigger than we read
                continue
            except gguf.GGUFError as exc:
                raise RegistryFactsError(f"the {what} blob: {exc}") from None
            values = dict(header.values)
            self._keep(layer.digest, values)
            return values, len(prefix)
        raise RegistryFactsError(f"the {what} blob's header is not complete in its first "
                                 f"{min(len(prefix), STEPS[-1]) >> 20 or 1} MB")

    async def _blob(self, url: str, limit: int,
                    byte_range: tuple[int, int] | None = None) -> tuple[int, bytes]:
        """A registry blob through its redirects to a storage host: status, and at most
        `limit` bytes of the body (the rest is never read)."""
        headers = {"Accept": "*/*"}
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        for _ in range(MAX_REDIRECTS + 1):
            status, body, location = await self._fetch(url, limit, headers)
            if not (300 <= status < 400 and location):
                return status, body
            try:
                url = str(httpx.URL(url).join(location))
            except httpx.InvalidURL:
                raise RegistryFactsError("a blob redirect to an address that is none") \
                    from None
            if not may_follow(url):
                raise RegistryFactsError("a blob redirect to plain HTTP: not followed")
        raise RegistryFactsError(f"more than {MAX_REDIRECTS} redirects for one blob")

    async def _get(self, url: str, limit: int, accept: str) -> tuple[int, bytes]:
        status, body, _ = await self._fetch(url, limit, {"Accept": accept}, whole=True)
        return status, body

    async def _fetch(self, url: str, limit: int, headers: dict[str, str],
                     whole: bool = False) -> tuple[int, bytes, str]:
        """Status, body (at most `limit` bytes; past it an error when `whole`) and any
        redirect's Location."""
        async with self._http.stream("GET", url, headers=headers) as response:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= limit:
                    if whole and size > limit:
                        raise RegistryFactsError("the registry's manifest is far too big")
                    break
            return response.status_code, b"".join(chunks)[:limit], \
                response.headers.get("location", "")

    # -- the cache: a small JSON file per blob digest -------------------------------------
    def _path(self, digest: str) -> Path | None:
        hex_digest = digest.removeprefix("sha256:")
        if len(hex_digest) != 64 or not set(hex_digest) <= _DIGEST_CHARS:
            return None
        return self.cache_dir / f"{hex_digest}.json"

    def _cached(self, digest: str) -> dict[str, Any] | None:
        path = self._path(digest)
        try:
            data = json.loads(path.read_text("utf-8")) if path else None
        except (OSError, ValueError, RecursionError):
            return None  # no cache, or a damaged one: read the registry again
        values = data.get("values") if isinstance(data, dict) else None
        ok = isinstance(values, dict) and isinstance(values.get("general.architecture"), str)
        return values if ok else None

    def _keep(self, digest: str, values: Mapping[str, Any]) -> None:
        path = self._path(digest)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps({"values": _jsonable(values)}), "utf-8")
            partial.replace(path)
        except (OSError, ValueError):
            pass  # a cache that cannot be written only costs a read next time


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Without NaN or infinities, which JSON has no words for."""
    return {key: value for key, value in values.items()
            if not (isinstance(value, float) and not math.isfinite(value))}


def _text(value: Any) -> str:
    return value[:64] if isinstance(value, str) else ""


def free_disk(models_dir: str) -> int | None:
    """Bytes free where a host keeps its models, when that folder is readable here."""
    try:
        return shutil.disk_usage(models_dir).free if models_dir else None
    except OSError:
        return None


def context_label(tokens: int) -> str:
    """8192 → "8k", 40960 → "40k", 1000 → "1,000"."""
    return f"{tokens // 1024}k" if tokens % 1024 == 0 else f"{tokens:,}"


def fit_contexts(fit_context: int, maximum: int | None) -> list[int]:
    """The contexts a verdict is given at before a pull: the configured one, and 32k
    when the model takes that much."""
    if maximum and fit_context >= maximum:
        return [maximum]
    return [fit_context, 32768] if fit_context < 32768 and (maximum or 32768) >= 32768 \
        else [fit_context]


def fit_words(facts: RegistryFacts, contexts: list[int], kv_cache_type: str,
              vram: Vram | None) -> tuple[str, Verdict | None]:
    """ "20.0 GB to download · fits at 8k · does not fit: 33.0 GB at 32k vs 12.0 GB", and
    the verdict at the first context (None without one). With a GPU size only seen in
    use, the line says so. Raises UnknownEstimate."""
    parts = [f"{human_size(facts.download_size)} to download"]
    said_at = []
    for context in contexts:
        estimate = facts.estimate(context, kv_cache_type)
        label, needed = context_label(context), human_size(estimate.total)
        said = vram.verdict(estimate.total) if vram is not None else None
        said_at.append(said)
        parts.append(f"needs {needed} at {label}" if said is None else
                     f"fits at {label}" if said == "fits" else
                     f"{said}: {needed} at {label} vs {vram.label if vram else ''}")
    if vram is not None and None in said_at:  # outgrows what is merely seen in use
        parts.append(vram.hint)
    elif vram is not None and vram.source == "seen" and set(said_at) == {"fits"}:
        parts.append(f"GPU {vram.label}")  # the verdicts' source, said nowhere else
    return " · ".join(parts), said_at[0] if said_at else None


def tag_words(facts: RegistryFacts, context: int, kv_cache_type: str,
              vram: Vram | None) -> tuple[str, Verdict | None]:
    """One tag's row in a picker: "5.2 GB  Q4_K_M  fits at 8k", "… does not fit: 23.3 GB
    at 8k" (needs … without a VRAM size). Raises UnknownEstimate."""
    needed = facts.estimate(context, kv_cache_type).total
    label = context_label(context)
    said = vram.verdict(needed) if vram is not None else None
    words = (f"needs {human_size(needed)} at {label}" if said is None else
             f"fits at {label}" if said == "fits" else
             f"{said}: {human_size(needed)} at {label}")
    return f"{human_size(facts.download_size):>8}  {facts.file_type or '?':<7} {words}", said
