"""`qgoose-tui emulator`: serve the emulator in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tui.emulator.server import DEFAULT_PULL_RATE, Emulator, Faults
from tui.emulator.store import Store


def serve_forever(args: argparse.Namespace) -> int:
    faults = Faults(
        latency=args.latency,
        error_500="emulated server error" if args.fail == "500" else None,
        html=args.fail == "html",
        stall=args.fail == "stall",
        cut_after_events=args.cut_after_events,
        cut_after_bytes=args.cut_after_bytes,
    )
    # With a models directory the store is small models with real bytes, written there in
    # Ollama's layout (a transfer's source); otherwise the demo set.
    store = Store.small([f"tiny-{i}:1m" for i in range(args.models or 3)]) \
        if args.models_dir else Store.demo(extra_models=args.models)
    emulator = Emulator(
        store=store,
        models_dir=Path(args.models_dir) if args.models_dir else None,
        pull_rate=args.pull_rate or DEFAULT_PULL_RATE,
        server_version=args.server_version,
        vram=args.vram,
        max_loaded_models=args.max_loaded,
        outdated=args.outdated,
        token=args.require_token or "",
        host=args.bind,
        port=args.port,
        faults=faults,
    )
    try:
        asyncio.run(_serve(emulator))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"qgoose-tui: error: cannot listen on {args.bind}:{args.port}: {exc.strerror}",
              file=sys.stderr)
        return 1
    return 0


async def _serve(emulator: Emulator) -> None:
    await emulator.start()
    count = len(emulator.store.installed)
    print(f"Ollama emulator listening on {emulator.url} ({count} models installed); "
          "Ctrl-C stops it", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()
