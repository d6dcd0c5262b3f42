"""The scriptable operations behind `qgoose-tui list|info|status|use|pull|rm|cp`.

Each takes a Command context and returns an exit code. `--json` output keeps the JSON shapes
of the Quantum Goose model API this app grew from (`{"status": …, "model": …, "message": …}`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from tui.cli.output import printable_stream, raw, write_json
from tui.core.format import (
    counted,
    human_duration,
    human_rate,
    human_size,
    printable,
    relative_time,
    render_pairs,
    render_table,
)
from tui.core.model_columns import COLUMNS
from tui.core.model_facts import model_facts, model_sections
from tui.ollama import (
    InvalidNameError,
    OllamaClient,
    OllamaError,
    UnreachableError,
)
from tui.ollama.errors import UnusableSettingError
from tui.ollama.names import matcher, normalize, same_model
from tui.ollama.progress import Phase, PullProgress
from tui.ops import BadRequest, listing
from tui.ops import models as ops_models
from tui.services.config import ConfigError, NotInstalledError, Settings
from tui.services.history import History, default_history_path
from tui.services.session import HostSession

EXIT_OK = 0
EXIT_ERROR = 1  # the operation failed (not found, server error, …)
EXIT_USAGE = 2  # bad input: invalid name, wrong arguments
EXIT_UNREACHABLE = 3  # Ollama could not be reached
EXIT_INTERRUPTED = 130

# A terminal progress line is redrawn at most this often.
REDRAW_INTERVAL = 0.1


class BadInput(BadRequest):
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
    _session: HostSession | None = None

    def __post_init__(self) -> None:
        # Whatever a command prints passes printable(): none of them can forget it.
        self.out, self.err = printable_stream(self.out), printable_stream(self.err)

    @property
    def session(self) -> HostSession:
        """The host's session, as the TUI and the web API hold one, over this client."""
        if self._session is None or self._session.history is not self.history:
            self._session = HostSession(self.client.base_url, client=self.client,
                                        history=self.history, registry=self.settings.registry)
        return self._session

    async def close(self) -> None:
        """What the session opened besides the client (registry connections)."""
        if self._session is not None:
            await self._session.aclose()  # the client's own close after it does nothing

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
    if isinstance(error, InvalidNameError | BadRequest | UnusableSettingError):
        return EXIT_USAGE
    if isinstance(error, UnreachableError):
        return EXIT_UNREACHABLE
    return EXIT_ERROR


