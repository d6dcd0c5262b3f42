"""What every view (Models, Running, Pulls, Hosts) shares: the tabs, the status bar, the
footer, and news of the host session, delivered through the app's `session_changed` signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.services.session import Changed, Event, Topic
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.status_bar import StatusBar
from tui.ui.widgets.view_tabs import ViewTabs

if TYPE_CHECKING:
    from tui.ui.app import QGooseApp


class View(Screen[None]):
    VIEW_NAME: ClassVar[str] = ""
    TOPICS: ClassVar[frozenset[Topic]] = frozenset()
    """News of the session that redraws the view (`show`)."""

    @property
    def qapp(self) -> QGooseApp:
        return cast("QGooseApp", self.app)

    def compose(self) -> ComposeResult:
        self._set_width_class(self.app.size.width)
        yield ViewTabs(self.VIEW_NAME)
        yield from self.compose_body()
        self.status_bar = StatusBar(self.qapp.session, demo=self.qapp.demo,
                                    saved=self.qapp.settings.saved, id="status")
        self.status_bar.current_model = self.qapp.settings.current_model
        yield self.status_bar
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def _set_width_class(self, width: int) -> None:
        """The class HORIZONTAL_BREAKPOINTS gives this width. Textual sets it on the first
        resize, after the first frame: set before it, that frame is laid out and styled once
        instead of twice (about 20 ms of the start-up)."""
        breakpoints = sorted(self.HORIZONTAL_BREAKPOINTS or [])
        chosen = next((name for at, name in reversed(breakpoints) if width >= at), None)
        for _at, name in breakpoints:
            self.set_class(name == chosen, name, update=False)

    def show(self) -> None:
        """Draw what the view shows from the session: on mount, on coming back to the view,
        and on news in TOPICS."""

    # Textual calls on_mount and on_screen_resume of every class in the MRO, subclass first:
    # views define their own without calling these (which would run them twice).
    def on_mount(self) -> None:
        self.qapp.views[self.VIEW_NAME] = self
        self.qapp.session_changed.subscribe(self, self._on_session_event)
        # Drawn by the ScreenResume that follows every mount (switching to a view sends one).

    def _on_session_event(self, event: Event) -> None:
        self._show_status()
        # Another host: everything on screen was the last one's.
        if isinstance(event, Changed) and (event.topic in self.TOPICS or event.topic == "host"):
            self.show()
        self.session_event(event)

    def session_event(self, event: Event) -> None:
        """Override for news that needs more than `show`."""

    def on_screen_resume(self) -> None:
        # Events kept coming while another view was shown; catch up in one go.
        self._show_status()
        self.show()
        self.resumed()

    def resumed(self) -> None:
        """Override for what follows coming back to the view, once it is redrawn."""

    def _show_status(self) -> None:
        self.status_bar.session = self.qapp.session
        self.status_bar.current_model = self.qapp.settings.current_model
        self.status_bar.refresh()


class ReportView(View):
    """A view that is one scrollable report, redrawn from the session (Running, Hosts)."""

    DEFAULT_CSS = """
    ReportView #report { padding: 0 1; height: 1fr; }
    """

    def compose_body(self) -> ComposeResult:
        self.body = Static(id="report-body")
        with VerticalScroll(id="report"):
            yield self.body

    def show(self) -> None:
        self.body.update(self.report())

    def report(self) -> RenderableType:
        raise NotImplementedError
