"""The `serve` figure's load: N clients asking one URL over and over for a while.

The emulator and `qgoose-tui serve` each run in a process of their own, as they would on a
GPU box; the clients run in the benchmark's process (one aiohttp session, a connection per
client, as browsers and scripts keep theirs open).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp


@dataclass
class Load:
    latencies: list[float]  # seconds, one per answered request
    errors: int
    seconds: float

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


async def _load(url: str, clients: int, seconds: float) -> Load:
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        end = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < end:
                start = time.perf_counter()
                try:
                    async with session.get(url) as response:
                        await response.read()
                        ok = response.status == 200
                except aiohttp.ClientError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - start)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        took = time.perf_counter() - began
    return Load(latencies, errors, took)


def load(url: str, clients: int, seconds: float) -> Load:
    asyncio.run(_load(url, clients, 0.5))  # warm: connections open, code paths run once
    return asyncio.run(_load(url, clients, seconds))


class Process:
    """A `python -m tui …` process whose first line of output says where it listens."""

    def __init__(self, args: list[str]) -> None:
        self.popen = subprocess.Popen([sys.executable, "-m", "tui", *args],
                                      stdout=subprocess.PIPE, text=True)
        assert self.popen.stdout is not None
        self.first_line = self.popen.stdout.readline()

    def peak_rss_kib(self) -> int:
        for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.popen.terminate()
        self.popen.wait(timeout=10)


@dataclass
class ServeFigures:
    direct: Load  # the emulator's own /api/tags
    served: Load  # /api/models/ through serve
    peak_rss_kib: int  # serve's


def measure(clients: int, seconds: float) -> ServeFigures:
    emulator = Process(["emulator", "--port", "0"])
    url = emulator.first_line.split(" on ", 1)[1].split()[0]
    with tempfile.TemporaryDirectory() as tmp:
        serve = Process(["--host", url, "--config", f"{tmp}/config.toml", "serve", "--port",
                         "0", "--json"])
        try:
            served_url = json.loads(serve.first_line)["url"]
            direct = load(url + "/api/tags", clients, seconds)
            served = load(served_url + "api/models/", clients, seconds)
            rss = serve.peak_rss_kib()
        finally:
            serve.stop()
            emulator.stop()
    return ServeFigures(direct, served, rss)
