"""`qgoose-tui emulator`: serve the emulator in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import sys
from pathlib import Path

from tui.emulator.server import DEFAULT_PULL_RATE, Emulator, Faults
from tui.emulator.store import Store


def serve_forever(args: argparse.Namespace) -> int:
    if args.models_dir:
        problem = models_dir_problem(Path(args.models_dir))
        if problem:
            print(f"qgoose-tui: error: cannot use --models-dir {args.models_dir}: {problem}",
                  file=sys.stderr)
            return 1
    if not is_loopback(args.bind):
        print(f"qgoose-tui: warning: the emulator listens on {args.bind}, so other machines "
              "can reach it; it is for demos and tests, not for a network", file=sys.stderr)
    faults = Faults(
        latency=args.latency,
        error_500="emulated server error" if args.fail == "500" else None,
        html=args.fail == "html",
        stall=args.fail == "stall",
        cut_after_events=args.cut_after_events,
        cut_after_bytes=args.cut_after_bytes,
        push=getattr(args, "fail_push", None),
    )
    # With a models directory the store is small models with real bytes, written there in
    # Ollama's layout (a transfer's source); otherwise the demo set.
    store = Store.small([f"tiny-{i}:1m" for i in range(args.models or 3)]) \
        if args.models_dir else Store.demo(extra_models=args.models)
    try:
        emulator = _emulator(args, store, faults)
    except OSError as exc:  # the models directory turned out unwritable
        print(f"qgoose-tui: error: cannot use --models-dir {args.models_dir}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    for line in emulator.skipped_manifests:
        print(f"qgoose-tui: warning: {args.models_dir}: {line}", file=sys.stderr)
    try:
        asyncio.run(_serve(emulator))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"qgoose-tui: error: cannot listen on {args.bind}:{args.port}: {exc.strerror}",
              file=sys.stderr)
        return 1
    finally:
        emulator.close()
    return 0


def _emulator(args: argparse.Namespace, store: Store, faults: Faults) -> Emulator:
    return Emulator(
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


def models_dir_problem(directory: Path) -> str | None:
    """Why `directory` cannot hold models (None when it can): it is made when missing."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return "it is not a directory"
    except OSError as exc:
        return exc.strerror or str(exc)
    if not directory.is_dir():
        return "it is not a directory"
    if not os.access(directory, os.R_OK | os.W_OK | os.X_OK):
        return "permission denied"
    return None


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the emulator on this machine (decided by parsing the
    address, never by a name's prefix)."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def _serve(emulator: Emulator) -> None:
    await emulator.start()
    count = len(emulator.store.installed)
    print(f"Ollama emulator listening on {emulator.url} ({count} models installed); "
          "Ctrl-C stops it", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()
