"""Rename and copy (`m`, `C`): the dialog asks the new name, checked as you type (valid, not
taken, not the same; a copy may replace a taken name, after a question); Enter does it, Esc
cancels. `ask_new_name` is the whole flow, its worker run by the Models view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from tui.core.format import printable
from tui.ollama import OllamaError
from tui.services.rename import destination_problem, name_problem, taken_by
from tui.services.session import Changed
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.model_name_input import ModelNameInput

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ui.screens.models import ModelsScreen


class RenameDialog(Dialog[str | None]):
    """Dismissed with the new name, or None when cancelled."""

    DEFAULT_CSS = """
    RenameDialog .title { margin-bottom: 1; }
    """

    def __init__(self, source: str, installed: list[str], copy: bool = False) -> None:
        super().__init__()
        self.source, self.installed, self.copy = source, installed, copy

    def compose_body(self) -> ComposeResult:
        verb = "Copy" if self.copy else "Rename"
        yield Static(Text(f"{verb} {printable(self.source)}"), classes="title")
        # A copy may take a taken name (asked first); a rename never.
        rule = (lambda text: name_problem(text, self.source)) if self.copy else \
            (lambda text: destination_problem(text, self.installed, self.source))
        yield ModelNameInput(self.source, rules=[rule], empty="type the new name", id="name")
        yield Static("", id="problem", classes="problem")
        how = ("Ollama stores the blobs once: a copy takes no disk" if self.copy else
               "Copied, checked, then the old name deleted: if anything fails the "
               "original stays")
        yield Static(Text(how), classes="hint")
        yield Static("Enter confirms · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name", ModelNameInput).focus()
        self._check()

    def _check(self) -> bool:
        """Say whether the name typed can be used, and what it becomes."""
        box = self.query_one("#name", ModelNameInput)
        label = self.query_one("#problem", Static)
        problem = box.problem()
        taken = taken_by(box.value, self.installed) if self.copy and not problem else None
        label.set_class(taken is not None, "-warn")
        label.set_class(not problem and taken is None, "-ok")
        if taken is not None:  # a copy may replace it: the flow asks first
            label.update(Text(f"{taken} exists: Enter asks before replacing it"))
        else:
            label.update(Text(problem or f"✓ becomes {box.model_name}"))
        return not problem

    @on(Input.Changed, "#name")
    def _changed(self) -> None:
        self._check()

    @on(Input.Submitted, "#name")
    def _submitted(self) -> None:
        if self._check():
            self.dismiss(self.query_one("#name", ModelNameInput).model_name)


def ask_new_name(view: ModelsScreen, model: ModelSummary, copy: bool) -> None:
    """The `m` and `C` flow: the new name, a question before a copy replaces another model,
    then the rename (or copy) in the view's worker."""
    session = view.qapp.session
    installed = [m.name for m in session.state.models]

    def chosen(name: str | None) -> None:
        taken = session.state.find(name) if name and copy else None
        if taken is not None and taken.digest != model.digest:
            _ask_replace(view, model, taken)
        elif name:
            view.run_worker(rename_model(view, model, name, copy), group="rename",
                            exit_on_error=False)

    view.app.push_screen(RenameDialog(model.name, installed, copy), chosen)


def _ask_replace(view: ModelsScreen, model: ModelSummary, taken: ModelSummary) -> None:
    """A copy onto another model's name replaces that model: only when the user says so."""
    from tui.ui.screens.confirm import ConfirmScreen  # not for the first frame

    question = Text.assemble("Replace ", (printable(taken.name), "bold"), " with a copy of ",
                             (printable(model.name), "bold"), "?")

    def answered(yes: bool | None) -> None:
        if yes:
            view.run_worker(rename_model(view, model, taken.name, True, True),
                            group="rename", exit_on_error=False)

    view.app.push_screen(ConfirmScreen(
        "Replace model", question, f"{printable(taken.name)} as it is now will be gone.",
        "Replace"), answered)


async def rename_model(view: ModelsScreen, model: ModelSummary, new_name: str, copy: bool,
                       replace: bool = False) -> None:
    from tui.ops import models as ops
    from tui.services.rename import RenameError

    app = view.qapp
    session = app.session
    done: ops.Copied | ops.Renamed
    try:
        if copy:
            try:
                done = await ops.copy(session, model.name, new_name, replace=replace)
            finally:
                await session.refresh()  # the list shows what exists now, whatever happened
        else:
            done = await ops.rename(session, app.settings, model.name, new_name)
    except (RenameError, OllamaError) as exc:
        app.notify_text(str(exc), title="Copy failed" if copy else "Rename failed",
                        severity="error")
        return
    # The current model follows its rename; a config that cannot be written says why.
    problem = isinstance(done, ops.Renamed) and bool(done.current_problem)
    app.notify_text(done.message, severity="warning" if problem else "information")
    view.grid.select_name(done.model)
    app.session_changed.publish(Changed("models"))
