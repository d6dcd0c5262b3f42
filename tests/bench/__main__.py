"""Run every benchmark and print the table: `python -m tests.bench [--runs N]`.

Peers are measured in the same run against the same emulator. Figures are medians.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import dataclasses
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from textual import events

import tui
from tests.conftest import ThreadedEmulator
from tui.emulator.server import Emulator
from tui.emulator.store import Store
from tui.ollama import OllamaClient
from tui.ollama.progress import PullProgress
from tui.services.config import Settings
from tui.services.history import History
from tui.services.list_cache import ListCache
from tui.services.registry import UpdateChecker
from tui.services.session import Changed
from tui.ui.app import QGooseApp
from tui.ui.screens.models import ModelsScreen
from tui.ui.widgets.model_grid import ModelGrid

DEMO_MODELS = len(Store.demo().installed)  # the demo set; --models adds generated ones


def grid_of(app: QGooseApp) -> ModelGrid:
    view = app.views["models"]
    assert isinstance(view, ModelsScreen)
    return view.grid


async def key_latency(app: QGooseApp, grid: ModelGrid, index: int) -> float:
    """Seconds from a key posted to the app until the grid's cursor has moved (down 20,
    up 20, …), then a pause at a person's key repeat rate."""
    before = grid.cursor_row
    start = time.perf_counter()
    app.post_message(events.Key("down" if index % 40 < 20 else "up", None))
    while grid.cursor_row == before:
        await asyncio.sleep(0)
    took = time.perf_counter() - start
    await asyncio.sleep(0.02)
    return took


@dataclass
class Row:
    figure: str
    value: str
    ratio: str
    target: str
    met: bool | None


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


@dataclass
class ChildRun:
    first_frame: float  # seconds from launch until the awaited frame was drawn
    whole: float  # seconds from launch until the process ended
    peak_rss_kib: int


def child(args: list[str]) -> ChildRun:
    """One fresh process of tests/bench/_child.py, timed from its launch."""
    start = time.monotonic()
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True)
    whole = time.monotonic() - start
    drawn_at, rss = result.stdout.split()[-2:]
    return ChildRun(float(drawn_at) - start, whole, int(rss))


def with_emulator(models: int) -> ThreadedEmulator:
    return ThreadedEmulator(store=Store.demo(extra_models=models - DEMO_MODELS))


# -- the figures --------------------------------------------------------------------------
def startup(runs: int) -> list[Row]:
    server = with_emulator(50)
    try:
        url = server.emulator.url
        with tempfile.TemporaryDirectory() as warm:
            app = ["-m", "tests.bench._child", "app", url, "50"]
            child([*app, warm])  # the first start leaves the list in the cache
            # Alternated, so that the machine's load changes both sides alike; three times
            # the runs, as a start is short and this machine's load moves it by ±10%.
            pairs = [(child([*app, warm]), child(["-m", "tests.bench._child", "bare"]))
                     for _ in range(3 * runs)]

            def cold() -> float:
                with tempfile.TemporaryDirectory() as empty:
                    return child([*app, empty]).first_frame

            first = median_of(runs, cold)
    finally:
        server.close()
    ours = statistics.median(run.first_frame for run, _ in pairs)
    bare = statistics.median(run.first_frame for _, run in pairs)
    ours_whole = statistics.median(run.whole for run, _ in pairs)
    bare_whole = statistics.median(run.whole for _, run in pairs)
    return [
        Row("TUI start → first frame with the grid of 50 models ÷ bare Textual DataTable app",
            f"{ours * 1000:.0f} ms vs {bare * 1000:.0f} ms", f"{ours / bare:.2f}×", "≤ 1.3×",
            ours / bare <= 1.3),
        Row("the same, very first start (no list saved yet) ÷ bare app",
            f"{first * 1000:.0f} ms vs {bare * 1000:.0f} ms", f"{first / bare:.2f}×", "", None),
        Row("the same, until the process has exited ÷ bare app",
            f"{ours_whole * 1000:.0f} ms vs {bare_whole * 1000:.0f} ms",
            f"{ours_whole / bare_whole:.2f}×", "", None),
    ]


