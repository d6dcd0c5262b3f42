"""The base of every dialog: a modal frame in the middle of the screen (its look is in
app.tcss, each dialog's size too), Esc cancels (dismissed with None), and a worker that
fails in it reaches the app's error handler."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.worker import Worker

from tui.ui.screens.failures import report_failed_worker

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """Subclasses yield their content from `compose_body`, inside the frame (a `Vertical`,
    or a `VerticalScroll` when `SCROLLS`); `-danger` in `classes` paints the frame red."""

    SCROLLS: ClassVar[bool] = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        frame = VerticalScroll if self.SCROLLS else Vertical
        with frame(classes="frame"):
            yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)
