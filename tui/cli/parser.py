"""Command line: no subcommand starts the TUI; subcommands do the same work for scripts.

Textual is imported only when the TUI starts, so `qgoose-tui list --json` stays quick.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui import __version__
from tui.cli.output import printable_stream, write_json
from tui.core.format import parse_size
from tui.services.config import (
    KV_CACHE_TYPES,
    Settings,
    demo_folder,
    for_demo,
    load_settings,
    use_demo_hosts,
)
from tui.services.history import History

if TYPE_CHECKING:
    from tui.cli.commands import Command

Handler = Callable[["Command", argparse.Namespace], Awaitable[int]]
DEMO_WITH_HOST = ("--demo runs its own built-in Ollama emulator and cannot use --host: drop "
                  "--host to try the demo, or drop --demo to use that host")


def _in(module: str) -> Any:
    """A command's module, imported when the command runs: the TUI starts without them
    (and without httpx, which they import)."""
    return import_module(f"tui.cli.{module}")


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options valid before or after the subcommand (`qgoose-tui --host H list`, or after)."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--host", metavar="URL", default=default,
                        help="Ollama's address (overrides OLLAMA_BASE_URL, OLLAMA_HOST, config)")
    parser.add_argument("--config", metavar="PATH", default=default,
                        help="config file to use instead of the per-user one")
    parser.add_argument("--demo", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="run against the built-in Ollama emulator (nothing else needed)")


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without `commands`, only what starting the TUI takes."""
    parser = argparse.ArgumentParser(
        prog="qgoose-tui",
        description="Manage the models of an Ollama server. With no command, start the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"qgoose-tui {__version__}")
    _global_options(parser, suppress=False)
    if not commands:
        parser.set_defaults(command=None)
        return parser
    from tui.core.filter_query import terms_examples  # the commands' help only, not the TUI's

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, suppress=True)
        p.add_argument("--json", action="store_true", help="print JSON for scripts")
        p.set_defaults(handler=handler)
        return p

    add("list", "list installed models", lambda c, a: _in("commands").cmd_list(c, a.filter)) \
        .add_argument("--filter", metavar="QUERY", default="",
                      help="only the models the query accepts, as in the filter box: "
                           + terms_examples())
    info = add("info", "show one model's details",
               lambda c, a: _in("variant_commands").cmd_modelfile(c, a.name) if a.modelfile
               else _in("commands").cmd_info(c, a.name))
    info.add_argument("name")
    info.add_argument("--modelfile", action="store_true", help="print its Modelfile")
    add("status", "host, version, counts, current and loaded models",
        lambda c, a: _in("commands").cmd_status(c))
    add("use", "set the current model (must be installed)",
        lambda c, a: _in("commands").cmd_use(c, a.name)).add_argument("name")
    pull = add("pull", "download a model, with progress (--on: onto several hosts at once)",
               lambda c, a: _in("memory_commands").cmd_pull_check(c, a.name) if a.check else
               _in("fleet_commands").cmd_pull_on(c, a.name, a.on) if a.on else
               _in("commands").cmd_pull(c, a.name, a.stream, _is_tty(c.out)))
    pull.add_argument("name")
    pull.add_argument("--on", metavar="HOSTS", default="",
                      help="configured hosts, separated by commas, or 'all'")
    pull.add_argument("--stream", action="store_true",
                      help="with --json: print every progress event, one JSON object a line")
    pull.add_argument("--check", action="store_true",
                      help="only say the download size and whether it fits (nothing pulled)")
    rm = add("rm", "delete models (asks first on a terminal; --on: from several hosts)",
             lambda c, a: _rm(c, a))
    rm.add_argument("names", nargs="+", metavar="NAME")
    rm.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    rm.add_argument("--on", metavar="HOSTS", default="",
                    help="configured hosts, separated by commas, or 'all' (one model)")
    transfer = add("transfer", "copy a model to another host without the internet (the "
                   "source's model files must be readable here)",
                   lambda c, a: _in("transfer_commands").cmd_transfer(c, a.name, a.source, a.target,
                                                               _is_tty(c.out), a.force, a.via))
    transfer.add_argument("name")
    transfer.add_argument("--from", dest="source", required=True, metavar="HOST")
    transfer.add_argument("--to", dest="target", required=True, metavar="HOST")
    transfer.add_argument("--force", action="store_true",
                          help="replace another version of the model on the target")
    transfer.add_argument("--via", choices=("auto", "api", "files"), default="auto",
                          help="files: write into the target's models_dir (every digest kept); "
                          "api: upload and create (Ollama >= 0.30 re-encodes the weights); "
                          "auto: files when the target's models_dir is writable here")
    export = add("export", "write a model (manifest and blobs) to a tar file",
                 lambda c, a: _in("transfer_commands").cmd_export(c, a.name, a.file, a.source))
    export.add_argument("name")
    export.add_argument("file")
    export.add_argument("--from", dest="source", default="", metavar="HOST")
    imported = add("import", "create a model on a host from an exported tar file",
                   lambda c, a: _in("transfer_commands").cmd_import(c, a.file, a.target, a.as_name,
                                                             _is_tty(c.out), a.force))
    imported.add_argument("file")
    imported.add_argument("--to", dest="target", required=True, metavar="HOST")
    imported.add_argument("--name", dest="as_name", default="", metavar="NAME",
                          help="create it under another name")
    imported.add_argument("--force", action="store_true",
                          help="replace another model of that name on the target")
    add("hosts", "the configured Ollama hosts and how each is doing",
        lambda c, a: _in("fleet_commands").cmd_hosts(c))
    add("fleet", "which models each host has: present, absent, or an older version",
        lambda c, a: _in("fleet_commands").cmd_fleet(c, a.filter)) \
        .add_argument("--filter", metavar="QUERY", default="",
                      help="only the models the query accepts (the filter language: "
                           + terms_examples() + ")")
    mv = add("mv", "rename a model safely: copy, check the copy, then delete the old name "
             "(the current model follows)",
             lambda c, a: _in("rename_command").cmd_mv(c, a.source, a.destination))
    mv.add_argument("source")
    mv.add_argument("destination")
    add("stats", "each model's use here, as this app has seen it: last used, times loaded "
        "and made current", lambda c, a: _in("stats_command").cmd_stats(c))
    add("outdated", "which models have a newer version in their registry (nothing is "
        "downloaded)", lambda c, a: _in("update_commands").cmd_outdated(c))
    update = add("update", "pull the outdated models among those named (or --all); the "
                 "current ones are left alone",
                 lambda c, a: _in("update_commands").cmd_update(c, a.names, a.all, _is_tty(c.out)))
    update.add_argument("names", nargs="*", metavar="NAME")
    update.add_argument("--all", action="store_true", help="every installed model")
    cp = add("cp", "copy a model under a new name",
             lambda c, a: _in("commands").cmd_cp(c, a.source, a.destination, a.force))
    cp.add_argument("source")
    cp.add_argument("destination")
    cp.add_argument("--force", action="store_true",
                    help="replace a different model that has the new name")
    add("ps", "list models loaded in memory", lambda c, a: _in("memory_commands").cmd_ps(c))
    add("current", "print the current model, for other programs: "
        'ollama run "$(qgoose-tui current)"', lambda c, a: _in("current_command").cmd_current(c))
    _in("serve_command").add_arguments(add(
        "serve", "serve the REST API and the model-manager web page (this machine only, "
        "unless --token-env)", lambda c, a: _in("serve_command").cmd_serve(c, a)))
    _add_memory_commands(add)
    add("compare", "two to four models side by side; rows that differ marked *",
        lambda c, a: _in("compare_command").cmd_compare(c, a.names)) \
        .add_argument("names", nargs="+", metavar="NAME")
    from tui.services.bench import DEFAULT_PROMPT, DEFAULT_RUNS, MAX_RUNS  # not for the TUI

    bench = add("bench", "a model's speed here, as Ollama measures it: tokens/s (inputs/s "
                "for embedding models); kept for the TUI's Speed column",
                lambda c, a: _in("compare_command").cmd_bench(c, a.name, a.runs, a.prompt))
    bench.add_argument("name")
    bench.add_argument("--runs", type=_number(int, 1, MAX_RUNS), default=DEFAULT_RUNS, metavar="N",
                       help="how many times to run the prompt (the first is cold)")
    bench.add_argument("--prompt", default=DEFAULT_PROMPT, metavar="TEXT")
    _in("variant_commands").add_arguments(add, _is_tty)
    _add_emulator_command(sub)
    return parser


