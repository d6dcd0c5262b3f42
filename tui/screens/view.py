"""What every view (Models, Running, Pulls, Hosts) shares: the tabs, the status bar, the
footer, and news of the host session, delivered through the app's `session_changed` signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tui.session import Event
from tui.widgets.status_bar import StatusBar
from tui.widgets.view_tabs import ViewTabs

if TYPE_CHECKING:
    from tui.app import QGooseApp


class View(Screen[None]):
    VIEW_NAME: ClassVar[str] = ""

    @property
    def qapp(self) -> QGooseApp:
        return cast("QGooseApp", self.app)

    def compose(self) -> ComposeResult:
        yield ViewTabs(self.VIEW_NAME)
        yield from self.compose_body()
        self.status_bar = StatusBar(self.qapp.session, demo=self.qapp.demo,
                                    saved=self.qapp.settings.saved, id="status")
        self.status_bar.current_model = self.qapp.settings.current_model
        yield self.status_bar
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.qapp.views[self.VIEW_NAME] = self
        self.qapp.session_changed.subscribe(self, self._on_session_event)

    def _on_session_event(self, event: Event) -> None:
        self.status_bar.current_model = self.qapp.settings.current_model
        self.status_bar.refresh()
        self.session_event(event)

    def session_event(self, event: Event) -> None:
        """Override to follow the session; the status bar is already up to date."""

    def on_screen_resume(self) -> None:
        # Events kept coming while another view was shown; catch up in one go.
        self.status_bar.current_model = self.qapp.settings.current_model
        self.status_bar.refresh()
