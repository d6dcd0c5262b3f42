"""The emulator survives hostile clients: floods of uploads and bodies, deep JSON, slow or
idle connections; and it refuses a models directory it cannot use in one line."""

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import Store


def _start_cli_emulator(*args: str, preexec=None) -> tuple[subprocess.Popen, str]:
    """`qgoose-tui emulator` in its own process, on a free port; its URL once it listens."""
    process = subprocess.Popen([sys.executable, "-m", "tui", "emulator", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=preexec)
    line = process.stdout.readline() if process.stdout else ""
    assert "listening on " in line, process.stderr.read() if process.stderr else line
    return process, line.split("listening on ")[1].split()[0]


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc for RSS")
def test_a_flood_of_uploads_does_not_grow_the_emulators_memory() -> None:
    # 800 uploads of 1 MB once made the emulator hold 865 MB.
    process, url = _start_cli_emulator()
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            http.get("/api/version")
            before = _rss(process.pid)
            for i in range(48):
                data = i.to_bytes(4, "big") * (1 << 18)  # 1 MiB, each different
                digest = "sha256:" + hashlib.sha256(data).hexdigest()
                assert http.post(f"/api/blobs/{digest}", content=data).status_code == 201
            assert http.head(f"/api/blobs/{digest}").status_code == 200
            grown = _rss(process.pid) - before
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert grown < 24 << 20, f"RSS grew by {grown >> 20} MiB for 48 MiB of uploads"


async def test_uploads_are_files_that_go_when_the_emulator_goes() -> None:
    async with running_emulator(store=Store.small([])) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        data = b"weights" * 40_000
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        assert (await http.post(f"/api/blobs/{digest}", content=data)).status_code == 201
        path = emu.store.contents.path(digest)
        assert path is not None and path.read_bytes() == data
        assert emu.store.contents.memory_bytes == 0
        # A known blob is not read again (Ollama answers 200 at once).
        assert (await http.post(f"/api/blobs/{digest}", content=b"x")).status_code == 200
    assert not path.exists()


async def test_a_wrong_upload_leaves_nothing_behind() -> None:
    async with running_emulator() as emu, httpx.AsyncClient(base_url=emu.url) as http:
        claimed = "sha256:" + "ab" * 32
        response = await http.post(f"/api/blobs/{claimed}", content=b"other bytes")
        assert response.status_code == 400
        assert response.json()["error"].startswith(f'digest mismatch, expected "{claimed}"')
        assert claimed not in emu.store.contents
        folder = emu.store.contents._folder()
        assert list(folder.iterdir()) == []


async def test_the_request_log_keeps_no_bodies(emulator: Emulator) -> None:
    # Bodies up to 64 KB were kept parsed: a flood of them took 3.1 GB.
    big = [{"k": i} for i in range(5000)]
    async with httpx.AsyncClient(base_url=emulator.url) as http:
        await http.post("/api/show", json={"model": "llava:7b", "verbose": False,
                                            "future": big, "note": "n" * 10_000})
    [entry] = [r for r in emulator.requests if r.path == "/api/show"]
    assert entry.body == {"model": "llava:7b", "verbose": False, "note": "n" * 200}
    assert (entry.method, entry.status) == ("POST", 200)


@pytest.mark.parametrize("path", ["/api/show", "/api/generate", "/api/pull", "/api/create"])
async def test_json_nested_too_deep_is_a_400_not_a_crash(emulator: Emulator, path: str,
                                                         capfd) -> None:
    async with httpx.AsyncClient(base_url=emulator.url) as http:
        deep = b"[" * 65_536 + b"]" * 65_536
        response = await http.post(path, content=deep)
        assert (response.status_code, response.json()) == (400, {"error": "exceeded max depth"})
        nested = {"model": "llava:7b", "options": json.loads("[" * 65 + "]" * 65)}
        assert (await http.post(path, json=nested)).status_code == 400
        # Strings full of brackets are not nesting.
        fine = await http.post("/api/show", json={"model": "llava:7b", "x": "[" * 500})
        assert fine.status_code == 200
    assert "Traceback" not in capfd.readouterr().err


async def _partial_requests(url: str, count: int) -> list[tuple[asyncio.StreamReader,
                                                               asyncio.StreamWriter]]:
    host, port = url.removeprefix("http://").split(":")
    opened = []
    for _ in range(count):
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2)
        except (OSError, TimeoutError):
            continue
        writer.write(b"GET /api/version HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
        opened.append((reader, writer))
    return opened


async def test_slow_and_idle_connections_are_closed_and_real_requests_still_answered() -> None:
    async with running_emulator(header_timeout=1.0, idle_timeout=1.0,
                                max_waiting_connections=20) as emu:
        slow = await _partial_requests(emu.url, 60)
        async with httpx.AsyncClient(base_url=emu.url) as http:
            assert (await http.get("/api/version")).status_code == 200
        # Each one is closed by the server: the oldest at once (over the cap of 20 waiting),
        # the rest after the timeout.
        closed = await asyncio.gather(*(asyncio.wait_for(reader.read(), 6)
                                        for reader, _ in slow))
        assert all(data == b"" for data in closed)
        for _, writer in slow:
            writer.close()
        # A kept-alive connection that sits idle goes too.
        idle = await asyncio.open_connection(emu.host, emu.port)
        idle[1].write(b"GET /api/version HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = await asyncio.wait_for(idle[0].read(), 6)
        assert answer.startswith(b"HTTP/1.1 200") and b'"version"' in answer
        idle[1].close()


@pytest.mark.skipif(sys.platform == "win32", reason="file descriptor limits are POSIX")
async def test_a_slowloris_cannot_starve_the_emulator_of_descriptors() -> None:
    # With `ulimit -n 256`, 400 slow connections once made real requests fail.
    import resource

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    process, url = _start_cli_emulator(preexec=low_limit)
    try:
        slow = await _partial_requests(url, 150)
        assert len(slow) > 64
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            response = await http.get("/api/version")
        assert response.status_code == 200 and time.monotonic() - started < 3
        for _, writer in slow:
            writer.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("kind", ["file", "nowhere", "unreadable"])
def test_a_bad_models_dir_is_one_line(tmp_path: Path, kind: str, capsys) -> None:
    if kind == "file":
        target = tmp_path / "models"
        target.write_text("not a directory")
    elif kind == "nowhere":
        target = Path("/proc/nope")
    else:
        if os.geteuid() == 0:
            pytest.skip("root reads and writes any directory")
        target = tmp_path / "locked"
        target.mkdir(mode=0)
    from tui.cli import main

    assert main(["emulator", "--port", "0", "--models-dir", str(target)]) == 1
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert stderr.startswith(f"qgoose-tui: error: cannot use --models-dir {target}: ")


def test_listening_beyond_this_machine_warns() -> None:
    process = subprocess.Popen([sys.executable, "-m", "tui", "emulator", "--port", "0",
                                "--host", "0.0.0.0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert "listening on" in process.stdout.readline()  # the warning came before it
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert stderr.startswith("qgoose-tui: warning: the emulator listens on 0.0.0.0")


def test_loopback_is_decided_by_parsing() -> None:
    from tui.emulator.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("127.5.5.5") and is_loopback("::1")
    assert is_loopback("localhost") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("127.0.0.1.example.invalid")
    assert not is_loopback("::")


def _write_manifest(directory: Path, name: str, layers: list[dict]) -> None:
    config = b'{"model_format":"gguf","model_family":"llama"}'
    (directory / "blobs").mkdir(parents=True, exist_ok=True)
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    (directory / "blobs" / config_digest.replace(":", "-")).write_bytes(config)
    manifest = {"schemaVersion": 2, "mediaType": "x",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                           "digest": config_digest, "size": len(config)},
                "layers": layers}
    path = directory / "manifests" / "registry.ollama.ai" / "library" / name
    path.mkdir(parents=True, exist_ok=True)
    (path / "latest").write_text(json.dumps(manifest))


async def test_models_dir_manifests_with_odd_digests_are_skipped(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("LOCAL-SECRET")
    weights = b"GGUF" + bytes(100)
    good = "sha256:" + hashlib.sha256(weights).hexdigest()
    _write_manifest(tmp_path, "good", [
        {"mediaType": "application/vnd.ollama.image.model", "digest": good, "size": 104}])
    (tmp_path / "blobs" / good.replace(":", "-")).write_bytes(weights)
    for name, digest in (("abs", str(secret)), ("upper", good.upper().replace("SHA", "sha")),
                         ("dots", "sha256:../../secret.txt")):
        _write_manifest(tmp_path, name, [
            {"mediaType": "application/vnd.ollama.image.license", "digest": digest,
             "size": 12}])
    async with running_emulator(store=Store.small([]), models_dir=tmp_path) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        names = [m["name"] for m in (await http.get("/api/tags")).json()["models"]]
        assert names == ["good:latest"]
        assert len(emu.skipped_manifests) == 3
        assert all("is not sha256: and 64 hex" in line for line in emu.skipped_manifests)
        show = await http.post("/api/show", json={"model": "good"})
        assert "LOCAL-SECRET" not in show.text