def _add_memory_commands(add: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    load = add("load", "load a model into memory (keep it for --keep-alive)",
               lambda c, a: _in("memory_commands").cmd_load(c, a.name, a.keep_alive))
    load.add_argument("name")
    load.add_argument("--keep-alive", metavar="DURATION",
                      help="how long to keep it loaded: 5m, 1h, 30s or forever")
    unload = add("unload", "unload models from memory",
                 lambda c, a: _in("memory_commands").cmd_unload(c, a.names, a.all))
    unload.add_argument("names", nargs="*", metavar="NAME")
    unload.add_argument("--all", action="store_true", help="unload every loaded model")
    fit = add("fit", "estimate the memory a model needs at a context, and whether it fits",
              lambda c, a: _in("memory_commands").cmd_fit(c, a.name, a.ctx, a.kv_cache, a.vram,
                                                   a.parallel))
    fit.add_argument("name")
    fit.add_argument("--ctx", type=_context_argument, metavar="N",
                     help="context length in tokens, e.g. 8192 or 32k as in the filter "
                          "(k = 1,024; default: the config's fit_context)")
    fit.add_argument("--kv-cache", choices=KV_CACHE_TYPES,
                     help="KV cache type, as OLLAMA_KV_CACHE_TYPE (default f16)")
    fit.add_argument("--vram", metavar="SIZE", help="GPU memory, e.g. 24GB or 24GB,24GB")
    fit.add_argument("--parallel", type=_number(int, 1, 1024), default=1, metavar="N",
                     help="parallel sequences (OLLAMA_NUM_PARALLEL)")


def _add_emulator_command(sub: argparse._SubParsersAction) -> None:
    from tui.emulator.versions import DEFAULT_VERSION, SERVER_VERSIONS  # not for the TUI

    p = sub.add_parser("emulator", help="serve the built-in Ollama emulator in the foreground",
                       description="Serve an Ollama emulator (for demos and tests).")
    p.add_argument("--host", dest="bind", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=_number(int, 0, 65535), default=11434)
    p.add_argument("--pull-rate", type=_number(float, 1.0, 1e12), default=None,
                   metavar="BYTES_PER_S", help="simulated download speed")
    p.add_argument("--models-dir", metavar="DIR", default=None,
                   help="keep small models with real bytes, on disk in Ollama's layout "
                        "(--models N of them; for transfers)")
    p.add_argument("--require-token", metavar="TOKEN", default=None,
                   help="answer 401 unless requests carry 'Authorization: Bearer TOKEN'")
    p.add_argument("--outdated", type=_number(int, 0, 1_000_000), default=0, metavar="N",
                   help="give the registry newer versions of N installed models")
    p.add_argument("--models", type=_number(int, 0, 1_000_000), default=0, metavar="N",
                   help="add N generated models (for scale tests)")
    p.add_argument("--latency", type=_number(float, 0.0, 3600.0), default=0.0,
                   metavar="SECONDS", help="delay every answer")
    p.add_argument("--fail", choices=["500", "html", "stall"], default=None,
                   help="answer every API request with this fault")
    p.add_argument("--fail-push", choices=["unauthorized", "denied"], default=None,
                   help="make pushes fail: signed out of ollama.com, or not the namespace's "
                        "owner")
    p.add_argument("--cut-after-events", type=_number(int, 0, 10**9), default=None,
                   metavar="N", help="cut every pull stream after N events")
    p.add_argument("--cut-after-bytes", type=_number(int, 0, 10**12), default=None,
                   metavar="N", help="cut every pull stream after N bytes (mid-line)")
    p.add_argument("--vram", type=_size_argument, default=12 * 10**9, metavar="SIZE",
                   help="the GPU memory to pretend to have (default 12GB)")
    p.add_argument("--max-loaded", type=_number(int, 1, 1000), default=3, metavar="N",
                   help="models loaded at once before the oldest is unloaded")
    p.add_argument("--server-version", choices=sorted(SERVER_VERSIONS),
                   default=DEFAULT_VERSION,
                   help="behave as this Ollama version where versions differ")
    p.set_defaults(handler=None, command="emulator")


def _number(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a finite number of `kind` from `low` to `high`, or a usage error."""
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{text!r} is not between {low:g} and {high:g}")
        return value
    return parse


def _context_argument(text: str) -> int:
    """A context length: 8192, or 32k as the filter language writes it (k = 1,024)."""
    match = re.fullmatch(r"\s*(\d+)\s*(k?)\s*", text, re.IGNORECASE)
    value = int(match.group(1)) * (1024 if match.group(2) else 1) if match else 0
    if not 1 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a context length (like 8192 or 32k)")
    return value


def _size_argument(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


async def _rm(cmd: Command, args: argparse.Namespace) -> int:
    if not args.on:
        return await _in("commands").cmd_rm(cmd, args.names, args.yes)
    if len(args.names) != 1:
        return cmd.fail(_in("commands").BadInput("rm --on takes one model"))
    return await _in("fleet_commands").cmd_rm_on(cmd, args.names[0], args.on, args.yes)


def _is_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _ask(prompt: str) -> bool:
    """A y/N question on the terminal. Ctrl-C answers at once: the event loop's own
    interrupt handler would only act after the blocking read returned."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        print(prompt, end="", file=sys.stderr, flush=True)
        return _line_typed().strip().lower() in ("y", "yes")
    except KeyboardInterrupt:
        raise _in("commands").PromptInterrupted from None
    finally:
        signal.signal(signal.SIGINT, previous)


def _line_typed() -> str:
    """The line typed on stdin ("" at its end). Not input(): a Ctrl-C that lands between
    the prompt and input()'s read() is only noted, and the read then waits for Enter. Here
    the wait is in short steps, and a noted Ctrl-C is acted on at the next."""
    import select

    while not select.select([sys.stdin], [], [], 0.1)[0]:
        pass
    return sys.stdin.readline()


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(commands=not _starts_tui(argv)).parse_args(argv)
    if args.command == "emulator":
        from tui.emulator.serve import serve_forever

        return serve_forever(args)
    if args.demo and args.host:  # the flag only: an OLLAMA_HOST set must not bar the demo
        return _refuse_host(args, DEMO_WITH_HOST)
    settings = load_settings(args.config, host_flag=args.host)
    if not args.demo:
        return _run(args, settings)
    # Whatever ends the demo (a return, an error, Ctrl-C), its folder goes with it.
    with demo_folder() as folder, _ended_as_by_ctrl_c():
        return _run(args, for_demo(settings, Path(folder)))


@contextlib.contextmanager
def _ended_as_by_ctrl_c() -> Iterator[None]:
    """SIGTERM and SIGHUP (its terminal closed) end the program as Ctrl-C does: the orderly
    way, in which the demo's folder is removed (by default they end it on the spot)."""
    def interrupt(signum: int, frame: object) -> None:
        signal.raise_signal(signal.SIGINT)

    ending = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, interrupt) for s in ending}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.host_problem and args.command is not None:
        return _refuse_host(args, settings.host_problem)  # its one line, not a warning too
    for warning in settings.warnings:
        print(f"qgoose-tui: warning: {warning}", file=printable_stream(sys.stderr))
    if args.command is None:
        return _run_tui(settings, args.demo)
    try:
        return asyncio.run(_run_command(args, settings))
    except BrokenPipeError:
        # The reader went away (`qgoose-tui list | head`): not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return _in("commands").EXIT_OK
    except KeyboardInterrupt:
        print("\nqgoose-tui: interrupted (a pull resumes where it stopped when run again)",
              file=sys.stderr)
        return _in("commands").EXIT_INTERRUPTED


