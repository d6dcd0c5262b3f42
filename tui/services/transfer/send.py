"""Send a model to a host: every blob verified first, then uploaded, then created there.

In order, so that nothing unverified ever leaves: the manifest is checked and the target
name validated (no request yet); the target's list says whether it has this very model (done)
or another one under the name (refused unless the caller may replace it); every blob is read
through its digest check ("verifying"); only then is each blob the target lacks uploaded
(read and checked again as it streams: the file may change meanwhile), and `/api/create`
rebuilds the model from the weights and the verified text layers. Ollama 0.30 and later
rewrite weights created from files (llama-quantize), so the model may get another digest
there: the target's list after the create says which.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from tui.ollama import OllamaClient
from tui.ollama.errors import InvalidNameError
from tui.ollama.json_limits import loads_bounded
from tui.ollama.models import ModelSummary
from tui.ollama.names import parse_name, same_model
from tui.services.rename import taken_problem
from tui.services.transfer.source import (
    MAX_TEXT_LAYER,
    TEXT_LAYERS,
    WEIGHTS,
    BlobSource,
    Layer,
    LocalModel,
    TargetExists,
    TransferError,
)


@dataclass
class TransferProgress:
    total: int = 0  # bytes to send (those the target lacks)
    sent: int = 0
    to_check: int = 0  # bytes to verify before anything is sent
    checked: int = 0
    skipped: list[str] = field(default_factory=list)  # blobs the target already had
    uploaded: list[str] = field(default_factory=list)
    status: str = ""
    already_there: bool = False  # the target had this very model: nothing was done
    source_digest: str = ""  # the model's manifest digest (hex) at the source
    # Its digest on the target once created: another one when the target rewrote the
    # weights (Ollama 0.30 and later re-encodes GGUF created from files); "" if not listed.
    target_digest: str = ""
    way: str = "api"  # api: uploaded then created; files: written into the target's store

    @property
    def same_digest(self) -> bool:
        return self.target_digest == self.source_digest

    @property
    def outcome(self) -> str:
        """What became of the digest: kept, or re-encoded by the target."""
        if self.same_digest:
            return "the same digest on both"
        if not self.target_digest:
            return "the target does not list it yet"
        return ("re-encoded by the target (Ollama ≥ 0.30): its digest there is "
                f"{self.target_digest[:12]}")

    @property
    def verifying(self) -> bool:
        return self.checked < self.to_check

    @property
    def step(self) -> tuple[int, int]:
        """Bytes done and to do in the current step: verifying, then sending."""
        return (self.checked, self.to_check) if self.verifying else (self.sent, self.total)

    @property
    def fraction(self) -> float:
        done, of = self.step
        return done / of if of else 1.0


Report = Callable[[TransferProgress], None]
# The digests a model (by its source digest) is known to have become on the target, from
# earlier transfers there: such a copy is this very model.
KnownCopies = Callable[[str], Collection[str]]


def _hex(digest: str) -> str:
    return digest.removeprefix("sha256:")


def _plan(model: LocalModel) -> tuple[Layer, list[Layer]]:
    """The weights and the text layers /api/create takes; refuses any other kind, and text
    layers too big to be one, before a byte is read."""
    weights = [layer for layer in model.layers if layer.media_type == WEIGHTS]
    others = [layer for layer in model.layers[:-1]
              if layer.media_type != WEIGHTS and layer.media_type not in TEXT_LAYERS]
    if len(weights) != 1 or others:
        kinds = ", ".join(sorted({layer.kind for layer in others}))
        raise TransferError(f"{model.shown_name} has layers a transfer cannot rebuild yet "
                            f"({kinds or 'not one weights layer'}): vision projectors and "
                            "adapters are not sent")
    texts = [layer for layer in model.layers[:-1] if layer.media_type in TEXT_LAYERS]
    for layer in texts:
        if layer.size > MAX_TEXT_LAYER:
            raise TransferError(f"the {layer.kind} layer of {model.shown_name} holds "
                                f"{layer.size:,} bytes, too many to be one; refused")
    return weights[0], texts


def create_body(model: LocalModel, weights: Layer, texts: list[Layer],
                verified: dict[str, bytes]) -> dict[str, Any]:
    """What /api/create needs to rebuild the model, from verified bytes only."""
    body: dict[str, Any] = {"files": {"model.gguf": weights.digest}}
    licenses = []
    for layer in texts:
        try:
            text = verified[layer.digest].decode()
            value = loads_bounded(text) if layer.kind == "parameters" else text
        except (ValueError, RecursionError):
            value = None
        if value is None or (layer.kind == "parameters" and not isinstance(value, dict)):
            raise TransferError(f"the {layer.kind} of {model.shown_name} cannot be read (not "
                                f"{'a JSON object' if layer.kind == 'parameters' else 'text'})")
        if layer.kind == "license":
            licenses.append(value)
        else:
            body[layer.kind] = value
    if licenses:
        body["license"] = licenses[0] if len(licenses) == 1 else licenses
    return body


def _target_name(name: str) -> str:
    try:
        return parse_name(name).display
    except InvalidNameError as exc:
        raise TransferError(f"cannot create it under that name: {exc}") from exc


async def _installed(target: OllamaClient, name: str) -> ModelSummary | None:
    return next((m for m in await target.list_models() if same_model(m.name, name)), None)


async def _chunks(source: BlobSource, layer: Layer,
                  count: Callable[[int], None]) -> AsyncIterator[bytes]:
    """The layer's checked bytes (see checked_chunks), read off the event loop."""
    chunks = source.chunks(layer)
    try:
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            count(len(chunk))
            yield chunk
    finally:
        with contextlib.suppress(ValueError):  # cancelled while a thread reads it
            chunks.close()


