"""The scriptable operations behind `qgoose-tui list|info|status|use|pull|rm|cp|ps`.

Each takes a Command context and returns an exit code. `--json` output keeps the JSON shapes
of the Quantum Goose model API this app grew from (`{"status": …, "model": …, "message": …}`).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from tui.cli.output import printable_stream, raw, write_json
from tui.core import space
from tui.core.filter_query import Facts, parse_query
from tui.core.format import (
    counted,
    human_duration,
    human_rate,
    human_size,
    printable,
    processor_text,
    relative_time,
    render_pairs,
    render_table,
    until_text,
)
from tui.core.model_columns import COLUMNS
from tui.core.model_facts import model_facts, model_sections
from tui.ollama import (
    InvalidNameError,
    ModelInfo,
    ModelSummary,
    OllamaClient,
    OllamaError,
    RunningModel,
    UnreachableError,
)
from tui.ollama.errors import UnusableSettingError
from tui.ollama.names import matcher, model_key, normalize, same_model
from tui.ollama.progress import Phase, PullProgress
from tui.services.config import ConfigError, NotInstalledError, Settings, set_current_model
from tui.services.history import History, default_history_path

EXIT_OK = 0
EXIT_ERROR = 1  # the operation failed (not found, server error, …)
EXIT_USAGE = 2  # bad input: invalid name, wrong arguments
EXIT_UNREACHABLE = 3  # Ollama could not be reached
EXIT_INTERRUPTED = 130

# A terminal progress line is redrawn at most this often.
REDRAW_INTERVAL = 0.1


class BadInput(Exception):
    """Input we refuse before asking Ollama (a bad keep-alive, a missing name): exit 2."""


class PromptInterrupted(Exception):
    """Ctrl-C at a y/N question: stop there, doing nothing more."""


@dataclass
class Command:
    client: OllamaClient
    settings: Settings
    as_json: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    confirm: Callable[[str], bool] | None = None  # None: not interactive
    history: History = field(default_factory=lambda: History(default_history_path()))

    def __post_init__(self) -> None:
        # Whatever a command prints passes printable(): none of them can forget it.
        self.out, self.err = printable_stream(self.out), printable_stream(self.err)

    def emit(self, payload: dict[str, Any]) -> None:
        # Compact, as Ollama writes JSON; and json's C encoder only runs without indent.
        write_json(self.out, payload)

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def note_nameless(self, listing: Sequence[object], what: str) -> None:
        """Say on stderr (never in the JSON) that entries without a name were left out."""
        count = getattr(listing, "skipped", 0)
        if count:
            print(f"qgoose-tui: note: left out {counted(count, 'entry', 'entries')} without "
                  f"a name from {what}", file=self.err)

    def remember(self, write: Callable[[History], bool]) -> None:
        """Keep a usage record; a history that cannot be written is a note, not a failure."""
        if not write(self.history):
            print(f"qgoose-tui: note: usage not recorded: {printable(self.history.problem)}",
                  file=self.err)

    def fail(self, error: Exception | str, detail: str = "", **json_fields: Any) -> int:
        """Report a failure on stderr (and as JSON when asked); return its exit code.

        The code follows the error's kind (3 unreachable, 2 bad input, 1 the rest), so pass
        the exception itself and put any words to add in `detail`."""
        message = printable(str(error) + detail)
        if self.as_json:
            self.emit({"status": "error", "message": message, **json_fields})
        print(f"qgoose-tui: error: {message}", file=self.err)
        return exit_code_for(error)


def exit_code_for(error: Exception | str) -> int:
    if isinstance(error, InvalidNameError | BadInput | UnusableSettingError):
        return EXIT_USAGE
    if isinstance(error, UnreachableError):
        return EXIT_UNREACHABLE
    return EXIT_ERROR


def list_json(models: list[ModelSummary], current: str) -> list[dict[str, Any]]:
    is_current = matcher(current)
    return [{**m.to_json(), "is_current": is_current(m.name)} for m in models]


async def cmd_list(cmd: Command, filter_text: str = "") -> int:
    current = cmd.settings.current_model
    try:
        listed = await cmd.client.list_models()
        cmd.note_nameless(listed, "the model list")
        models = await filtered(cmd, listed, filter_text) if filter_text.strip() else listed
    except (OllamaError, BadInput) as exc:
        return cmd.fail(exc, models=[], current_model=current,
                        ollama_available=not isinstance(exc, UnreachableError), count=0)
    if cmd.as_json:
        cmd.emit({"status": "success", "models": list_json(models, current),
                  "current_model": current, "ollama_available": True, "count": len(models)})
        return EXIT_OK
    if not models:
        cmd.say(f"No model matches {filter_text.strip()!r} ({counted(len(listed), 'model')} "
                "installed)" if listed else
                "No models installed. Pull one with: qgoose-tui pull llama3.2")
        return EXIT_OK
    rows, is_current = [], matcher(current)
    for m in models:
        cells = {c.key: c.text(m) for c in COLUMNS}
        cells["modified"] = relative_time(m.modified_at)  # a terminal has room for the long form
        rows.append(["*" if is_current(m.name) else "", *cells.values()])
    headers = ["", *(c.label.upper() for c in COLUMNS)]
    cmd.say(render_table(headers, rows))
    return EXIT_OK


async def filtered(cmd: Command, models: list[ModelSummary], text: str) -> list[ModelSummary]:
    """The models the filter language accepts; details asked only when the query needs them
    and the list lacks them (older servers), eight requests at a time."""
    details: dict[str, ModelInfo] = {}
    loaded: set[str] = set()
    states: dict[str, str] = {}
    if any(word.lstrip("-").casefold() == "loaded" for word in text.split()):
        loaded = {model_key(r.name) for r in await cmd.client.ps()}
    usage = await asyncio.to_thread(cmd.history.usage, cmd.client.base_url) \
        if "unused" in text.casefold() else {}
    facts = Facts(
        last_used=lambda m: u.last_used if (u := usage.get(model_key(m.name))) else None,
        update_state=lambda m: states.get(m.name),
        capabilities=lambda m: m.capabilities or (
            details[m.name].capabilities if m.name in details else None),
        context_length=lambda m: m.details.context_length or (
            details[m.name].context_length if m.name in details else None),
        loaded=loaded, current=model_key(cmd.settings.current_model))
    query = parse_query(text, facts)
    if query.problems:
        raise BadInput("invalid filter: " + "; ".join(query.problems))
    if query.needs_details:
        gate = asyncio.Semaphore(8)

        async def fetch(model: ModelSummary) -> None:
            async with gate:
                with contextlib.suppress(OllamaError):
                    details[model.name] = await cmd.client.show(model.name)

        await asyncio.gather(*(fetch(m) for m in models
                               if not m.is_remote and not m.capabilities))
    if query.needs_updates:
        from tui.services.registry import UpdateChecker

        checker = UpdateChecker(cmd.settings.registry)
        try:
            states.update((c.name, c.state) for c in await checker.check_all(models))
        finally:
            await checker.aclose()
    return [m for m in models if query.accepts(m)]


async def cmd_info(cmd: Command, name: str) -> int:
    try:
        info = await cmd.client.show(name)
    except OllamaError as exc:
        return cmd.fail(exc, model=name)
    if cmd.as_json:
        cmd.emit({"status": "success", "model": info.name, "info": info.to_json()})
        return EXIT_OK
    facts = [("Model", info.name), *model_facts(None, info)]
    cmd.say(render_pairs([(label, printable(value)) for label, value in facts]))
    for title, text in model_sections(info):
        cmd.say(f"\n{title}\n{printable(text, multiline=True)}")
    return EXIT_OK


async def cmd_status(cmd: Command) -> int:
    base = {"host": cmd.client.display_url, "current_model": cmd.settings.current_model}
    try:
        version = await cmd.client.version()
        models = await cmd.client.list_models()
        running = await cmd.client.ps()
    except OllamaError as exc:
        return cmd.fail(exc, ollama_available=False, version=None, count=0, running=[], **base)
    cmd.note_nameless(models, "the model list")
    cmd.note_nameless(running, "the running-model list")
    status = status_json(base["host"], cmd.settings.current_model, version, models, running)
    if cmd.as_json:
        cmd.emit(status)
        return EXIT_OK
    current = printable(cmd.settings.current_model)
    lines = [
        ("Host", base["host"]),
        ("Ollama", f"{printable(version)} (online)"),
        ("Models", f"{len(models)} installed, {human_size(status['disk_used'])}"),
        ("Current", current if status["current_model_installed"]
         else f"{current} (not installed)"),
        ("Loaded", ", ".join(printable(r.name) for r in running) or "none"),
    ]
    cmd.say(render_pairs(lines))
    return EXIT_OK


def status_json(host: str, current: str, version: str, models: Sequence[ModelSummary],
                running: Sequence[RunningModel]) -> dict[str, Any]:
    """`status --json` and the web API's status: the host, its version, counts, the current
    model and whether it is installed, the disk used (shared manifests once), what is loaded."""
    return {"status": "success", "ollama_available": True, "host": host,
            "current_model": current, "version": version, "count": len(models),
            "current_model_installed": any(same_model(m.name, current) for m in models),
            "disk_used": space.disk_used(models, lambda m: None),
            "running": [r.to_json() for r in running]}


async def cmd_use(cmd: Command, name: str) -> int:
    try:
        normalize(name)
        models = await cmd.client.list_models()
        chosen = set_current_model(cmd.settings, [m.name for m in models], name)
    except (OllamaError, NotInstalledError, ConfigError) as exc:
        return cmd.fail(exc, model=name)
    cmd.remember(lambda h: h.record_current(cmd.client.base_url, chosen))
    message = f"Model set to {chosen}"
    if not cmd.settings.saved:  # --demo: the user's own config is never changed
        message += " (demo: not saved)"
    if cmd.as_json:
        cmd.emit({"status": "success", "model": chosen, "message": message})
    else:
        cmd.say(message)
    return EXIT_OK


async def cmd_pull(cmd: Command, name: str, stream_json: bool = False,
                   is_tty: bool = False) -> int:
    try:
        model = normalize(name)
    except InvalidNameError as exc:
        return cmd.fail(exc, model=name)
    progress = PullProgress(model)
    try:
        await pull_showing_progress(cmd, progress, is_tty, stream_json)
    except OllamaError as exc:
        done = f" ({human_size(progress.completed)} kept; run again to resume)" \
            if progress.completed else ""
        return cmd.fail(exc, done, model=model)
    message = f"Pulled {model}"
    if cmd.as_json and not stream_json:
        cmd.emit({"status": "success", "model": model, "message": message})
    elif not cmd.as_json:
        cmd.say(message)
    return EXIT_OK


async def pull_showing_progress(cmd: Command, progress: PullProgress, is_tty: bool,
                                stream_json: bool = False) -> None:
    """Pull `progress.model`, showing it: a line redrawn in place on a terminal, one line
    a phase in a log, Ollama's own events with `stream_json`, nothing for `--json`."""
    line = ProgressLine(cmd.out) if is_tty and not cmd.as_json else None
    last_status = ""
    try:
        async for event in cmd.client.pull(progress.model, coalesce=not stream_json):
            progress.feed(event, time.monotonic())
            if stream_json:
                write_json(cmd.out, event.to_json(), flush=True)
            elif line:
                line.update(progress)
            elif not cmd.as_json and not event.digest and event.status != last_status:
                cmd.say(printable(event.status))  # plain logs: one line per phase
            last_status = event.status
    finally:
        if line:
            line.update(progress, force=True)
            line.finish()