def _starts_tui(argv: list[str]) -> bool:
    """Whether the arguments name no command (nor ask for help): the TUI starts, and the
    commands' parsers, 5 ms to build, are not needed."""
    values = iter(argv)
    for arg in values:
        if arg in ("--host", "--config"):
            next(values, None)  # its value, whatever it looks like
        elif not arg.startswith("-") or arg in ("-h", "--help"):
            return False
    return True


async def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    from tui.ollama import OllamaClient  # httpx: not before the TUI's first frame

    async with _demo_hosts(settings, args.demo), \
            OllamaClient(settings.base_url, **settings.client_options()) as client:
        interactive = _is_tty(sys.stdin) and _is_tty(sys.stdout)
        cmd = _in("commands").Command(client, settings, as_json=args.json,
                               confirm=_ask if interactive else None)
        if args.demo:  # the demo's servers are new each time: nothing of them is worth keeping
            cmd.history = History(None)
        handler: Handler = args.handler
        try:
            return await handler(cmd, args)
        finally:
            await cmd.close()


@contextlib.asynccontextmanager
async def _demo_hosts(settings: Settings, demo: bool) -> AsyncIterator[None]:
    """In demo mode, the demo's three hosts (emulator, gpu-a, gpu-b, as in the TUI), made
    its settings' whole fleet for the duration of a `with` block."""
    if not demo:
        yield
        return
    from tui.emulator.server import demo_fleet, started_demo_emulator

    emulators = [("emulator", await started_demo_emulator())]
    try:
        emulators += await demo_fleet()
        use_demo_hosts(settings, {name: emulator.url for name, emulator in emulators},
                       {name: emulator.vram for name, emulator in emulators})
        yield
    finally:
        for _, emulator in emulators:
            await emulator.stop()


def _refuse_host(args: argparse.Namespace, problem: str) -> int:
    """A host no client could use: one line, exit 2, and for scripts the usual JSON shape."""
    if getattr(args, "json", False):  # the TUI's parser has no --json
        extra = {"models": [], "ollama_available": False, "count": 0} \
            if args.command == "list" else {}
        write_json(sys.stdout, {"status": "error", "message": problem, **extra})
    print(f"qgoose-tui: error: {problem}", file=printable_stream(sys.stderr))
    return _in("commands").EXIT_USAGE


def _run_tui(settings: Settings, demo: bool) -> int:
    # No cyclic garbage collection while the TUI starts: importing Textual and drawing the
    # first frame make hundreds of thousands of objects and ~100 collections (~15 ms of
    # the start). The app turns it back on once that frame is drawn.
    gc.disable()
    from tui.ui.app import run_app

    try:
        return run_app(settings, demo=demo)
    except KeyboardInterrupt:  # a SIGINT sent to the process (Ctrl-C in the app is a key)
        return _in("commands").EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