async def _verify(source: BlobSource, model: LocalModel, progress: TransferProgress,
                  report: Report, keep: list[Layer]) -> dict[str, bytes]:
    """Read every blob through its check; the bytes of the `keep` layers."""
    def checked(size: int) -> None:
        progress.checked += size
        report(progress)

    kept = {layer.digest for layer in keep}
    progress.to_check = sum(layer.size for layer in model.blobs)
    verified: dict[str, bytes] = {}
    for layer in model.blobs:
        progress.status = f"verifying {layer.digest[7:19]}"
        report(progress)
        parts = []
        async for chunk in _chunks(source, layer, checked):
            if layer.digest in kept:  # small: text layers are bounded (_plan)
                parts.append(chunk)
        verified[layer.digest] = b"".join(parts)
    return verified


async def send_model(source: BlobSource, name: str, target: OllamaClient,
                     report: Report | None = None, as_name: str = "", *,
                     replace: bool = False, target_label: str = "the target",
                     known_copies: KnownCopies | None = None) -> TransferProgress:
    """Verify, upload what the target lacks, then create the model there, and say which
    digest it got there. Another model under the name on the target is replaced only with
    `replace` (a known copy of this one is this one). Cancel by cancelling the task: blobs
    already uploaded stay (a retry skips them). Raises TransferError (TargetExists for a
    name taken) and OllamaError."""
    report = report or (lambda progress: None)
    model = source.model(name)
    new_name = _target_name(as_name or model.name)
    weights, texts = _plan(model)
    progress = TransferProgress(source_digest=_hex(model.digest))
    there = await _installed(target, new_name)
    copies = {_hex(d) for d in known_copies(progress.source_digest)} if known_copies else set()
    if there is not None and _hex(there.digest) in {progress.source_digest, *copies}:
        progress.already_there = True
        progress.target_digest = _hex(there.digest)
        return progress
    if there is not None and not replace:
        raise TargetExists(f"{taken_problem(there.name, target_label)}; it is another version "
                           "(--force replaces it)")
    try:
        verified = await _verify(source, model, progress, report, texts)
    except TransferError as exc:
        raise TransferError(f"{exc}; nothing was sent") from exc
    body = create_body(model, weights, texts, verified)
    if await target.has_blob(weights.digest):
        progress.skipped.append(weights.digest)
    else:
        def sent(size: int) -> None:
            progress.sent += size
            report(progress)

        progress.total = weights.size
        progress.status = f"sending {weights.digest[7:19]}"
        report(progress)
        try:
            await target.push_blob(weights.digest, _chunks(source, weights, sent),
                                   weights.size)
        except TransferError as exc:
            raise TransferError(f"{exc} (it changed while it was sent); nothing was "
                                "created") from exc
        progress.uploaded.append(weights.digest)
    async for status in target.create(new_name, body):
        progress.status = status
        report(progress)
    created = await _installed(target, new_name)
    progress.target_digest = _hex(created.digest) if created is not None else ""
    return progress
