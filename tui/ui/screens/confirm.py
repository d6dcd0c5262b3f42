"""A yes/no question in a modal: `y` or the Yes button; `n`, Esc or Enter (the focused,
safe Cancel button) say no."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static

from tui.core.format import counted, human_size, printable
from tui.core.space import SpaceFreed
from tui.ollama.models import ModelSummary
from tui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from tui.services.registry import UpdateCheck


class ConfirmScreen(Dialog[bool]):
    DEFAULT_CSS = """
    ConfirmScreen .title { margin-bottom: 1; }
    ConfirmScreen .warning { color: $warning; margin-bottom: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: Text, warning: str = "",
                 yes_label: str = "Yes", danger: bool = True) -> None:
        """`danger` False: nothing is lost by saying yes (an update): no red."""
        super().__init__(classes="-danger" if danger else "")
        self.danger = danger
        self.title_text = title
        self.question = question
        self.warning = warning
        self.yes_label = yes_label

    def compose_body(self) -> ComposeResult:
        yield Static(Text(self.title_text), classes="title")
        yield Static(self.question)
        if self.warning:
            yield Static(Text(self.warning), classes="warning")
        with Horizontal():
            yield Button("Cancel (n)", id="no")
            yield Button(f"{self.yes_label} (y)", id="yes",
                         variant="error" if self.danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe answer is the default

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def quit_question(running: Sequence[tuple[str, str]]) -> ConfirmScreen:
    """Asked before quitting stops the pulls and pushes under way ((kind, name) each):
    "1 pull and 1 push are still running: a, b." """
    pulls = sum(kind == "pull" for kind, _ in running)
    pushes = len(running) - pulls
    counts = " and ".join(counted(n, word, word + plural) for n, word, plural
                          in ((pulls, "pull", "s"), (pushes, "push", "es")) if n)
    still = "is" if len(running) == 1 else "are"
    question = Text(f"{counts} {still} still running: "
                    f"{printable(', '.join(name for _, name in running))}.")
    again = "pulling or pushing" if pulls and pushes else "pushing" if pushes else "pulling"
    them, they = ("it", "it") if len(running) == 1 else ("them", "they")
    return ConfirmScreen("Quit qgoose-tui?", question,
                         f"Quitting stops {them}; {again} again resumes where {they} left off.",
                         "Quit")


def delete_question(models: list[ModelSummary], host: str, report: SpaceFreed,
                    hidden: int = 0) -> Text:
    """ "Delete A, B and C from host (1 of them hidden by the filter)? Frees about 12 GB;
    4.7 GB stays (shared with D)." Every model is named: nothing goes unsaid."""
    question = Text("Delete ")
    for index, model in enumerate(models):
        if index:
            question.append(", " if index < len(models) - 1 else " and ")
        question.append(printable(model.name), style="bold")
    question.append(f" from {printable(host)}")
    if hidden:
        question.append(f" ({hidden_note(hidden)})", style="bold")
    question.append("?\n")
    # Sharing not yet seen can only make the figure smaller: "about" when there is one.
    about = "about " if report.approximate and report.freed else ""
    question.append(f"Frees {about}{human_size(report.freed)} of disk.")
    if report.kept:
        keepers = sorted({k for names in report.shared_with.values() for k in names})
        question.append(f" {human_size(report.kept)} stays: shared with "
                        f"{printable(', '.join(keepers[:3]))}"
                        f"{' and more' if len(keepers) > 3 else ''}.")
    return question


def hidden_note(hidden: int) -> str:
    """Marked models the filter hides are still acted on: say so."""
    return f"{counted(hidden, 'marked model')} not shown by the filter"


def update_question(models: list[ModelSummary], checks: list[UpdateCheck], left: int) -> Text:
    """ "Update A and B? A: template changed, 1.2 KB to download. B: new weights, 4.7 GB
    to download. 3 others have no newer version: left alone." (Where what changed is not
    known: the sizes of the new versions.)"""
    question = Text("Update ")
    for index, model in enumerate(models[:4]):
        if index:
            question.append(", " if index < min(len(models), 4) - 1 or len(models) > 4
                            else " and ")
        question.append(printable(model.name), style="bold")
    if len(models) > 4:
        question.append(f" and {len(models) - 4} more")
    question.append("?\n")
    sizes = [c.new_size for c in checks if c.new_size is not None]
    if checks and all(c.change_text for c in checks):  # what each changes, and its bytes
        for check in checks[:4]:
            question.append(printable(check.name), style="bold")
            question.append(f": {check.change_text}\n")
        if len(checks) > 1:
            total = sum(c.download_size or 0 for c in checks)
            question.append(f"{human_size(total)} to download in all.")
    elif sizes:
        question.append(f"The new versions take {human_size(sum(sizes))}; only the layers "
                        "that changed are downloaded.")
    if left:
        question.append(f"\n{left} other{'s have' if left > 1 else ' has'} no newer version: "
                        "left alone.")
    return question