async def cmd_list(cmd: Command, filter_text: str = "") -> int:
    current = cmd.settings.current_model
    try:
        listed = await listing.list_models(cmd.session, current, filter_text)
        cmd.note_nameless(cmd.session.state.models, "the model list")
        if listed.problems:
            raise BadInput("invalid filter: " + "; ".join(listed.problems))
    except (OllamaError, BadInput) as exc:
        return cmd.fail(exc, models=[], current_model=current,
                        ollama_available=not isinstance(exc, UnreachableError), count=0)
    if cmd.as_json:
        cmd.emit(listed.to_json())
        return EXIT_OK
    models = listed.models
    if not models:
        cmd.say(f"No model matches {filter_text.strip()!r} ({counted(listed.installed, 'model')} "
                "installed)" if listed.installed else
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


async def cmd_info(cmd: Command, name: str) -> int:
    try:
        details = await ops_models.info(cmd.session, name)
    except OllamaError as exc:
        return cmd.fail(exc, model=name)
    if cmd.as_json:
        cmd.emit(details.to_json())
        return EXIT_OK
    info = details.info
    facts = [("Model", info.name), *model_facts(None, info)]
    cmd.say(render_pairs([(label, printable(value)) for label, value in facts]))
    for title, text in model_sections(info):
        cmd.say(f"\n{title}\n{printable(text, multiline=True)}")
    return EXIT_OK


async def cmd_status(cmd: Command) -> int:
    current = cmd.settings.current_model
    try:
        status = await listing.status(cmd.session, current)
    except OllamaError as exc:
        return cmd.fail(exc, ollama_available=False, version=None, count=0, running=[],
                        host=cmd.client.display_url, current_model=current)
    cmd.note_nameless(status.models, "the model list")
    cmd.note_nameless(status.running, "the running-model list")
    figures = status.to_json()
    if cmd.as_json:
        cmd.emit(figures)
        return EXIT_OK
    lines = [
        ("Host", status.host),
        ("Ollama", f"{printable(status.version)} (online)"),
        ("Models", f"{len(status.models)} installed, {human_size(figures['disk_used'])}"),
        ("Current", printable(current) if figures["current_model_installed"]
         else f"{printable(current)} (not installed)"),
        ("Loaded", ", ".join(printable(r.name) for r in status.running) or "none"),
    ]
    cmd.say(render_pairs(lines))
    return EXIT_OK


async def cmd_use(cmd: Command, name: str) -> int:
    try:
        chosen = await ops_models.use(cmd.session, cmd.settings, name)
    except (OllamaError, NotInstalledError, ConfigError) as exc:
        return cmd.fail(exc, model=name)
    if not chosen.recorded and cmd.history.problem:  # a history out of reach: a note
        print(f"qgoose-tui: note: usage not recorded: {printable(cmd.history.problem)}",
              file=cmd.err)
    if cmd.as_json:
        cmd.emit(chosen.to_json())
    else:
        cmd.say(chosen.message)
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
        plan = await ops_models.plan_delete(cmd.session, names)
    except OllamaError as exc:
        return cmd.fail(exc, model=names[0] if len(names) == 1 else names)
    report = ops_models.DeleteReport()
    for name in plan.wanted:
        model = plan.find(name)
        if model is not None and cmd.confirm and not assume_yes:
            extra = " (the current model)" if same_model(name, cmd.settings.current_model) \
                else ""
            try:
                yes = cmd.confirm(f"Delete {name} ({plan.question_size(model)}){extra}? [y/N] ")
            except PromptInterrupted:
                _report(cmd, report)
                gone = [o.model for o in report.outcomes if o.status == "success"]
                done = f"deleted only {', '.join(gone)}" if gone else "nothing deleted"
                print(f"\nqgoose-tui: interrupted: {done}", file=cmd.err)
                return EXIT_INTERRUPTED
            if not yes:
                report.outcomes.append(ops_models.Outcome("cancelled", name, f"kept {name}"))
                continue
        await ops_models.delete_one(cmd.session, plan, name, report)
        if report.deleted and report.deleted[-1] is model and \
                same_model(name, cmd.settings.current_model):
            # Asked or not, the user learns that the model their tools use is gone.
            print(f"qgoose-tui: note: {printable(name)} was the current model; it is no longer "
                  "installed (`qgoose-tui use NAME` picks another)", file=cmd.err)
    _report(cmd, ops_models.finish(plan, report))
    codes = [exit_code_for(e) for e in report.errors]
    missing = any(o.status == "error" for o in report.outcomes)
    return max([EXIT_ERROR if missing else EXIT_OK, *codes])


def _report(cmd: Command, report: ops_models.DeleteReport) -> None:
    for outcome in report.outcomes:
        if outcome.status == "error":
            print(f"qgoose-tui: error: {printable(outcome.message)}", file=cmd.err)
        elif not cmd.as_json:
            print(printable(outcome.message), file=cmd.out)
    freed = report.freed
    if freed is not None and not cmd.as_json:
        about = "about " if freed.approximate and freed.freed else ""
        kept = f" ({human_size(freed.kept)} stays: shared with other models)" \
            if freed.kept else ""
        print(f"Freed {about}{human_size(freed.freed)} of disk{kept}", file=cmd.out)
    if cmd.as_json:
        cmd.emit(report.to_json())


async def cmd_cp(cmd: Command, source: str, destination: str, force: bool = False) -> int:
    """Copy a model; a different model under the new name is replaced only with --force."""
    from tui.services.rename import NameTakenError, RenameError

    try:
        copied = await ops_models.copy(cmd.session, source, destination, replace=force)
    except InvalidNameError as exc:
        return cmd.fail(exc, model=destination)
    except RenameError as exc:
        hint = " (--force replaces it)" if isinstance(exc, NameTakenError) else ""
        return cmd.fail(exc, hint, model=destination)
    if cmd.as_json:
        cmd.emit(copied.to_json())
    else:
        cmd.say(printable(copied.to_json()["message"]))
    return EXIT_OK
