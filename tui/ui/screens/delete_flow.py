"""Deleting from the Models view (`d`): the marked models, or the highlighted one, after a
question that says how much disk it really frees (the delete operation's own plan); then
the deletes, one by one, each failure said and the others done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.format import human_size
from tui.ollama import OllamaError
from tui.ollama.names import same_model, validation_error

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ops.models import DeletePlan
    from tui.ui.screens.models import ModelsScreen


def ask_and_delete(view: ModelsScreen, models: list[ModelSummary]) -> None:
    """Plan in the view's worker (the details that say which blobs are shared are asked
    first), then ask."""
    view.run_worker(_plan_and_ask(view, models), group="delete", exclusive=True,
                    exit_on_error=False)


async def _plan_and_ask(view: ModelsScreen, models: list[ModelSummary]) -> None:
    from tui.ops.models import plan_delete
    from tui.ui.screens.confirm import ConfirmScreen, delete_question  # not for the 1st frame

    app = view.qapp
    session = app.session
    # A name Ollama could never take (a hostile server's) cannot be deleted: said, left out.
    for model in models:
        if problem := validation_error(model.name):
            app.notify_text(problem, title=f"Could not delete {model.name}", severity="error")
    models = [m for m in models if not validation_error(m.name)]
    if not models:
        return
    try:
        plan = await plan_delete(session, [m.name for m in models], list(session.state.models))
    except OllamaError as exc:
        app.notify_text(str(exc), title="Cannot delete", severity="error")
        return
    current = app.settings.current_model
    which = "It is the current model" if len(models) == 1 else \
        "The current model is among them"
    warning = f"{which}: tools using it will need another." \
        if any(same_model(m.name, current) for m in models) else ""

    def answered(yes: bool | None) -> None:
        if yes:
            view.run_worker(delete_models(view, plan), group="delete", exit_on_error=False)

    app.push_screen(ConfirmScreen(
        "Delete models" if len(models) > 1 else "Delete model",
        delete_question(models, session.label, plan.freed(models), view.grid.hidden_marks()),
        warning, "Delete"), answered)


async def delete_models(view: ModelsScreen, plan: DeletePlan) -> None:
    from tui.ops.models import carry_out

    app = view.qapp
    report = await carry_out(app.session, plan)
    for outcome in report.outcomes:
        if outcome.status != "success":
            app.notify_text(outcome.message, title=f"Could not delete {outcome.model}",
                            severity="error")
    if report.freed is not None:
        deleted = report.deleted
        names = deleted[0].name if len(deleted) == 1 else f"{len(deleted)} models"
        about = "about " if report.freed.approximate and report.freed.freed else ""
        app.notify_text(f"Deleted {names}: {about}{human_size(report.freed.freed)} freed")
    view.grid.action_clear_marks()
    app.refresh_models()