def list_json(runs: int) -> Row:
    server = with_emulator(50)
    env = {**os.environ, "OLLAMA_HOST": server.emulator.url.removeprefix("http://")}
    try:
        def ours() -> float:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "tui", "list", "--json", "--config",
                                f"{tmp}/c.toml"], env=env, check=True, capture_output=True)
                return time.perf_counter() - start

        def peer() -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import ollama; ollama.list()"], env=env,
                           check=True, capture_output=True)
            return time.perf_counter() - start

        a, b = median_of(runs, ours), median_of(runs, peer)
    finally:
        server.close()
    return Row("`qgoose-tui list --json` process ÷ `python -c 'import ollama; ollama.list()'`",
               f"{a * 1000:.0f} ms vs {b * 1000:.0f} ms", f"{a / b:.2f}×", "≤ 1.0×", a / b <= 1.0)


_MEASURED = """
import sys
from pathlib import Path
def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return line.split()[1]
if sys.argv[1] == "ours":
    from tui.cli.entry import run
    sys.argv = ["qgoose-tui", "list", "--json", "--config", sys.argv[2]]
    run()
else:
    import ollama
    ollama.list()
print(peak(), file=sys.stderr)
"""


def list_json_at_scale(runs: int, models: int = 50_000) -> Row:
    """`list --json` with 50,000 models: time and peak memory against the official client."""
    server = with_emulator(models)
    env = {**os.environ, "OLLAMA_HOST": server.emulator.url.removeprefix("http://")}

    def measure(who: str) -> tuple[float, int]:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", _MEASURED, who, f"{tmp}/c.toml"],
                                  env=env, check=True, capture_output=True, text=True)
            return time.perf_counter() - start, int(done.stderr.split()[-1])

    try:
        ours = [measure("ours") for _ in range(runs)]
        peer = [measure("peer") for _ in range(runs)]
    finally:
        server.close()
    t_ours, t_peer = (statistics.median(t for t, _ in runs_) for runs_ in (ours, peer))
    m_ours, m_peer = (statistics.median(m for _, m in runs_) for runs_ in (ours, peer))
    worst = max(t_ours / t_peer, m_ours / m_peer)
    return Row(f"`list --json`, {models:,} models ÷ official client (time; peak memory)",
               f"{t_ours:.1f} s vs {t_peer:.1f} s; {m_ours / 1024:.0f} MiB vs "
               f"{m_peer / 1024:.0f} MiB", f"{t_ours / t_peer:.2f}×; {m_ours / m_peer:.2f}×",
               "≤ 1.0× both", worst <= 1.0)


async def _grid_figures(runs: int) -> tuple[float, float, float, float, float, float]:
    """Filter keystroke latency with 5,000 models; populate time for 5,000 and for 50, the
    list set again (as each refresh does) and a list of models the grid has not shown."""
    emulator = Emulator(store=Store.demo(extra_models=5000 - DEMO_MODELS))
    await emulator.start()
    try:
        async with OllamaClient(emulator.url) as client:
            big = await client.list_models()
        small = big[:50]
        with tempfile.TemporaryDirectory() as tmp:
            app = QGooseApp(Settings(host=emulator.url, path=Path(tmp) / "c.toml"))
            async with app.run_test(size=(120, 40)) as pilot:
                while "models" not in app.views or len(grid_of(app).shown) < 5000:
                    await pilot.pause(0.05)
                grid = grid_of(app)

                async def populate(models: list) -> float:
                    """`set_models` and the frame after it: every visible line drawn.
                    (Waiting for the app to be idle instead timed Pilot's one-second cap:
                    the app is never idle while capabilities load.)"""
                    start = time.perf_counter()
                    grid.set_models(models, "", set())
                    for y in range(grid.size.height):
                        grid.render_line(y)
                    took = time.perf_counter() - start
                    await pilot.pause()
                    return took

                populate_small = statistics.median([await populate(small) for _ in range(runs)])
                populate_big = statistics.median([await populate(big) for _ in range(runs)])

                def unseen(models: list, run: int) -> list:  # other values: no cell kept
                    return [dataclasses.replace(m, size=m.size + run + 1) for m in models]

                first_small = statistics.median([await populate(unseen(small, run))
                                                 for run in range(runs)])
                first_big = statistics.median([await populate(unseen(big, run))
                                               for run in range(runs)])
                # One keystroke's work: filter and sort 5,000 models, then draw every
                # visible line of the grid (what the next frame shows).
                keystrokes = []
                for text in ("g", "ge", "gen", "gen-", "gen-l", "gen-ll", "gen-lla") * runs:
                    start = time.perf_counter()
                    grid.set_filter(text)
                    for y in range(grid.size.height):
                        grid.render_line(y)
                    keystrokes.append(time.perf_counter() - start)
                # The same with the filter language, through the view's own parsing.
                view = app.views["models"]
                query = "cap:completion size<5GB params>=7b -q8"
                structured = []
                for length in list(range(4, len(query) + 1)) * runs:
                    start = time.perf_counter()
                    view._apply_filter(query[:length])  # noqa: SLF001 - the keystroke's work
                    for y in range(grid.size.height):
                        grid.render_line(y)
                    structured.append(time.perf_counter() - start)
        return (statistics.median(keystrokes), statistics.median(structured), populate_big,
                populate_small, first_big, first_small)
    finally:
        await emulator.stop()


