"""The Models view's variant actions: the create form (`v`), push (`O`, again to cancel;
followed in the Pulls view like a pull), rebuild from an updated base (`R`) and saving the
Modelfile (`M`). Kept apart from models.py: each runs an operation of tui/ops/variants.py
and reports it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.variant_states import variants_of
from tui.ollama import OllamaError
from tui.ollama.models import ModelSummary, PullEvent
from tui.ollama.names import model_key, parse_name
from tui.ops.variants import (
    VariantRefused,
    create_variant,
    modelfile_of,
    rebuild_variants,
    start_push,
)
from tui.services.new_files import write_new_file
from tui.services.session import Changed

if TYPE_CHECKING:
    from tui.core.recipes import Recipe
    from tui.ui.screens.models import ModelsScreen

def run(screen: ModelsScreen, action: str) -> None:
    """One of the variant keys (create, push, rebuild, modelfile) on the highlighted model."""
    model = screen.grid.highlighted
    if model is None:
        return
    if action == "push":
        push_or_cancel(screen, model)
        return
    work = {"create": open_create_form, "rebuild": rebuild, "modelfile": save_modelfile}[action]
    screen.run_worker(work(screen, model), group="variants", exit_on_error=False)


async def open_create_form(screen: ModelsScreen, model: ModelSummary) -> None:
    from tui.ui.screens.create_dialog import CreateDialog, MemorySettings

    session, settings = screen.qapp.session, screen.qapp.settings
    if model.is_remote:
        screen.qapp.notify_text(f"{model.name} is a cloud model: variants are made from "
                                "local ones")
        return
    try:
        info = await session.model_info(model)
    except OllamaError as exc:
        screen.qapp.notify_text(str(exc), title="Cannot make a variant", severity="error")
        return

    async def create(name: str, recipe: Recipe, replace: bool,
                     show: Callable[[PullEvent], None]) -> str:
        result = await create_variant(session, name, recipe,
                                      replace_existing=replace, on_event=show)
        return result.model

    async def created(name: str | None) -> None:
        if not name:
            return
        await session.refresh()
        screen.grid.select_name(name)
        screen.qapp.session_changed.publish(Changed("models"))
        screen.qapp.notify_text(f"Created {name} from {model.name}")

    memory = MemorySettings(settings.fit_context, settings.kv_cache_type,
                            screen.qapp.gpu_memory)
    installed = [m.name for m in session.state.models]
    screen.app.push_screen(CreateDialog(model, info, installed, memory, create), created)


def push_or_cancel(screen: ModelsScreen, model: ModelSummary) -> None:
    """Push `model` as a job shown with the pulls (the strip, the Pulls view, the status
    bar); asked again while it runs, cancel it."""
    qapp = screen.qapp
    pulls = qapp.session.pulls
    job = pulls.get(model.name, "push")
    if job is not None and job.running:
        pulls.cancel(job.name, "push")
        qapp.notify_text(f"Push of {model.name} cancelled", severity="warning")
        qapp.pulls_started()  # repaint
        return
    try:
        start_push(qapp.session, model.name)
    except VariantRefused as exc:
        qapp.notify_text(f"{exc}. {_copy_hint(screen, model.name)}",
                         title=f"Cannot push {model.name}", severity="error", timeout=15)
        return
    qapp.notify_text("Pushing: its progress is beside the pulls (P); O again cancels",
                     title=model.name)
    qapp.pulls_started()


def _copy_hint(screen: ModelsScreen, name: str) -> str:
    """The keys that make a name one may push: C copies, O pushes the copy. The demo's
    server is signed in as a user of its own, which the newcomer cannot guess."""
    emulator = screen.qapp.emulator
    account = emulator.account if emulator is not None else ""
    if not account:
        return "C copies it under a new name (no disk used); then O pushes the copy"
    parsed = parse_name(name)
    return (f"The demo's server is signed in to ollama.com as {account}: C copies it as "
            f"{account}/{parsed.model}:{parsed.tag} (no disk used); then O pushes the copy")


async def rebuild(screen: ModelsScreen, model: ModelSummary) -> None:
    session = screen.qapp.session
    if session.history is None:
        screen.qapp.notify_text("No history here: recipes are not kept", severity="error")
        return
    # R on a base rebuilds the variants made from it (after its update, where the cursor is).
    names = [model.name] if model_key(model.name) in session.recipes else \
        variants_of(model.name, session.recipes)
    if not names:
        screen.qapp.notify_text(f"{model.name} was not made here as a variant, nor is it the "
                                "base of one: there is nothing to rebuild", severity="warning")
        return
    screen.qapp.notify_text(f"Rebuilding {', '.join(names)}…")
    result = await rebuild_variants(session, names)
    for outcome in result.outcomes:
        screen.qapp.notify_text(outcome.message, severity="information"
                                if outcome.status != "error" else "error")
    await session.refresh()
    screen.qapp.session_changed.publish(Changed("models"))


async def save_modelfile(screen: ModelsScreen, model: ModelSummary) -> None:
    """Write the model's Modelfile to `<name>.Modelfile` in the working folder."""
    try:
        result = await modelfile_of(screen.qapp.session, model.name)
    except OllamaError as exc:
        screen.qapp.notify_text(str(exc), severity="error")
        return
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in result.model)
    try:
        path = await asyncio.to_thread(write_new_file, Path.cwd(), safe, ".Modelfile",
                                       result.modelfile)
    except OSError as exc:
        screen.qapp.notify_text(f"Could not write {safe}.Modelfile here: "
                                f"{exc.strerror or exc}", severity="error")
        return
    first = f"{safe}.Modelfile"
    beside = f" ({first} was there already: left as it is)" if path.name != first else ""
    screen.qapp.notify_text(f"Saved the Modelfile of {model.name} to {path}{beside}")

