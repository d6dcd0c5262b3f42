"""Registry facts for a name that is not installed: its download size and the memory
figures of its own GGUF header, read from the emulator's registry over a loopback socket."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import httpx
import pytest

from tui.core.memory import estimate_memory
from tui.emulator.registry import blob_log
from tui.emulator.server import running_emulator
from tui.ollama import OllamaClient
from tui.services.registry_facts import RegistryFactsError, RegistryFactsReader


async def _installed_estimate(url: str, name: str, context: int):  # type: ignore[no-untyped-def]
    async with OllamaClient(url) as client:
        info = await client.show(name)
        size = next(m.size for m in await client.list_models() if m.name == name)
    return estimate_memory(info, size, context)


@pytest.mark.parametrize("name", ["qwen3:8b", "gemma3:4b", "llava:7b", "llama3.2:latest"])
async def test_the_registry_estimate_equals_the_installed_one(name: str, tmp_path: Path) -> None:
    async with running_emulator() as emu:
        installed = await _installed_estimate(emu.url, name, 8192)
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            facts = await reader.facts(name)
        finally:
            await reader.aclose()
    assert facts.estimate(8192) == installed
    assert facts.download_size == installed.weights + installed.projector


async def test_hand_computed_figures_for_uninstalled_tags(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            dense, moe = await reader.facts("qwen3:32b"), await reader.facts("qwen3:30b")
        finally:
            await reader.aclose()
    # 64 layers × 8 KV heads × (128 + 128) × 2 bytes × 32,768 tokens = 8 GiB.
    assert dense.estimate(32768).kv_cache == 64 * 8 * 256 * 2 * 32768 == 8 << 30
    assert dense.download_size > 20 * 10**9 and dense.family == "qwen3"
    assert dense.file_type == "Q4_K_M"
    # The mixture of experts: 48 layers × 4 KV heads × 256 × 2 bytes × 8,192 tokens.
    assert moe.estimate(8192).kv_cache == 48 * 4 * 256 * 2 * 8192
    assert moe.model_info["qwen3moe.expert_count"] == 128


async def test_range_reads_stop_early_and_redirects_carry_no_token(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            facts = await reader.facts("qwen3:32b")
            log = blob_log(emu)
            served, requests = log.bytes_served, list(log.requests)
        finally:
            await reader.aclose()
        later = RegistryFactsReader(emu.url, cache_dir=tmp_path)  # the next run
        try:
            again = await later.facts("qwen3:32b")  # from the cache per digest
            served_again = log.bytes_served
        finally:
            await later.aclose()
    assert facts.bytes_read <= served <= 16 << 20
    assert served <= (256 << 10) + 4096 < facts.weights_size  # one step, and the config
    assert any(path.startswith("/storage/blobs/") for path, _ in requests)  # redirected
    assert not any(has_token for _, has_token in requests)
    assert again.bytes_read == 0 and again.estimate(8192) == facts.estimate(8192)
    assert served_again - served < 4096  # only the config blob again


async def test_an_unknown_name_and_an_unreachable_registry_say_so(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            with pytest.raises(RegistryFactsError, match="has no nosuchmodel:latest"):
                await reader.facts("nosuchmodel")
        finally:
            await reader.aclose()
    reader = RegistryFactsReader("http://127.0.0.1:9", cache_dir=tmp_path)
    try:
        with pytest.raises(RegistryFactsError, match="cannot reach 127.0.0.1:9"):
            await reader.facts("qwen3:8b")
    finally:
        await reader.aclose()


def _registry(handler):  # type: ignore[no-untyped-def]
    return httpx.MockTransport(handler)


CONFIG = b'{"model_format":"gguf","model_family":"qwen3","file_type":"Q4_K_M"}\n'
CONFIG_HEX = hashlib.sha256(CONFIG).hexdigest().encode()


def manifest(config_hex: bytes = CONFIG_HEX, config_size: int = len(CONFIG)) -> bytes:
    return (b'{"schemaVersion":2,"config":{"mediaType":"application/vnd.docker.container.'
            b'image.v1+json","digest":"sha256:' + config_hex + b'","size":' +
            str(config_size).encode() + b'},"layers":[{"mediaType":"application/vnd.ollama.'
            b'image.model","digest":"sha256:' + b"a" * 64 + b'","size":5000000000}]}')


MANIFEST = manifest()


@pytest.mark.parametrize(("location", "message"), [
    ("http://storage.example.invalid/blob", "plain HTTP: not followed"),
    ("/v2/library/m/blobs/loop", "more than 3 redirects"),
])
async def test_blob_redirects_are_bounded(location: str, message: str, tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "/manifests/" in request.url.path:
            return httpx.Response(200, content=MANIFEST)
        return httpx.Response(307, headers={"Location": location})

    reader = RegistryFactsReader("http://127.0.0.1:1", transport=_registry(handler),
                                 cache_dir=tmp_path)
    try:
        with pytest.raises(RegistryFactsError, match=message):
            await reader.facts("m")
    finally:
        await reader.aclose()


async def test_a_header_past_16_mb_is_refused_having_read_16_mb(tmp_path: Path) -> None:
    import struct
    sent: list[int] = []
    # A header that claims a 60-million-string array before any figure.
    head = b"GGUF" + struct.pack("<IQQ", 3, 1, 1) + struct.pack("<Q", 5) + b"a.big" + \
        struct.pack("<IIQ", 9, 8, 60_000_000)

    def handler(request: httpx.Request) -> httpx.Response:
        if "/manifests/" in request.url.path:
            return httpx.Response(200, content=MANIFEST)
        if CONFIG_HEX.decode() in request.url.path:
            return httpx.Response(200, content=CONFIG)
        first, last = map(int, request.headers["range"].removeprefix("bytes=").split("-"))
        body = (head + bytes(last + 1))[first:last + 1]
        sent.append(len(body))
        return httpx.Response(206, content=body)

    reader = RegistryFactsReader("http://127.0.0.1:1", transport=_registry(handler),
                                 cache_dir=tmp_path)
    try:
        with pytest.raises(RegistryFactsError, match="header is not complete"):
            await reader.facts("m")
    finally:
        await reader.aclose()
    assert sum(sent) <= 16 << 20


@pytest.mark.parametrize(("sent", "size"), [
    (CONFIG.replace(b"qwen3", b"tiny1"), len(CONFIG)),  # other bytes, the same length
    (CONFIG + b" " * 10, len(CONFIG)),  # more bytes than the manifest says
])
async def test_a_config_blob_that_is_not_its_digest_is_refused(sent: bytes, size: int,
                                                               tmp_path: Path) -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if "/manifests/" in request.url.path:
            return httpx.Response(200, content=manifest(config_size=size))
        if CONFIG_HEX.decode() in request.url.path:
            return httpx.Response(200, content=sent)
        return httpx.Response(500)

    reader = RegistryFactsReader("http://127.0.0.1:1", transport=_registry(handler),
                                 cache_dir=tmp_path)
    try:
        with pytest.raises(RegistryFactsError,
                           match=r"config blob's bytes are not sha256:.*: refused"):
            await reader.facts("m")
    finally:
        await reader.aclose()
    assert not any("a" * 64 in path for path in asked)  # no weights read on its word


async def test_a_config_blob_too_big_to_be_one_is_refused_unread(tmp_path: Path) -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, content=manifest(config_size=50 << 20))

    reader = RegistryFactsReader("http://127.0.0.1:1", transport=_registry(handler),
                                 cache_dir=tmp_path)
    try:
        with pytest.raises(RegistryFactsError, match="config blob is 52.4 MB: far too big"):
            await reader.facts("m")
    finally:
        await reader.aclose()
    assert len(asked) == 1  # the manifest only


async def test_the_emulators_config_labels_are_trusted(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            facts = await reader.facts("llama3.2:1b")
        finally:
            await reader.aclose()
    assert (facts.family, facts.file_type, facts.parameter_size) == ("llama", "Q8_0", "1.2B")


async def test_a_name_asked_twice_at_once_is_read_once(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        emu.faults.registry_latency = 0.05
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            first = asyncio.create_task(reader.facts("qwen3:14b"))
            await asyncio.sleep(0.01)
            first.cancel()  # the dialog's line, cancelled by the next keystroke
            both = await asyncio.gather(reader.facts("qwen3:14b"), reader.facts("qwen3:14b"))
            again = await reader.facts("qwen3:14b")
        finally:
            await reader.aclose()
    manifests = [r.path for r in emu.requests if "/manifests/" in r.path]
    assert manifests == ["/v2/library/qwen3/manifests/14b"]
    assert both[0] is both[1] is again


async def test_a_failed_read_is_tried_again_when_asked_again(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        emu.faults.registry_status = 503
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            with pytest.raises(RegistryFactsError, match="HTTP 503"):
                await reader.facts("qwen3:14b")
            emu.faults.registry_status = None
            facts = await reader.facts("qwen3:14b")
        finally:
            await reader.aclose()
    assert facts.family == "qwen3"


async def test_a_registry_that_trickles_is_given_up_at_the_deadline(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        emu.faults.registry_latency = 5
        reader = RegistryFactsReader(emu.url, cache_dir=tmp_path, deadline=0.3)
        try:
            with pytest.raises(RegistryFactsError, match="did not answer within 0.3 s"):
                await reader.facts("qwen3:14b")
        finally:
            await reader.aclose()


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2]", b'{"values": {"x": 1}}',
                                    b"[" * 5000])
async def test_a_damaged_header_cache_is_read_again_from_the_registry(damage: bytes,
                                                                     tmp_path: Path) -> None:
    async with running_emulator() as emu:
        first = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            facts = await first.facts("qwen3:14b")
        finally:
            await first.aclose()
        for cached in tmp_path.glob("*.json"):
            cached.write_bytes(damage)
        later = RegistryFactsReader(emu.url, cache_dir=tmp_path)
        try:
            again = await later.facts("qwen3:14b")
        finally:
            await later.aclose()
    assert again.bytes_read > 0 and again.estimate(8192) == facts.estimate(8192)
