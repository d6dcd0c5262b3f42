"""Deleting from the Models view (`d`): the marked models, or the highlighted one, after a
question that says how much disk it really frees; then the deletes, one by one, each
failure said and the others done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.ollama import OllamaError
from tui.ollama.names import same_model

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ui.screens.models import ModelsScreen


def ask_and_delete(view: ModelsScreen, models: list[ModelSummary]) -> None:
    from tui.core.space import space_freed
    from tui.ui.screens.confirm import ConfirmScreen, delete_question  # not for the 1st frame

    session = view.qapp.session
    report = space_freed(models, session.state.models, session.cached_info)
    current = view.qapp.settings.current_model
    warning = "The current model is among them: tools using it will need another." \
        if any(same_model(m.name, current) for m in models) else ""

    def answered(yes: bool | None) -> None:
        if yes:
            view.run_worker(delete_models(view, models), group="delete", exit_on_error=False)

    view.app.push_screen(ConfirmScreen(
        "Delete models" if len(models) > 1 else "Delete model",
        delete_question(models, session.label, report, view.grid.hidden_marks()),
        warning, "Delete"), answered)


async def delete_models(view: ModelsScreen, models: list[ModelSummary]) -> None:
    app = view.qapp
    deleted = []
    for model in models:
        try:
            await app.session.delete(model)
        except OllamaError as exc:
            app.notify_text(str(exc), title=f"Could not delete {model.name}", severity="error")
            continue
        deleted.append(model)
    if deleted:
        names = deleted[0].name if len(deleted) == 1 else f"{len(deleted)} models"
        app.notify_text(f"Deleted {names}")
    view.grid.action_clear_marks()
    app.refresh_models()
