"""Know before you pull: the pull dialog's verdict for a typed name, and its tag picker for
a model of 20 tags, against the emulator's registry over loopback answering each request in
50 ms; keys in the dialog meanwhile. Rows as (figure, value, ratio, target, met)."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from textual import events
from textual.widgets import Input, Static

from tests.conftest import ThreadedEmulator
from tui.core.library_tags import LIBRARY_TAGS
from tui.emulator.catalog import make_model
from tui.emulator.model_texts import APACHE, CHATML_TEMPLATE
from tui.emulator.registry import blob_log
from tui.emulator.store import Store, key_of
from tui.ollama.names import parse_name
from tui.services.config import Settings
from tui.services.history import History
from tui.services.list_cache import ListCache
from tui.ui.app import QGooseApp
from tui.ui.screens.pull_dialog import PullDialog
from tui.ui.widgets.tag_picker import TagPicker

Figure = tuple[str, str, str, str, bool | None]
TAGS = 20
LATENCY = 0.05  # seconds the registry takes for each answer


def _store() -> Store:
    """The demo's registry and a model of 20 tags, each its own weights (qwen3:8b's shape)."""
    store = Store.demo()
    for i in range(TAGS):
        name = f"bench20:t{i}"
        model = make_model(name, "qwen3", "8.2B", "Q4_K_M", 8190735360,
                           5_000_000_000 + i * 10**8, 40960, 4096, 36, 32, 8,
                           ("completion",), CHATML_TEMPLATE, APACHE)
        store.catalog[key_of(parse_name(name))] = model
    LIBRARY_TAGS["bench20"] = tuple(f"t{i}" for i in range(TAGS))  # a model the app knows
    return store


async def _type(app: QGooseApp, text: str) -> float:
    """Post each key of `text` as typed (a key at a time), return when the last went."""
    for char in text:
        app.post_message(events.Key(char, char))
        await asyncio.sleep(0.03)
    return time.perf_counter()


async def _key_latency(app: QGooseApp, name: Input, index: int) -> float:
    """Seconds from a cursor key posted until the name field's cursor has moved."""
    before = name.cursor_position
    start = time.perf_counter()
    app.post_message(events.Key("left" if index % 2 == 0 else "right", None))
    while name.cursor_position == before:
        await asyncio.sleep(0)
    took = time.perf_counter() - start
    await asyncio.sleep(0.02)
    return took


async def _one_run(url: str, emulator_log: object) -> tuple[float, int, float, list[float]]:
    """Verdict seconds after the last key and blob bytes read for it; the picker's seconds
    to fill its 20 rows after the last key, and key latencies meanwhile."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = tmp  # a cold header cache, never the user's
        settings = Settings(host=url, path=Path(tmp) / "c.toml")
        settings.registry, settings.vram, settings.fit_context = url, "12GB", 8192
        app = QGooseApp(settings, list_cache=ListCache(Path(tmp) / "cache"),
                        history=History(None))
        async with app.run_test(size=(110, 40)) as pilot:
            while "models" not in app.views:
                await pilot.pause(0.02)
            await pilot.press("p")
            while not isinstance(app.screen, PullDialog):
                await pilot.pause(0.01)
            fit = app.screen.query_one("#fit", Static)
            served = blob_log(emulator_log).bytes_served  # type: ignore[arg-type]
            last = await _type(app, "qwen3:32b")
            while "to download" not in str(fit.content):
                await asyncio.sleep(0.005)
            verdict = time.perf_counter() - last
            read = blob_log(emulator_log).bytes_served - served  # type: ignore[arg-type]
            name = app.screen.query_one("#name", Input)
            name.value = ""
            await pilot.pause(0.05)
            picker = app.screen.query_one(TagPicker)
            last = await _type(app, "bench20")
            latencies: list[float] = []
            while len(picker.rows) < TAGS:
                latencies.append(await _key_latency(app, name, len(latencies)))
            filled = time.perf_counter() - last
    return verdict, read, filled, latencies


def fit_rows(runs: int) -> list[Figure]:
    server = ThreadedEmulator(store=_store())
    server.emulator.faults.registry_latency = LATENCY
    cache_home = os.environ.get("XDG_CACHE_HOME")
    try:
        results = [asyncio.run(_one_run(server.emulator.url, server.emulator))
                   for _ in range(runs)]
    finally:
        server.close()
        if cache_home is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = cache_home
    verdict = statistics.median(r[0] for r in results)
    read = max(r[1] for r in results)
    filled = statistics.median(r[2] for r in results)
    keys = sorted(k for r in results for k in r[3])
    worst = keys[int(len(keys) * 0.95)] if keys else 0.0
    return [
        ("pull dialog: last key → size and verdict of `qwen3:32b`, registry answering in "
         "50 ms (median; blob bytes read, most of any run)",
         f"{verdict:.2f} s; {read / 2**20:.2f} MiB", f"{verdict / 1.5:.2f}× target",
         "≤ 1.5 s, ≤ 16 MB", verdict <= 1.5 and read <= 16 << 20),
        (f"tag picker: last key → all {TAGS} tags' size and verdict, registry in 50 ms",
         f"{filled:.2f} s", f"{filled / 3:.2f}× target", "≤ 3 s", filled <= 3.0),
        ("key → cursor moved in the dialog while the picker fills (95th pct)",
         f"{worst * 1000:.1f} ms over {len(keys)} keys", "", "≤ 50 ms", worst <= 0.050),
    ]
