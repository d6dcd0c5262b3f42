"""Rename a model safely: Ollama has no rename, so copy, check the copy is listed with the
same digest, and only then delete the old name. If anything fails, the original stays
(gollama lost models on an interrupted rename). Free of Textual: the TUI and `mv` share it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.ollama import OllamaError
from tui.ollama.models import ModelSummary
from tui.ollama.names import normalize, same_model, validation_error

if TYPE_CHECKING:
    from tui.ollama.client import OllamaClient


class RenameError(Exception):
    """The rename stopped; the message says what exists now (the original always does)."""


class NameTakenError(RenameError):
    """The new name is another model's: going on would replace it."""


def taken_problem(name: str, where: str = "") -> str:
    """The one wording for a name that is taken (mv refuses with it; so do cp, transfer
    and import without --force)."""
    return f"{name} exists{f' on {where}' if where else ''}: Ollama would overwrite it"


def name_problem(text: str, source: str) -> str:
    """Why `text` is no name for a copy of `source` ("" when it is one), whatever exists."""
    if not text.strip():
        return "type the new name"
    problem = validation_error(text.strip())
    if problem:
        return problem
    if same_model(normalize(text.strip()), source):
        return "that is its name already"
    return ""


def taken_by(text: str, installed: list[str]) -> str | None:
    """The installed model the new name would replace, if any."""
    name = normalize(text.strip())
    return next((other for other in installed if same_model(name, other)), None)


def destination_problem(text: str, installed: list[str], source: str) -> str:
    """Why `text` cannot be the new name ("" when it can): checked as the user types."""
    problem = name_problem(text, source)
    if problem:
        return problem
    taken = taken_by(text, installed)
    return taken_problem(taken) if taken is not None else ""


async def _listed(client: OllamaClient) -> list[ModelSummary]:
    try:
        return list(await client.list_models())
    except OllamaError as exc:
        raise RenameError(f"nothing was changed: {exc}") from exc


def _find(models: list[ModelSummary], name: str) -> ModelSummary | None:
    return next((m for m in models if same_model(m.name, name)), None)


async def copy_model(client: OllamaClient, source: str, destination: str,
                     replace: bool = False, onto_same_digest: bool = True) -> ModelSummary:
    """Copy `source` to the new name `destination` and check the copy: listed, same
    digest. Returns the copy. Raises RenameError; a model of another digest under the new
    name is replaced only when `replace` says so (one with the same digest is the copy
    already)."""
    models = await _listed(client)
    original = _find(models, source)
    if original is None:
        raise RenameError(f"{normalize(source)} is not installed")
    problem = name_problem(destination, original.name)
    taken = _find(models, normalize(destination)) if not problem else None
    same = taken is not None and taken.digest == original.digest and onto_same_digest
    if taken is not None and not replace and not same:
        raise NameTakenError(f"{destination}: {taken_problem(taken.name)}")
    if problem:
        raise RenameError(f"{destination}: {problem}")
    target = normalize(destination)
    try:
        await client.copy(original.name, target)
        copy = _find(list(await client.list_models()), target)
    except OllamaError as exc:
        raise RenameError(f"the copy to {target} failed ({exc}); {original.name} is "
                          "unchanged") from exc
    if copy is None or copy.digest != original.digest:
        raise RenameError(f"the copy to {target} is not listed with {original.name}'s digest; "
                          f"{original.name} is kept")
    return copy


async def rename_model(client: OllamaClient, source: str, destination: str) -> ModelSummary:
    """Copy, check, then delete the old name. Returns the renamed model. Never onto a
    taken name, even one with the same digest: two names would become one."""
    copy = await copy_model(client, source, destination, onto_same_digest=False)
    try:
        await client.delete(normalize(source))
    except OllamaError as exc:
        raise RenameError(f"{copy.name} is ready, but {source} could not be deleted ({exc}): "
                          "both names exist now") from exc
    return copy
