"""`transfer NAME --from A --to B`, `export NAME FILE`, `import FILE --to HOST`: models
between hosts without the internet (see tui/services/transfer/)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.cli.commands import EXIT_OK, BadInput, Command, ProgressLine
from tui.cli.fleet_commands import chosen_hosts
from tui.core.format import human_size, printable
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.names import normalize, same_model
from tui.services.fleet import remembered_versions
from tui.services.hosts_config import HostConfig
from tui.services.transfer import (
    BlobSource,
    Bundle,
    ModelsDir,
    TargetExists,
    TransferError,
    TransferProgress,
    export_bundle,
    send_model,
)
from tui.services.transfer.files import copy_files, writable_store


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


def _store_of(cmd: Command, host: HostConfig) -> ModelsDir:
    path = host.store_path(cmd.settings.env)
    if not path:
        raise BadInput(f"the model files of {host.name} cannot be read from here: set "
                       f"models_dir for [hosts.{host.name}] (e.g. an sshfs mount of its "
                       "~/.ollama/models), or run qgoose-tui on that host")
    return ModelsDir(Path(path))


def _files_target(cmd: Command, target: HostConfig, via: str) -> Path | None:
    """The target's store to write into, when the copy goes as files."""
    if via == "api" or (via == "auto" and not writable_store(target.models_dir)):
        return None  # auto: only a models_dir the config names, never a guessed one
    path = target.store_path(cmd.settings.env)
    if not writable_store(path):
        raise BadInput(f"the model files of {target.name} cannot be written from here: set "
                       f"models_dir for [hosts.{target.name}] to its models directory, "
                       "writable by this user (or use --via api)")
    return Path(path)


async def _copy_files(cmd: Command, source: BlobSource, name: str, target: HostConfig,
                      store: Path, force: bool, as_name: str) -> TransferProgress:
    """Write the model into the target's store, then ask the target which digest it lists
    (Ollama reads its manifests from disk on each list: no restart needed)."""
    progress = await asyncio.to_thread(copy_files, source, name, store, None, as_name,
                                       replace=force, target_label=target.name)
    async with OllamaClient(target.base_url,
                            **target.client_options(cmd.settings.env)) as client:
        listed = next((m for m in await client.list_models()
                       if same_model(m.name, as_name or name)), None)
    progress.target_digest = listed.digest.removeprefix("sha256:") if listed else ""
    return progress


async def _send(cmd: Command, source: BlobSource, source_label: str, name: str,
                target: HostConfig, is_tty: bool, force: bool,
                as_name: str = "", via: str = "auto") -> TransferProgress:
    """Send the model, then remember which digest it got on the target (the Hosts matrix
    and `fleet` then count a copy the target re-encoded as the same version)."""
    store = _files_target(cmd, target, via)
    if store is not None:
        return await _copy_files(cmd, source, name, target, store, force, as_name)
    line = ProgressLine(cmd.out) if is_tty and not cmd.as_json else None
    same = await asyncio.to_thread(remembered_versions, cmd.history)

    def report(progress: TransferProgress) -> None:
        if line is None:
            return
        done, of = progress.step
        line.draw(f"{printable(name)} → {printable(target.name)}  "
                  f"{progress.fraction * 100:3.0f}%  {human_size(done)}/{human_size(of)}  "
                  f"{printable(progress.status)}")

    async with OllamaClient(target.base_url,
                            **target.client_options(cmd.settings.env)) as client:
        try:
            progress = await send_model(source, name, client, report, as_name,
                                        replace=force, target_label=target.name,
                                        known_copies=same.copies_of)
        finally:
            if line is not None:
                line.finish()
    if progress.target_digest and not progress.already_there:
        await asyncio.to_thread(cmd.history.record_transfer, source_label,
                                progress.source_digest, target.base_url,
                                progress.target_digest, normalize(as_name or name))
    return progress



def _done(cmd: Command, name: str, target: str, progress: TransferProgress) -> int:
    how = "wrote" if progress.way == "files" else "sent"
    into = " into its models directory" if progress.way == "files" else ""
    message = (f"{name} is on {target}: {how} {human_size(progress.total)} in "
               f"{len(progress.uploaded)} blob(s){into}, {len(progress.skipped)} already there; "
               f"{progress.outcome}")
    if progress.already_there:
        kind = "the same digest" if progress.same_digest else \
            f"a copy an earlier transfer made, digest {progress.target_digest[:12]} there"
        message = f"{name} is already on {target} ({kind}): nothing was sent"
    if cmd.as_json:
        cmd.emit({"status": "success", "model": name, "to": target,
                  "sent_bytes": progress.total, "uploaded": progress.uploaded,
                  "skipped": progress.skipped, "already_there": progress.already_there,
                  "way": progress.way, "same_digest": progress.same_digest,
                  "source_digest": progress.source_digest,
                  "target_digest": progress.target_digest or None, "message": message})
    else:
        cmd.say(printable(message))
    return EXIT_OK


async def cmd_transfer(cmd: Command, name: str, source: str, target: str,
                       is_tty: bool, force: bool = False, via: str = "auto") -> int:
    try:
        source_host, target_host = _one_host(cmd, source), _one_host(cmd, target)
        progress = await _send(cmd, _store_of(cmd, source_host), source_host.base_url, name,
                               target_host, is_tty, force, via=via)
    except (BadInput, TransferError, OllamaError) as exc:
        return _failed(cmd, exc, model=name)
    except OSError as exc:  # writing into the target's store: a full disk, a permission
        return _failed(cmd, BadInput(f"cannot write into the models directory of "
                                     f"{target}: {exc.strerror or exc}"), model=name)
    return _done(cmd, name, target_host.name, progress)


async def cmd_export(cmd: Command, name: str, file: str, source: str) -> int:
    try:
        host = _one_host(cmd, source) if source else \
            next(h for h in cmd.settings.fleet() if h.name in (cmd.settings.host_name,
                                                                "default"))
        model = export_bundle(_store_of(cmd, host), name, Path(file))
    except (BadInput, TransferError) as exc:
        return _failed(cmd, exc, model=name)
    size = sum(layer.size for layer in model.layers)
    if cmd.as_json:
        cmd.emit({"status": "success", "model": model.name, "file": file, "bytes": size,
                  "digest": model.digest})
    else:
        cmd.say(f"Wrote {printable(model.name)} ({human_size(size)}) to {printable(file)}")
    return EXIT_OK


async def cmd_import(cmd: Command, file: str, target: str, as_name: str, is_tty: bool,
                     force: bool = False) -> int:
    try:
        host = _one_host(cmd, target)
        with Bundle(Path(file)) as bundle:
            progress = await _send(cmd, bundle, f"bundle:{Path(file).name}", bundle.name,
                                   host, is_tty, force, as_name)
            name = normalize(as_name or bundle.name)
    except (BadInput, TransferError, OllamaError) as exc:
        return _failed(cmd, exc)
    except OSError as exc:  # writing into the target's store: a full disk, a permission
        return _failed(cmd, BadInput(f"cannot write into the models directory of {target}: "
                                     f"{exc.strerror or exc}"))
    return _done(cmd, name, host.name, progress)