def grid_rows(runs: int) -> list[Row]:
    keystroke, structured, big, small, first_big, first_small = asyncio.run(_grid_figures(runs))
    return [
        Row("filter keystroke → repaint, 5,000 models (median)", f"{keystroke * 1000:.1f} ms",
            "", "≤ 16 ms", keystroke <= 0.016),
        Row("the same with a structured query (cap: size< params>= -word)",
            f"{structured * 1000:.1f} ms", "", "≤ 16 ms", structured <= 0.016),
        Row("grid populate, 5,000 models ÷ 50 models (the list set again: each refresh)",
            f"{big * 1000:.0f} ms vs {small * 1000:.1f} ms", f"{big / small:.1f}×", "≤ 10×",
            big / small <= 10),
        Row("the same, models the grid has not shown (every cell read: the first list)",
            f"{first_big * 1000:.0f} ms vs {first_small * 1000:.1f} ms",
            f"{first_big / first_small:.1f}×", "", None),  # linear: every model's cells
    ]


async def _key_latencies(keys: int) -> tuple[list[float], int]:
    """With 5,000 models, the time from a key to the grid's cursor moving, while the
    capabilities load in the background; and how many were fetched meanwhile. The emulator
    runs in a process of its own, as Ollama does: in a thread of this one, encoding its
    answers held the interpreter's lock against the app."""
    from tests.bench._serve_load import Process

    server = Process(["emulator", "--port", "0", "--models", str(5000 - DEMO_MODELS)])
    url = server.first_line.split(" on ", 1)[1].split()[0]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = QGooseApp(Settings(host=url, path=Path(tmp) / "c.toml"),
                            list_cache=ListCache(Path(tmp) / "cache"), history=History(None))
            async with app.run_test(size=(120, 40)) as pilot:
                while "models" not in app.views or len(grid_of(app).shown) < 5000:
                    await pilot.pause(0.05)
                grid = grid_of(app)
                grid.focus()
                latencies = [await key_latency(app, grid, index) for index in range(keys)]
                known = len(app.session.capabilities)
        return latencies, known
    finally:
        server.stop()


def keys_while_details_load(runs: int) -> Row:
    latencies, known = asyncio.run(_key_latencies(100 * runs))
    latencies.sort()
    median, worst = statistics.median(latencies), latencies[int(len(latencies) * 0.95)]
    return Row("key → cursor moved, 5,000 models, capabilities loading (median; 95th pct)",
               f"{median * 1000:.1f} ms; {worst * 1000:.1f} ms "
               f"({known} fetched meanwhile; the emulator in its own process)",
               "", "≤ 50 ms", worst <= 0.050)


