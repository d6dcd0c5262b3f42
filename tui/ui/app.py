"""QGooseApp: the shell. It holds the host session and the work that outlives a view
(refresh, pulls), switches views, and turns every failure into a message.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.screen import Screen
from textual.signal import Signal
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui.core.format import printable
from tui.ollama import OllamaError
from tui.services.config import CurrentModelWatch, Settings, demo_folder, for_demo, use_demo_hosts
from tui.services.history import History, default_history_path
from tui.services.list_cache import ListCache
from tui.services.session import Changed, Event, HostSession, Notice
from tui.ui.compat import SurvivingApp, guard_option_list_paging, known_ascii_keys
from tui.ui.screens.models import ModelsScreen
from tui.ui.widgets.safe_text import ControlFilter
from tui.ui.widgets.view_tabs import VIEWS, ViewTabs

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.core.pulls import Kind
    from tui.core.vram import Vram
    from tui.emulator.server import Emulator
    from tui.ui.screens.view import View

PULLS_REPAINT_HZ = 10  # however fast a pull streams, its figures redraw at most this often
# One instance: Textual caches each drawn line's filtered form by filter.
CONTROL_FILTER = ControlFilter()
guard_option_list_paging()
known_ascii_keys()


def _later(module: str, screen: str) -> Callable[[], Screen]:
    """A view imported when first shown: the first frame needs only the Models view."""
    return lambda: getattr(import_module(f"tui.ui.screens.{module}"), screen)()


def _actions_provider() -> type[Provider]:
    from tui.ui.palette import ActionsProvider  # not needed for the first frame

    return ActionsProvider


class QGooseApp(SurvivingApp):
    TITLE = "qgoose-tui"
    COMMANDS = {_actions_provider}  # the palette finds actions by their explanation too
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    # The Models view is the first screen itself (get_default_screen): no empty default
    # screen to leave. Made as the default screen rather than by MODES, Textual mounts it
    # after the start's batch of updates (as a MODES screen, it was laid out and drawn once
    # inside that batch, never shown, and its stylesheet parsed again: ~25 ms of the start).
    DEFAULT_MODE = "models"
    MODES = {"running": _later("running", "RunningScreen"),
             "pulls": _later("pulls", "PullsScreen"), "hosts": _later("hosts", "HostsScreen")}
    BINDINGS = [
        *(Binding(str(n), f"show_view('{view}')", label, show=False, tooltip=f"{label} view")
          for n, (view, label) in enumerate(VIEWS, 1)),
        Binding("h", "pick_host", "Host", show=False,
                tooltip="choose which Ollama host the views show (the others go on)"),
        Binding("question_mark", "help", "Help", tooltip="every key of this view"),
        Binding("q", "quit", "Quit", tooltip="quit (asks first while pulls are running)"),
    ]

    def __init__(self, settings: Settings, *, demo: bool = False,
                 emulator_options: dict[str, Any] | None = None,
                 list_cache: ListCache | None = None, history: History | None = None) -> None:
        super().__init__()
        # The demo is a world of its own (see for_demo). Made here, not by the entry point
        # (tests), the app owns the demo's folder and removes it when it ends.
        self.demo_dir = demo_folder() if demo and settings.saved else None
        self.settings = settings if self.demo_dir is None else \
            for_demo(settings, Path(self.demo_dir.name))
        self.demo = demo
        self.emulator_options = emulator_options or {}
        self.emulator: Emulator | None = None  # the in-process Ollama emulator in demo mode
        self.fleet_emulators: list[tuple[str, Emulator]] = []  # the demo's other hosts
        # The demo's emulator is new each time: no list worth keeping for it.
        self.list_cache = None if demo else list_cache or ListCache()
        # Benchmark results: the demo keeps its own in memory, for that run only.
        self.history = History(None) if demo else history or History(default_history_path())
        self.session_changed: Signal[Event] = Signal(self, "session-changed")
        self.views: dict[str, View] = {}  # each view, once shown
        # `qgoose-tui use` and the web page set the same current model: shown when they do.
        self.current_watch = CurrentModelWatch(self.settings)
        self.survive_widget_errors: bool | None = None  # None: yes, unless headless

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Last on every line drawn: no terminal control reaches the screen, whoever wrote it.
        return [*super().get_line_filters(), CONTROL_FILTER]

    async def on_load(self) -> None:
        # Before the first screen is made (it shows the session): Load comes before Compose.
        hosts = await self._hosts()
        self.sessions = {name: self._session(name, url, registry, options)
                         for name, url, registry, options in hosts}
        self.session = self.sessions.get(self.settings.host_name) or \
            next(iter(self.sessions.values()))

    def get_default_screen(self) -> Screen:
        return ModelsScreen()

    def on_mount(self) -> None:
        # The Models view's mode, for switch_mode to come back to; its screen is made.
        self.add_mode("models", ModelsScreen)
        # The app talks to every host of the fleet: each one's warnings, once.
        for warning in [*self.settings.warnings,
                        *self.settings.host_warnings(self.settings.fleet())]:
            self.notify_text(warning, title="Config", severity="warning")
        self.set_interval(0.5, self._poll)
        self._pulls_timer = self.set_interval(1 / PULLS_REPAINT_HZ, self._repaint_pulls,
                                              pause=True)
        # The frame (and the list saved last time) first, then the network.
        self.call_after_refresh(gc.enable)  # paused by the entry point while it started
        self.call_after_refresh(self._poll)
        self.call_after_refresh(self._load_history)

    async def _hosts(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(name, base URL, registry, client options) of each host to hold a session for:
        the configured fleet, or the demo's emulators."""
        if not self.demo:
            return [(h.name, h.base_url, self.settings.registry,
                     self.settings.client_options(h.name)) for h in self.settings.fleet()]
        # aiohttp: only for the demo
        from tui.emulator.server import demo_fleet, started_demo_emulator

        self.emulator = await started_demo_emulator(**self.emulator_options)
        self.fleet_emulators = [] if self.emulator_options else await demo_fleet()
        hosts = {"emulator": self.emulator.url,
                 **{name: emu.url for name, emu in self.fleet_emulators}}
        emulators = [("emulator", self.emulator), *self.fleet_emulators]
        use_demo_hosts(self.settings, hosts,  # the demo's fleet is all the app knows
                       {name: emulator.vram for name, emulator in emulators})
        # Each emulator is its own registry too.
        return [(name, url, url, self.settings.client_options(name))
                for name, url in hosts.items()]

    def _session(self, name: str, base_url: str, registry: str,
                 options: dict[str, Any]) -> HostSession:
        session = HostSession(
            base_url, label="" if name == "default" else name, list_cache=self.list_cache,
            history=self.history, registry=registry, client_options=options,
            refresh_interval=self.settings.refresh_interval,
            spawn=lambda coro: self.run_worker(coro, group="pull", exit_on_error=False))
        session.subscribe(lambda event: self._on_session_event(session, event))
        return session

    def survives(self, widget: Widget, error: Exception) -> bool:
        # Under test (headless) every failure fails the test, unless a test asks otherwise.
        survive = self.survive_widget_errors if self.survive_widget_errors is not None \
            else not self.is_headless
        if survive:  # one widget failed: it stops; the app, its views and its pulls go on
            self.notify_text(f"{type(widget).__name__} stopped after an internal error "
                             f"({type(error).__name__}: {error}); the rest of the app goes on",
                             title="Internal error", severity="error")
        return survive

    async def on_unmount(self) -> None:
        for session in getattr(self, "sessions", {}).values():
            await session.aclose()
        for emulator in [self.emulator, *(e for _, e in self.fleet_emulators)]:
            if emulator is not None:
                await emulator.stop()
        if self.demo_dir is not None:
            self.demo_dir.cleanup()

    # -- the session -------------------------------------------------------------------
    def _on_session_event(self, session: HostSession, event: Event) -> None:
        if session is not self.session:
            # Another host: its toasts say which; the Hosts view follows its state.
            if isinstance(event, Notice):
                self.notify_text(event.message, title=f"{session.label}: {event.title}".strip(
                    ": "), severity=event.severity)
            elif isinstance(event, Changed) and event.topic in ("state", "models", "running"):
                self.session_changed.publish(Changed("fleet"))
            return
        if isinstance(event, Notice):
            self.notify_text(event.message, title=event.title, severity=event.severity)
        else:
            self.session_changed.publish(event)

    @property
    def vram(self) -> int | None:
        """The GPU memory of the host shown (its own `vram`, else the config's)."""
        return self.settings.vram_for(self.session.label)

    @property
    def gpu_memory(self) -> Vram | None:
        """What verdicts judge by: the configured `vram`, else what /api/ps shows in use."""
        configured, running = self.vram, self.session.state.running
        if not configured and not running:
            return None  # nothing to judge by (and the first frame need not load the rules)
        from tui.core.vram import host_vram

        return host_vram(configured, running)

    def switch_host(self, name: str) -> None:
        """Show another host; the others go on (their pulls too)."""
        self.session = self.sessions[name]
        self.session_changed.publish(Changed("host"))
        if self.session.due():
            self._refresh(name, self.session)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[Any]) -> None:
        """No silent failures: a worker that dies of a bug says so. The app's own workers
        come here, and the views' and dialogs' too (their StateChanged does not bubble:
        screens/failures.py forwards it)."""
        error = worker.error
        self.notify_text(f"{type(error).__name__}: {error}", title="Something went wrong",
                         severity="error")

    def _poll(self) -> None:  # on the interval while online, with backoff while not
        if self.current_watch.check():
            self.session_changed.publish(Changed("models"))
        for name, session in self.sessions.items():
            if session.due():
                self._refresh(name, session)

    def _refresh(self, name: str, session: HostSession) -> None:
        self.run_worker(session.refresh(), group=f"refresh:{name}", exclusive=True,
                        exit_on_error=False)

    def action_refresh_models(self) -> None:
        self.refresh_models()

    def refresh_models(self) -> None:
        """Ask the host on screen now."""
        name = next(n for n, s in self.sessions.items() if s is self.session)
        self._refresh(name, self.session)

    def _load_history(self) -> None:
        for name, session in self.sessions.items():
            self.run_worker(session.load_history(), group=f"history:{name}",
                            exit_on_error=False)

    def _repaint_pulls(self) -> None:
        moving = False
        for session in self.sessions.values():
            if session.pulls.take_changed():
                # Another host's pulls show in the Hosts view's Pulls column.
                self.session_changed.publish(Changed("pulls" if session is self.session
                                                     else "fleet"))
            moving = moving or bool(session.pulls.running)
        if not moving:
            self._pulls_timer.pause()  # nothing moves: no timer either

    # -- operations the views ask for --------------------------------------------------
    def start_pull(self, name: str) -> None:
        from tui.ollama import InvalidNameError
        from tui.ops.models import AlreadyPulling, start_pull  # not for the first frame

        try:
            start_pull(self.session, name)
        except (AlreadyPulling, InvalidNameError) as exc:
            self.notify_text(str(exc), severity="warning")
        self._pulls_timer.resume()

    def pulls_started(self) -> None:
        """Pulls were started elsewhere (updates): repaint their progress."""
        self._pulls_timer.resume()

    def pull_action(self, action: str, name: str, kind: Kind = "pull") -> None:
        """`cancel`, `retry` or `dismiss` the pull (or push) of `name`."""
        getattr(self.session.pulls, action)(name, kind)
        self._pulls_timer.resume()

    def load_model(self, name: str, keep_alive: str | int | None) -> None:
        """Load in the background: it can take minutes, and the user goes on meanwhile."""
        self.run_worker(self._load(self.session, name, keep_alive), group="load",
                        exit_on_error=False)

    async def _load(self, session: HostSession, name: str, keep_alive: str | int | None,
                    ) -> None:
        from tui.ops.memory import load  # not needed for the first frame

        try:
            loaded = await load(session, name, keep_alive)
        except OllamaError as exc:
            self.notify_text(str(exc), title=f"Could not load {name}", severity="error")
            return
        # Ollama unloads others, without a word, to make room: say which went.
        room = f"; to make room, Ollama unloaded {', '.join(loaded.evicted)}" \
            if loaded.evicted else ""
        self.notify_text(loaded.message + room)

    def unload_models(self, names: list[str]) -> None:
        self.run_worker(self._unload(self.session, names), group="unload",
                        exit_on_error=False)

    async def _unload(self, session: HostSession, names: list[str]) -> None:
        from tui.ops.memory import unload  # not needed for the first frame

        for outcome in (await unload(session, names)).outcomes:
            if outcome.status == "success":
                self.notify_text(outcome.message)
            else:
                self.notify_text(outcome.message, title=f"Could not unload {outcome.model}",
                                 severity="error")

    def notify_text(self, text: str, **options: Any) -> None:
        """A toast whose text is shown as written: server text is never markup, and its
        title (often a model's name) is made printable too."""
        if options.get("title"):
            options["title"] = printable(options["title"])
        self.notify(printable(text, multiline=True), markup=False,
                    **{k: v for k, v in options.items() if k != "title" or v})

    # -- views and global keys ---------------------------------------------------------
    def action_show_view(self, view: str) -> None:
        self.switch_mode(view)

    def on_view_tabs_chosen(self, event: ViewTabs.Chosen) -> None:
        self.switch_mode(event.view)

    def action_pick_host(self) -> None:
        from tui.ui.screens.hosts_dialog import HostPicker  # not needed for the first frame

        if len(self.sessions) < 2:
            self.notify_text("Only one host: add [hosts.NAME] tables to the config for more")
            return
        rows = [(name, session.label or name,
                 {None: "connecting", True: "online", False: "offline"}[session.state.online],
                 str(len(session.state.models))) for name, session in self.sessions.items()]
        wide = [max(len(row[i]) for row in rows) for i in (1, 2, 3)]
        lines = [(name, f"{label:<{wide[0]}}  {state:<{wide[1]}}  {count:>{wide[2]}} "
                        f"model{'' if count == '1' else 's'}")  # in columns, as a table reads
                 for name, label, state, count in rows]
        current = next(n for n, s in self.sessions.items() if s is self.session)

        def chosen(name: str | None) -> None:
            if name and name != current:
                self.switch_host(name)
                self.notify_text(f"Showing {self.session.label or name}")

        self.push_screen(HostPicker(lines, current), chosen)

    def action_help(self) -> None:
        from tui.ui.screens.help import help_screen  # not needed for the first frame

        self.push_screen(help_screen(self))

    async def action_quit(self) -> None:
        running = [(job.kind, job.name + (f" on {s.label}" if len(self.sessions) > 1 else ""))
                   for s in self.sessions.values() for job in s.pulls.running]
        if running:
            from tui.ui.screens.confirm import quit_question  # not needed for the first frame

            self.push_screen(quit_question(running), lambda yes: self.exit() if yes else None)
        else:
            self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from tui.ui.screens.help import palette_commands  # not needed for the first frame

        yield from super().get_system_commands(screen)
        yield from palette_commands(self, screen)


def run_app(settings: Settings, demo: bool = False) -> int:
    QGooseApp(settings, demo=demo).run()
    return 0