class ProgressLine:
    """One terminal line redrawn in place, at most every REDRAW_INTERVAL seconds."""

    def __init__(self, out: TextIO, width: int = 24) -> None:
        self.out = out
        self.width = width
        self._last = 0.0

    def update(self, progress: PullProgress, force: bool = False) -> None:
        self.draw(format_progress(progress, self.width), force)

    def draw(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < REDRAW_INTERVAL:
            return
        self._last = now
        out = raw(self.out)  # its own redraw sequence, and the line made printable
        out.write("\r\x1b[K" + printable(text))
        out.flush()

    def finish(self) -> None:
        self.out.write("\n")
        self.out.flush()


def format_progress(progress: PullProgress, width: int = 24) -> str:
    """`llama3.2:latest [#####.....]  41%  0.8 GB/2.0 GB  38 MB/s  ETA 31s`"""
    if not progress.total:
        return f"{progress.model}: {progress.phase.value}"
    filled = int(progress.fraction * width)
    bar = "#" * filled + "." * (width - filled)
    figures = f"{human_size(progress.completed)}/{human_size(progress.total)}"
    if progress.phase is Phase.DOWNLOADING:
        tail = f"{human_rate(progress.speed)}  ETA {human_duration(progress.eta)}"
    else:
        tail = progress.phase.value
    return f"{progress.model} [{bar}] {progress.fraction * 100:3.0f}%  {figures}  {tail}"


async def cmd_rm(cmd: Command, names: list[str], assume_yes: bool) -> int:
    try:
        wanted = [normalize(n) for n in names]
        installed = {model_key(m.name): m for m in await cmd.client.list_models()}
    except OllamaError as exc:
        return cmd.fail(exc, model=names[0] if len(names) == 1 else names)
    details, complete = await sharing_details(
        [installed[k] for k in map(model_key, wanted) if k in installed],
        list(installed.values()), lambda m: cmd.client.show(m.name))
    results: list[dict[str, Any]] = []
    code = EXIT_OK
    deleted: list[ModelSummary] = []
    for model in wanted:
        summary = installed.get(model_key(model))
        if summary is None:
            code = max(code, EXIT_ERROR)
            results.append(_result("error", model, f"model '{model}' not found"))
            continue
        if cmd.confirm and not assume_yes:
            extra = " (the current model)" if same_model(model, cmd.settings.current_model) else ""
            # Another tag of the same manifest keeps every blob: say the delete frees nothing.
            shared = space.space_freed([summary], list(installed.values()),
                                       lambda m: None).shared_with.get(summary.name)
            size = human_size(summary.size) if not shared else \
                f"{human_size(summary.size)}, shared with {printable(shared[0])}: frees nothing"
            try:
                yes = cmd.confirm(f"Delete {model} ({size}){extra}? [y/N] ")
            except PromptInterrupted:
                _report_results(cmd, results)
                names = [r["model"] for r in results if r["status"] == "success"]
                done = f"deleted only {', '.join(names)}" if names else "nothing deleted"
                print(f"\nqgoose-tui: interrupted: {done}", file=cmd.err)
                return EXIT_INTERRUPTED
            if not yes:
                results.append(_result("cancelled", model, f"kept {model}"))
                continue
        try:
            await cmd.client.delete(model)
        except OllamaError as exc:
            code = max(code, exit_code_for(exc))
            results.append(_result("error", model, str(exc)))
            continue
        results.append(_result("success", model, f"Model {model} deleted successfully"))
        deleted.append(summary)
        if same_model(model, cmd.settings.current_model):
            # Asked or not, the user learns that the model their tools use is gone.
            print(f"qgoose-tui: note: {printable(model)} was the current model; it is no longer "
                  "installed (`qgoose-tui use NAME` picks another)", file=cmd.err)
    freed = freed_by(deleted, list(installed.values()), details, complete) if deleted else None
    _report_results(cmd, results, freed)
    return code


async def sharing_details(deleting: list[ModelSummary], installed: list[ModelSummary],
                          show: Callable[[ModelSummary], Awaitable[ModelInfo]],
                          ) -> tuple[dict[ModelSummary, ModelInfo], bool]:
    """/api/show of the models to delete and of those that could share their weights (the
    same family, size and quantisation: the weights file decides all three), to say
    exactly what a deletion frees; False with them when some details could not be had."""
    def looks(m: ModelSummary) -> tuple[str, str, str]:
        return (m.details.family, m.details.parameter_size, m.details.quantization_level)

    wanted = {looks(m) for m in deleting}
    candidates = [m for m in installed if looks(m) in wanted and not m.is_remote]
    gate = asyncio.Semaphore(8)
    details: dict[ModelSummary, ModelInfo] = {}

    async def fetch(model: ModelSummary) -> None:
        async with gate:
            with contextlib.suppress(OllamaError):
                details[model] = await show(model)

    await asyncio.gather(*(fetch(m) for m in candidates))
    return details, len(details) == len(candidates)


def freed_by(deleting: list[ModelSummary], installed: list[ModelSummary],
             details: dict[ModelSummary, ModelInfo], complete: bool) -> space.SpaceFreed:
    """What deleting `deleting` frees, with the details `sharing_details` found."""
    freed = space.space_freed(deleting, installed, details.get)
    freed.approximate = not complete  # models of other weights were left out on purpose
    return freed


def _result(status: str, model: str, message: str) -> dict[str, Any]:
    return {"status": status, "model": model, "message": printable(message)}


def _report_results(cmd: Command, results: list[dict[str, Any]],
                    freed: space.SpaceFreed | None = None) -> None:
    figures = {} if freed is None else {"freed_bytes": freed.freed,
                                        "freed_is_approximate": freed.approximate}
    for result in results:
        stream = cmd.err if result["status"] == "error" else cmd.out
        if result["status"] == "error":
            print(f"qgoose-tui: error: {result['message']}", file=stream)
        elif not cmd.as_json:
            print(result["message"], file=stream)
    if freed is not None and not cmd.as_json:
        about = "about " if freed.approximate and freed.freed else ""
        kept = f" ({human_size(freed.kept)} stays: shared with other models)" \
            if freed.kept else ""
        print(f"Freed {about}{human_size(freed.freed)} of disk{kept}", file=cmd.out)
    if cmd.as_json:
        if len(results) == 1:
            cmd.emit({**results[0], **figures})
        else:
            ok = all(r["status"] != "error" for r in results)
            cmd.emit({"status": "success" if ok else "error", "results": results, **figures})


async def cmd_cp(cmd: Command, source: str, destination: str, force: bool = False) -> int:
    """Copy a model; a different model under the new name is replaced only with --force."""
    from tui.services.rename import NameTakenError, RenameError, copy_model

    try:
        src = normalize(source)
        normalize(destination)  # a bad name is a usage error (exit 2), said before anything
        copy = await copy_model(cmd.client, src, destination, replace=force)
    except InvalidNameError as exc:
        return cmd.fail(exc, model=destination)
    except RenameError as exc:
        hint = " (--force replaces it)" if isinstance(exc, NameTakenError) else ""
        return cmd.fail(exc, hint, model=destination)
    message = f"Copied {src} to {copy.name}"
    if cmd.as_json:
        cmd.emit({"status": "success", "model": copy.name, "source": src, "message": message})
    else:
        cmd.say(printable(message))
    return EXIT_OK


async def cmd_ps(cmd: Command) -> int:
    try:
        running = await cmd.client.ps()
    except OllamaError as exc:
        return cmd.fail(exc, models=[])
    cmd.note_nameless(running, "the running-model list")
    if running:
        cmd.remember(lambda h: h.record_loaded(cmd.client.base_url, [r.name for r in running]))
    if cmd.as_json:
        cmd.emit({"status": "success", "models": [r.to_json() for r in running],
                  "count": len(running)})
        return EXIT_OK
    if not running:
        cmd.say("No models loaded in memory.")
        return EXIT_OK
    rows = [[printable(r.name), human_size(r.size), processor_text(r.gpu_fraction),
             until_text(r.expires_at)] for r in running]
    cmd.say(render_table(["NAME", "SIZE", "PROCESSOR", "UNTIL"], rows))
    return EXIT_OK
