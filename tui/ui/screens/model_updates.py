"""Updates from the Models view: asking the registries which models have newer versions
(`o`, and once a session on its own), and updating the chosen ones (`U`, Ctrl+U) after
saying which and what is left alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.format import counted

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ui.screens.models import ModelsScreen


def check_updates(view: ModelsScreen) -> None:
    from tui.ops.updates import check_updates as ask_registries  # not for the 1st frame

    view.updates_asked = True
    session = view.qapp.session
    view.run_worker(ask_registries(session, list(session.state.models)), group="updates",
                    exclusive=True, exit_on_error=False)


def check_updates_again(view: ModelsScreen) -> None:
    app = view.qapp
    if app.session.model_updates.asking_registries:
        app.notify_text("Already asking the registries")
        return
    app.session.model_updates.forget()
    check_updates(view)
    app.notify_text("Asking the registries which models have newer versions…")


def ask_and_update(view: ModelsScreen, models: list[ModelSummary], asked: bool = False) -> None:
    """Update those of `models` with a newer version, after saying which and what is
    left alone. Models the registries were not asked about yet (made or pulled since the
    check) are asked about first, then this goes on."""
    app = view.qapp
    session = app.session
    checks = [(m, session.model_updates.known(m)) for m in models]
    unasked = [m for m, c in checks if c is None]
    if unasked and not asked and not session.model_updates.asking_registries:
        async def ask_then_update() -> None:
            await session.model_updates.check_all(unasked)
            ask_and_update(view, models, asked=True)

        # Its own group: the start-up check (group "updates", exclusive) must not cancel it.
        view.run_worker(ask_then_update(), group="updates-asked", exit_on_error=False)
        app.notify_text(f"Asking the registries about {_names(unasked)}…")
        return
    outdated = [m for m, c in checks if c is not None and c.outdated]
    if not outdated:
        if len(models) == 1 and checks[0][1] is not None:
            check = checks[0][1]
            app.notify_text(f"{models[0].name}: {check.state} ({check.reason})")
        elif session.model_updates.asking_registries or any(c is None for _, c in checks):
            app.notify_text("Still asking the registries; try again in a moment (o asks again)")
        else:
            app.notify_text("None of these has a newer version")
        return
    from tui.ui.screens.confirm import ConfirmScreen, update_question  # not for the 1st frame

    left = len(models) - len(outdated)
    question = update_question(outdated, [c for _, c in checks if c is not None and
                                          c.outdated], left)

    def answered(yes: bool | None) -> None:
        if yes:
            from tui.ops.updates import start_updates

            started = start_updates(session, outdated).started
            app.pulls_started()
            app.notify_text(f"Updating {counted(len(started), 'model')}: progress in the "
                            "Pulls view (P)")

    from tui.core.variant_states import update_note

    variants = update_note([m.name for m in outdated], session.recipes)
    app.push_screen(ConfirmScreen("Update models" if len(outdated) > 1 else "Update model",
                                  question, variants, "Update", danger=False), answered)


def _names(models: list[ModelSummary]) -> str:
    names = [m.name for m in models]
    return ", ".join(names) if len(names) <= 3 else f"{names[0]} and {len(names) - 1} others"