async def _outdated_figures(models: int, latency: float) -> tuple[float, list[float], int]:
    """Wall time of an update check of `models` models against a registry answering in
    `latency` s each; key latencies in the grid while the app runs the same check."""
    server = ThreadedEmulator(store=Store.demo(extra_models=models - DEMO_MODELS), outdated=20)
    server.emulator.faults.registry_latency = latency
    url = server.emulator.url
    try:
        async with OllamaClient(url) as client:
            listed = await client.list_models()
        checker = UpdateChecker(url)
        start = time.perf_counter()
        checks = await checker.check_all(listed)
        wall = time.perf_counter() - start
        await checker.aclose()
        outdated = sum(1 for c in checks if c.outdated)
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(host=url, path=Path(tmp) / "c.toml")
            settings.registry = url
            app = QGooseApp(settings, list_cache=ListCache(Path(tmp) / "cache"),
                            history=History(None))
            latencies = []
            async with app.run_test(size=(120, 40)) as pilot:
                while "models" not in app.views or len(grid_of(app).shown) < models:
                    await pilot.pause(0.01)
                grid = grid_of(app)
                grid.focus()
                # The app starts its check a moment after the list: wait for it to begin.
                while not app.session.model_updates.asking_registries:
                    await pilot.pause(0.01)
                while app.session.model_updates.asking_registries:
                    latencies.append(await key_latency(app, grid, len(latencies)))
        return wall, latencies, outdated
    finally:
        server.close()


def outdated_check(runs: int) -> list[Row]:
    walls, latencies, outdated = [], [], 0
    for _ in range(runs):
        wall, keys, outdated = asyncio.run(_outdated_figures(200, 0.05))
        walls.append(wall)
        latencies += keys
    wall = statistics.median(walls)
    latencies.sort()
    worst = latencies[int(len(latencies) * 0.95)] if latencies else 0.0
    return [
        Row("outdated check, 200 models, registry answering in 50 ms",
            f"{wall:.2f} s ({outdated} outdated found)", f"{wall / (200 * 0.05):.2f}× serial",
            "≤ 2 s", wall <= 2.0),
        Row("key → cursor moved while that check runs in the app (95th pct)",
            f"{worst * 1000:.1f} ms over {len(latencies)} keys", "", "≤ 50 ms",
            worst <= 0.050),
    ]


