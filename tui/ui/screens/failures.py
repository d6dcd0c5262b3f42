"""No silent failures in views and dialogs: Textual posts a worker's StateChanged to the
node that runs it and does not bubble it, so the app never hears of a screen's worker that
failed. Every view and dialog hands those to the app (`on_worker_state_changed` calls this),
which says so."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.ui.app import QGooseApp


def report_failed_worker(screen: Screen[Any], event: Worker.StateChanged) -> None:
    if event.state is WorkerState.ERROR:
        cast("QGooseApp", screen.app).worker_failed(event.worker)
