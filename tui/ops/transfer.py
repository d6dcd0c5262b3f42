"""Models between hosts without the internet: transfer (from a host whose model files are
readable here), export to a tar file, import from one (tui/services/transfer/ does the
work). A host receives a model through its session (receive_model), so the command line
and the Hosts view send the same way and remember the same digests."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.format import human_size
from tui.ollama.names import normalize, same_model
from tui.ops import BadRequest
from tui.services.fleet import remembered_versions
from tui.services.history import History
from tui.services.hosts_config import HostConfig
from tui.services.session import HostSession
from tui.services.transfer import (
    BlobSource,
    Bundle,
    LocalModel,
    ModelsDir,
    TransferError,
    TransferProgress,
    export_bundle,
    send_model,
)
from tui.services.transfer.files import copy_files, writable_store
from tui.services.transfer.send import Report


def store_of(host: HostConfig, env: Mapping[str, str]) -> ModelsDir:
    """The host's model files, to read from. Raises BadRequest when they are not readable."""
    path = host.store_path(env)
    if not path:
        raise BadRequest(f"the model files of {host.name} cannot be read from here: set "
                         f"models_dir for [hosts.{host.name}] (e.g. an sshfs mount of its "
                         "~/.ollama/models), or run qgoose-tui on that host")
    return ModelsDir(Path(path))


def files_target(host: HostConfig, env: Mapping[str, str], via: str = "auto") -> Path | None:
    """The target's store to write into, when the copy goes as files (every digest kept);
    None: through the API. Raises BadRequest for `via` "files" to a store not writable."""
    if via == "api" or (via == "auto" and not writable_store(host.models_dir)):
        return None  # auto: only a models_dir the config names, never a guessed one
    path = host.store_path(env)
    if not writable_store(path):
        raise BadRequest(f"the model files of {host.name} cannot be written from here: set "
                         f"models_dir for [hosts.{host.name}] to its models directory, "
                         "writable by this user (or use --via api)")
    return Path(path)


async def receive_model(session: HostSession, source: BlobSource, source_label: str,
                        name: str, *, store: Path | None = None, report: Report | None = None,
                        as_name: str = "", replace: bool = False,
                        target_label: str = "the target") -> TransferProgress:
    """Bring `name` from `source` onto the session's host: written into its `store` when
    given (then the host is asked which digest it lists: Ollama reads manifests on each
    list), else sent through its API; a copy the host re-encoded is remembered in the
    session's history as the same version. Another model under the name is replaced only
    with `replace`. Raises TransferError (TargetExists for a name taken), OllamaError."""
    if store is not None:
        try:
            progress = await asyncio.to_thread(copy_files, source, name, store, report,
                                               as_name, replace=replace,
                                               target_label=target_label)
        except OSError as exc:  # a full disk, a permission
            raise TransferError(f"cannot write into the models directory of {target_label}: "
                                f"{exc.strerror or exc}") from exc
        listed = next((m for m in await session.fetch_list()
                       if same_model(m.name, as_name or name)), None)
        progress.target_digest = listed.digest.removeprefix("sha256:") if listed else ""
        return progress
    history = session.history
    same = await asyncio.to_thread(remembered_versions, history) if history else None
    progress = await send_model(source, name, session.client, report, as_name,
                                replace=replace, target_label=target_label,
                                known_copies=same.copies_of if same else None)
    if history is not None and progress.target_digest and not progress.already_there:
        await asyncio.to_thread(history.record_transfer, source_label, progress.source_digest,
                                session.base_url, progress.target_digest,
                                normalize(as_name or name))
    return progress


@dataclass(frozen=True)
class Transferred:
    model: str
    target: str  # the host's name
    progress: TransferProgress

    @property
    def message(self) -> str:
        progress, name, target = self.progress, self.model, self.target
        if progress.already_there:
            kind = "the same digest" if progress.same_digest else \
                f"a copy an earlier transfer made, digest {progress.target_digest[:12]} there"
            return f"{name} is already on {target} ({kind}): nothing was sent"
        how = "wrote" if progress.way == "files" else "sent"
        into = " into its models directory" if progress.way == "files" else ""
        return (f"{name} is on {target}: {how} {human_size(progress.total)} in "
                f"{len(progress.uploaded)} blob(s){into}, {len(progress.skipped)} already "
                f"there; {progress.outcome}")

    def to_json(self) -> dict[str, Any]:
        progress = self.progress
        return {"status": "success", "model": self.model, "to": self.target,
                "sent_bytes": progress.total, "uploaded": progress.uploaded,
                "skipped": progress.skipped, "already_there": progress.already_there,
                "way": progress.way, "same_digest": progress.same_digest,
                "source_digest": progress.source_digest,
                "target_digest": progress.target_digest or None, "message": self.message}


def session_of(host: HostConfig, env: Mapping[str, str], history: History | None) -> HostSession:
    """A session for a configured host, with its token and TLS options (no short deadline:
    a transfer may take long)."""
    return HostSession(host.base_url, label=host.name, history=history,
                       client_options=host.client_options(env))


async def transfer(history: History | None, env: Mapping[str, str], name: str,
                   source: HostConfig, target: HostConfig, *, via: str = "auto",
                   replace: bool = False, report: Report | None = None) -> Transferred:
    """Copy `name` from `source` (its model files readable here) to `target`. Raises
    BadRequest, TransferError, OllamaError."""
    store = store_of(source, env)
    into = files_target(target, env, via)
    session = session_of(target, env, history)
    try:
        progress = await receive_model(session, store, source.base_url, name, store=into,
                                       report=report, replace=replace,
                                       target_label=target.name)
    finally:
        await session.aclose()
    return Transferred(name, target.name, progress)


async def import_bundle(history: History | None, env: Mapping[str, str], file: Path,
                        target: HostConfig, *, as_name: str = "", replace: bool = False,
                        via: str = "auto", report: Report | None = None) -> Transferred:
    """Create the model of an exported tar file on `target` (under `as_name` if given).
    Raises BadRequest, TransferError, OllamaError."""
    into = files_target(target, env, via)
    session = session_of(target, env, history)
    try:
        with Bundle(file) as bundle:
            progress = await receive_model(session, bundle, f"bundle:{file.name}",
                                           bundle.name, store=into, report=report,
                                           as_name=as_name, replace=replace,
                                           target_label=target.name)
            name = normalize(as_name or bundle.name)
    finally:
        await session.aclose()
    return Transferred(name, target.name, progress)


@dataclass(frozen=True)
class Exported:
    model: LocalModel
    file: str

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.model.layers)

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model.name, "file": self.file,
                "bytes": self.size, "digest": self.model.digest}


def export(host: HostConfig, env: Mapping[str, str], name: str, file: str) -> Exported:
    """Write `name` (manifest and blobs, each checked) from `host`'s model files into a tar
    file. Raises BadRequest, TransferError."""
    return Exported(export_bundle(store_of(host, env), name, Path(file)), file)