def _cli_run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one `qgoose-tui` command in a fresh process,
    started through the entry point the `qgoose-tui` script runs (as the other figures)."""
    code = ("import sys; from tui.cli.entry import run as main; "
            "from tests.bench._child import peak_rss_kib; "
            "main(sys.argv[1:]); print(peak_rss_kib())")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                            text=True, check=False)
    return time.perf_counter() - start, int(result.stdout.split()[-1])


def fleet_rows(runs: int) -> list[Row]:
    """`fleet --json` over 20 emulators (demo sets: they share every model) against one
    host's `list --json`; then with one of them never answering."""
    from tui.services.fleet import HOST_DEADLINE

    servers = [ThreadedEmulator() for _ in range(20)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            def config(count: int) -> str:
                path = Path(tmp) / f"fleet{count}.toml"
                path.write_text("".join(f'[hosts.h{i}]\nurl = "{s.emulator.url}"\n'
                                        for i, s in enumerate(servers[:count])))
                return str(path)

            many, one = config(20), config(1)
            fleet = [_cli_run(["--config", many, "fleet", "--json"]) for _ in range(runs)]
            single = [_cli_run(["--config", one, "list", "--json"]) for _ in range(runs)]
            fleet_one = [_cli_run(["--config", one, "fleet", "--json"]) for _ in range(runs)]
            servers[-1].emulator.faults.stall = True
            stuck = [_cli_run(["--config", many, "fleet", "--json"])[0] for _ in range(runs)]
    finally:
        for server in servers:
            server.close()
    t_fleet = statistics.median(t for t, _ in fleet)
    t_single = statistics.median(t for t, _ in single)
    m_fleet = statistics.median(m for _, m in fleet)
    m_one = statistics.median(m for _, m in fleet_one)
    t_stuck = statistics.median(stuck)
    return [
        Row("`fleet --json`, 20 hosts ÷ one host's `list --json`",
            f"{t_fleet * 1000:.0f} ms vs {t_single * 1000:.0f} ms", f"{t_fleet / t_single:.2f}×",
            "≤ 1.5×", t_fleet / t_single <= 1.5),
        Row("`fleet --json`, 20 hosts, one never answering",
            f"{t_stuck:.2f} s (deadline {HOST_DEADLINE:.0f} s)", "",
            f"≤ {HOST_DEADLINE + 0.5:.1f} s", t_stuck <= HOST_DEADLINE + 0.5),
        Row("peak RSS of `fleet --json`, 20 hosts ÷ 1 host (same models)",
            f"{m_fleet / 1024:.0f} MiB vs {m_one / 1024:.0f} MiB", f"{m_fleet / m_one:.2f}×",
            "< 20× (less than linear)", m_fleet / m_one < 20),
    ]


class _CannedPull(BaseHTTPRequestHandler):
    body = b""

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def _canned_body(events_count: int) -> bytes:
    digest = "sha256:" + "ab" * 32
    total = events_count * 20_000
    lines = ['{"status":"pulling manifest"}']
    lines += [f'{{"status":"pulling abababababab","digest":"{digest}","total":{total},'
              f'"completed":{i * 20_000}}}' for i in range(1, events_count + 1)]
    lines += ['{"status":"verifying sha256 digest"}', '{"status":"writing manifest"}',
              '{"status":"success"}']
    return ("\n".join(lines) + "\n").encode()


def pull_cpu(runs: int) -> Row:
    import ollama

    _CannedPull.body = _canned_body(100_000)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CannedPull)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    def ours() -> float:
        async def consume() -> float:
            progress = PullProgress("m")
            async with OllamaClient(url) as client:
                start = time.process_time()
                async for event in client.pull("m", coalesce=True):
                    progress.feed(event, time.monotonic())
                return time.process_time() - start
        return asyncio.run(consume())

    def peer() -> float:
        client = ollama.Client(host=url)
        start = time.process_time()
        for _ in client.pull("m", stream=True):
            pass
        return time.process_time() - start

    try:
        a, b = median_of(runs, ours), median_of(runs, peer)
    finally:
        server.shutdown()
    return Row("client CPU for 100,000 pull events ÷ official `ollama` client",
               f"{a:.2f} s vs {b:.2f} s", f"{a / b:.2f}×", "≤ 0.5×", a / b <= 0.5)


