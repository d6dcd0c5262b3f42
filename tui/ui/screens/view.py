"""What every view (Models, Running, Pulls, Hosts) shares: the tabs, the status bar, the
footer, and news of the host session, delivered through the app's `session_changed` signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker

from tui.services.session import Changed, Event, Topic
from tui.ui.screens.failures import report_failed_worker
from tui.ui.widgets.filter_bar import FilterBar
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.status_bar import HostStatus, StatusBar, pulls_summary_text
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
        self.status_bar = StatusBar(demo=self.qapp.demo, saved=self.qapp.settings.saved,
                                    id="status")
        self.show_status()
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
        self.show_status()
        # Another host: everything on screen was the last one's.
        if isinstance(event, Changed) and (event.topic in self.TOPICS or event.topic == "host"):
            self.show()
        self.session_event(event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)

    def session_event(self, event: Event) -> None:
        """Override for news that needs more than `show`."""

    def on_screen_resume(self) -> None:
        # Events kept coming while another view was shown; catch up in one go.
        self.show_status()
        self.show()
        self.resumed()

    def resumed(self) -> None:
        """Override for what follows coming back to the view, once it is redrawn."""

    def show_status(self) -> None:
        session, bar = self.qapp.session, self.status_bar
        state = session.state
        bar.status = HostStatus(
            label=session.label, online=state.online, answering=state.answering,
            error=state.error, offline_since=state.offline_since, next_check=state.next_check,
            version=state.version, listed=state.listed, from_cache=state.from_cache,
            models=len(state.models))
        bar.disk = session.disk_used()
        bar.pulls_text = pulls_summary_text(session.pulls.summary())
        bar.current_model = current = self.qapp.settings.current_model
        bar.current_installed = not current or state.find(current) is not None


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


class FilteredView(View):
    """A view with a filter box over a list (Models, Hosts): `/` goes to the box, Enter back
    to the list, Esc clears the box. Each view binds the keys (its own words) and parses the
    text in `FilterBar.Changed`."""

    filter_bar: FilterBar

    def filtered_list(self) -> Widget:
        """What the filter filters: the focus goes back to it."""
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter":
            return not isinstance(self.focused, Input)  # "/" is a character in a text box
        return True

    def action_focus_filter(self) -> None:
        self.filter_bar.focus_input()

    def action_clear_filter(self) -> None:
        self.filter_bar.clear()
        self.filtered_list().focus()

    @on(FilterBar.Submitted)
    def _filter_submitted(self) -> None:
        self.filtered_list().focus()
