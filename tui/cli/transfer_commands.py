"""`transfer NAME --from A --to B`, `export NAME FILE`, `import FILE --to HOST`: models
between hosts without the internet (see tui/services/transfer/)."""

from __future__ import annotations

from pathlib import Path

from tui.cli.commands import EXIT_OK, BadInput, Command, ProgressLine
from tui.cli.fleet_commands import chosen_hosts
from tui.core.format import human_size, printable
from tui.ollama import OllamaError
from tui.ops import BadRequest
from tui.ops import transfer as ops
from tui.ops.transfer import Transferred
from tui.services.hosts_config import HostConfig
from tui.services.transfer import TargetExists, TransferError, TransferProgress


def _failed(cmd: Command, exc: Exception, **json_fields: str) -> int:
    """One line, and the exit code of its kind: 1 for a name taken on the target (as mv),
    2 for a source that cannot be used (bad input), 3 unreachable."""
    if isinstance(exc, TransferError) and not isinstance(exc, TargetExists):
        exc = BadInput(str(exc))
    return cmd.fail(exc, **json_fields)


def _one_host(cmd: Command, name: str) -> HostConfig:
    hosts = chosen_hosts(cmd, name)
    if len(hosts) != 1:
        raise BadInput("name one host")
    return hosts[0]


def _done(cmd: Command, done: Transferred) -> int:
    if cmd.as_json:
        cmd.emit(done.to_json())
    else:
        cmd.say(printable(done.message))
    return EXIT_OK


class _SendLine:
    """The progress line of a send through the API, drawn on a terminal only (a files copy
    shows none): made at its first report, so nothing is printed when none comes."""

    def __init__(self, cmd: Command, name: str, target: str, is_tty: bool) -> None:
        self.cmd, self.name, self.target = cmd, name, target
        self.shown = is_tty and not cmd.as_json
        self.line: ProgressLine | None = None

    def report(self, progress: TransferProgress) -> None:
        if not self.shown or progress.way == "files":
            return
        if self.line is None:
            self.line = ProgressLine(self.cmd.out)
        done, of = progress.step
        self.line.draw(f"{printable(self.name)} → {printable(self.target)}  "
                       f"{progress.fraction * 100:3.0f}%  {human_size(done)}/"
                       f"{human_size(of)}  {printable(progress.status)}")

    def finish(self) -> None:
        if self.line is not None:
            self.line.finish()


async def cmd_transfer(cmd: Command, name: str, source: str, target: str,
                       is_tty: bool, force: bool = False, via: str = "auto") -> int:
    line = _SendLine(cmd, name, target, is_tty)
    try:
        source_host, target_host = _one_host(cmd, source), _one_host(cmd, target)
        done = await ops.transfer(cmd.history, cmd.settings.env, name, source_host,
                                  target_host, via=via, replace=force, report=line.report)
    except (BadRequest, TransferError, OllamaError) as exc:
        return _failed(cmd, exc, model=name)
    except OSError as exc:  # writing into the target's store: a full disk, a permission
        return _failed(cmd, BadInput(f"cannot write into the models directory of "
                                     f"{target}: {exc.strerror or exc}"), model=name)
    finally:
        line.finish()
    return _done(cmd, done)


async def cmd_export(cmd: Command, name: str, file: str, source: str) -> int:
    try:
        host = _one_host(cmd, source) if source else \
            next(h for h in cmd.settings.fleet() if h.name in (cmd.settings.host_name,
                                                                "default"))
        exported = ops.export(host, cmd.settings.env, name, file)
    except (BadRequest, TransferError) as exc:
        return _failed(cmd, exc, model=name)
    if cmd.as_json:
        cmd.emit(exported.to_json())
    else:
        cmd.say(f"Wrote {printable(exported.model.name)} ({human_size(exported.size)}) to "
                f"{printable(file)}")
    return EXIT_OK


async def cmd_import(cmd: Command, file: str, target: str, as_name: str, is_tty: bool,
                     force: bool = False) -> int:
    line = _SendLine(cmd, as_name or Path(file).name, target, is_tty)
    try:
        host = _one_host(cmd, target)
        done = await ops.import_bundle(cmd.history, cmd.settings.env, Path(file), host,
                                       as_name=as_name, replace=force, report=line.report)
    except (BadRequest, TransferError, OllamaError) as exc:
        return _failed(cmd, exc)
    except OSError as exc:  # writing into the target's store: a full disk, a permission
        return _failed(cmd, BadInput(f"cannot write into the models directory of {target}: "
                                     f"{exc.strerror or exc}"))
    finally:
        line.finish()
    return _done(cmd, done)