async def _repaint_rate(url: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = QGooseApp(Settings(host=url, path=Path(tmp) / "c.toml"))
        async with app.run_test(size=(100, 30)) as pilot:
            while "models" not in app.views or not grid_of(app).shown:
                await pilot.pause(0.05)
            repaints: list[float] = []  # when the pulls redrew (not the list, the status)

            def note(event: object) -> None:
                if isinstance(event, Changed) and event.topic == "pulls":
                    repaints.append(time.perf_counter())

            app.session_changed.subscribe(app.views["models"], note, immediate=True)
            app.start_pull("llama3.1:8b")
            job = app.session.pulls.get("llama3.1:8b")
            assert job is not None
            await pilot.pause(0.5)
            done0, first, start = job.progress.completed, len(repaints), time.perf_counter()
            app.post_message(events.Key("s", "s"))
            await pilot.pause(3.0)
            elapsed = time.perf_counter() - start
            lines = (job.progress.completed - done0) / STREAM_STEP
            # Intervals between the redraws seen: a window of 3 s can hold 31 ticks of 10 Hz.
            seen = repaints[first:]
            return lines / elapsed, (len(seen) - 1) / (seen[-1] - seen[0])

STREAM_STEP = 20_000  # bytes a progress line


def repaint_rate(runs: int) -> Row:
    # The emulator on its own thread and loop, as a separate server would be.
    server = ThreadedEmulator(pull_step=STREAM_STEP, progress_interval=0.0001)
    try:
        event_rate, repaints = asyncio.run(_repaint_rate(server.emulator.url))
    finally:
        server.close()
    # Judged as shown, to a tenth: the app's timer runs at 10 Hz exactly.
    return Row("progress repaints a second while the stream sends events",
               f"{repaints:.1f}/s at {event_rate:,.0f} events/s", "", "≤ 10",
               round(repaints, 1) <= 10)


def memory(runs: int) -> Row:
    server = with_emulator(5000)
    try:
        url = server.emulator.url

        def ours_rss() -> float:
            # An empty cache: the list comes from the network, the costlier path.
            with tempfile.TemporaryDirectory() as empty:
                return child(["-m", "tests.bench._child", "app", url, "5000",
                              empty]).peak_rss_kib

        ours = median_of(runs, ours_rss)
        bare = median_of(runs, lambda: child(["-m", "tests.bench._child", "bare"]).peak_rss_kib)
    finally:
        server.close()
    return Row("peak RSS with 5,000 models ÷ bare Textual app",
               f"{ours / 1024:.0f} MiB vs {bare / 1024:.0f} MiB", f"{ours / bare:.2f}×",
               "≤ 1.5×", ours / bare <= 1.5)


SERVE_CLIENTS = 50
SERVE_SECONDS = 20.0  # each side's load; `--serve-seconds` changes it


def serve_rows(runs: int) -> list[Row]:
    """`qgoose-tui serve`'s GET /api/models/ against the emulator's own /api/tags (the same
    list), SERVE_CLIENTS clients for SERVE_SECONDS each: what serving adds (one run)."""
    from tests.bench._serve_load import measure

    figures = measure(SERVE_CLIENTS, SERVE_SECONDS)
    direct, served = figures.direct, figures.served
    added = served.median - direct.median
    errors = served.errors + direct.errors
    lone = measure(1, SERVE_SECONDS / 4)  # what one request pays when nothing is shared
    return [
        Row(f"`serve`: GET /api/models/ ÷ the emulator's /api/tags, {SERVE_CLIENTS} clients "
            f"for {SERVE_SECONDS:g} s (median latency; requests/s; errors)",
            f"{served.median * 1000:.1f} ms vs {direct.median * 1000:.1f} ms; "
            f"{served.rate:,.0f}/s vs {direct.rate:,.0f}/s; {errors} errors",
            f"{added * 1000:+.1f} ms added", "≤ 2 ms added, 0 errors",
            added <= 0.002 and errors == 0),
        Row("peak RSS of `serve` under that load", f"{figures.peak_rss_kib / 1024:.0f} MiB",
            "", "", None),
        Row("the same, one client at a time (median latency; requests/s)",
            f"{lone.served.median * 1000:.1f} ms vs {lone.direct.median * 1000:.1f} ms; "
            f"{lone.served.rate:,.0f}/s vs {lone.direct.rate:,.0f}/s",
            f"{(lone.served.median - lone.direct.median) * 1000:+.1f} ms added", "", None),
    ]


def fit_before_pull(runs: int) -> list[Row]:
    from tests.bench._fit import fit_rows

    return [Row(*figure) for figure in fit_rows(runs)]


def main() -> int:
    global SERVE_SECONDS
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--only", help="run only the benchmark of this name")
    parser.add_argument("--serve-seconds", type=float, default=SERVE_SECONDS,
                        help="how long each side of the serve figure is loaded")
    args = parser.parse_args()
    runs = args.runs
    SERVE_SECONDS = args.serve_seconds
    # The app's bytecode as pip leaves an installed package (Textual's is compiled at its
    # install): without it, every start compiles each edited module of an editable install
    # again when bytecode is not written (PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(Path(tui.__file__).parent, quiet=1)
    rows: list[Row] = []
    for bench in (startup, list_json, list_json_at_scale, grid_rows, keys_while_details_load,
                  outdated_check, fleet_rows, pull_cpu, repaint_rate, memory, serve_rows,
                  fit_before_pull):
        if args.only and bench.__name__ != args.only:
            continue
        result = bench(runs)
        rows.extend(result if isinstance(result, list) else [result])
        print(f"  {rows[-1].figure}: {rows[-1].value} {rows[-1].ratio}", file=sys.stderr)
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
               f"Python {platform.python_version()}")
    print(f"Benchmarks, {datetime.date.today()}, {machine}, medians of {runs} runs\n")
    print("| figure | measured | ratio | target | met |")
    print("|---|---|---|---|---|")
    for row in rows:
        met = "yes" if row.met else "no" if row.met is False else ""
        print(f"| {row.figure} | {row.value} | {row.ratio} | {row.target} | {met} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
