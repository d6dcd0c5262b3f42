"""The Hosts view: every Ollama host (online or not, for how long, version, models, disk,
loaded models and VRAM in use, pulls under way) and below it the matrix of models × hosts:
present ✓, absent ·, or older than another host's copy ≠ (a stale copy: the newest is the
one the registry serves now, when an update check said, else the one changed last).

Enter on a host shows it in the other views; in the matrix `p` pulls the highlighted model
onto the hosts you choose (those lacking it, or with a stale copy, are ticked), `t` copies
it there from a host whose model files are readable (no internet needed; a copy the target
re-encoded, as Ollama 0.30 and later do, is remembered as the same version), `d` deletes it
from the hosts you choose (each with the space it frees), `/` filters."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Static

from tui.core.filter_query import parse_query
from tui.core.format import human_duration, human_size, printable
from tui.ollama.errors import InvalidNameError
from tui.ollama.host import redact
from tui.services.fleet import (
    Fleet,
    HostReport,
    MatrixRow,
    SameVersions,
    matrix,
    registry_current,
    remembered_versions,
)
from tui.services.hosts_config import HostConfig
from tui.ui.screens.view import FilteredView
from tui.ui.widgets.filter_bar import FilterBar
from tui.ui.widgets.safe_text import server_text
from tui.ui.widgets.status_bar import pulls_summary_text

if TYPE_CHECKING:
    from tui.ops.fleet import FleetDelete
    from tui.services.session import HostSession
    from tui.services.transfer import TransferProgress

PRESENT, ABSENT, STALE = "✓", "·", "≠"
HOST_COLUMNS = ("", "Host", "State", "Version", "Models", "Disk", "Loaded", "VRAM used",
                "Pulls")


def report_of(name: str, session: HostSession) -> HostReport:
    """What the session knows, in the fleet's terms (for the matrix)."""
    state = session.state
    return HostReport(name, session.base_url, online=bool(state.online),
                      version=state.version, models=list(state.models),
                      running=list(state.running), error=state.error)


def state_text(session: HostSession) -> Text:
    state = session.state
    if state.online is None:
        return Text("connecting", style="dim")
    if state.online:
        # For how long, once it is worth saying (and a picture of a fresh start is stable).
        up = time.monotonic() - (state.online_since or time.monotonic())
        return Text("online" + (f" {human_duration(up)}" if up >= 60 else ""), style="green")
    away = human_duration(time.monotonic() - (state.offline_since or time.monotonic()))
    return Text(f"offline {away}", style="red")


class HostsScreen(FilteredView):
    VIEW_NAME = "hosts"
    AUTO_FOCUS = "#matrix"
    TOPICS = frozenset({"state", "models", "fleet", "running"})
    DEFAULT_CSS = """
    HostsScreen #hosts { height: auto; max-height: 40%; }
    /* Seen even while the matrix has the focus: which host the view is about. */
    HostsScreen #hosts > .datatable--cursor { background: $secondary 40%; text-style: bold; }
    HostsScreen #matrix-title { padding: 0 1; text-style: bold; height: 1; }
    HostsScreen #matrix { height: 1fr; }
    HostsScreen #transfer { height: auto; padding: 0 1; color: $accent; display: none; }
    HostsScreen #transfer.-shown { display: block; }
    """
    BINDINGS = [
        Binding("p", "pull_on_hosts", "Pull onto…",
                tooltip="pull the highlighted model onto the hosts you choose"),
        Binding("d", "delete_on_hosts", "Delete from…",
                tooltip="delete the highlighted model from the hosts you choose"),
        Binding("t", "transfer_to_hosts", "Transfer to…",
                tooltip="copy the highlighted model to the hosts you choose without the "
                "internet (a host that has it must have readable model files)"),
        Binding("x", "cancel_transfer", "Cancel transfer", show=False,
                tooltip="stop the transfer under way (blobs already sent stay: a retry "
                "skips them)"),
        Binding("slash", "focus_filter", "Filter", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        self.hosts: DataTable[str | Text] = DataTable(id="hosts", cursor_type="row")
        self.hosts.add_columns(*HOST_COLUMNS)
        self.filter_bar = FilterBar("/ to filter the matrix: words, cap:vision, size<5GB…",
                                    id="matrix-filter")
        self.matrix: DataTable[str | Text] = DataTable(id="matrix", cursor_type="row",
                                                       zebra_stripes=True)
        yield self.hosts
        yield Static("Models × hosts  (✓ present · absent ≠ older than another host's)",
                     id="matrix-title")
        yield self.filter_bar
        yield self.matrix
        self.transfer_line = Static(id="transfer")
        yield self.transfer_line
        # The transfers the history remembers: a copy a target re-encoded is the same version.
        self._same = SameVersions()

    def resumed(self) -> None:
        # Not exclusive: a cancelled worker would leave its coroutine never awaited.
        self.run_worker(self._load_versions(), group="versions", exit_on_error=False)

    async def _load_versions(self) -> None:
        self._same = await asyncio.to_thread(remembered_versions, self.qapp.history)
        self._show_matrix()

    def filtered_list(self) -> Widget:
        return self.matrix

    # -- drawing ---------------------------------------------------------------------------
    def show(self) -> None:
        self._show_hosts()
        self._show_matrix()

    def _show_hosts(self) -> None:
        table = self.hosts
        row = table.cursor_row
        table.clear()
        for name, session in self.qapp.sessions.items():
            state = session.state
            online = bool(state.online)
            vram = sum(r.size_vram for r in state.running)
            table.add_row("▶" if session is self.qapp.session else "",
                          Text(printable(session.label or redact(session.base_url))),
                          state_text(session), server_text(state.version),
                          str(len(state.models)) if online else "",
                          human_size(session.disk_used()) if online else "",
                          str(len(state.running)) if online else "",
                          human_size(vram) if vram else "",
                          pulls_summary_text(session.pulls.summary()), key=name)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def rows(self) -> list[MatrixRow]:
        """The matrix rows the filter keeps."""
        reports = [report_of(name, s) for name, s in self.qapp.sessions.items()]
        rows = matrix(reports, self._same, registry_current(self.qapp.sessions.values()))
        text = self.filter_bar.value
        if not text.strip():
            self.filter_bar.problems = ()
            return rows
        models = {m.name: m for r in reports for m in r.models}
        fleet = Fleet(self.qapp.sessions)  # cap:, ctx, loaded, current: every host's facts
        query = parse_query(text, fleet.facts(self.qapp.settings.current_model))
        if query.needs_details:
            self._fetch_details(fleet)
        self.filter_bar.problems = tuple(query.problems)
        return [row for row in rows if row.name in models and query.accepts(models[row.name])]

    def _fetch_details(self, fleet: Fleet) -> None:
        """Every host's missing details, once for each state of their lists (a model
        whose details fail must not have them asked at every repaint)."""
        lists = tuple((n, s.state.signature) for n, s in fleet.sessions.items())
        if lists != getattr(self, "_details_for", None):
            self._details_for = lists

            async def fetch() -> None:
                await fleet.fetch_details()
                self.show()

            self.run_worker(fetch(), group="fleet-details", exclusive=True,
                            exit_on_error=False)

    def _show_matrix(self) -> None:
        table = self.matrix
        online = [n for n, s in self.qapp.sessions.items() if s.state.online]
        rows = self.rows()
        # Another host's pull repaints this view ten times a second: rebuild the table
        # only when what it shows has changed.
        drawn = (tuple(online), tuple(rows))
        if drawn == getattr(self, "_drawn", None):
            return
        self._drawn = drawn
        kept = self._highlighted()
        table.clear(columns=True)
        table.add_column("Model", key="model")
        for name in online:
            table.add_column(server_text(self.qapp.sessions[name].label or name), key=name)
        self._rows = rows
        for row in self._rows:
            cells = [Text(STALE, style="yellow") if host in row.stale else
                     Text(PRESENT, style="green") if row.digests.get(host) else
                     Text(ABSENT, style="dim") for host in online]
            table.add_row(Text(printable(row.name)), *cells, key=row.name)
        if kept is not None:
            index = next((i for i, r in enumerate(self._rows) if r.name == kept.name), 0)
            table.move_cursor(row=index)

    def _highlighted(self) -> MatrixRow | None:
        rows = getattr(self, "_rows", [])
        index = self.matrix.cursor_row
        return rows[index] if 0 <= index < len(rows) else None

    # -- keys ------------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#hosts")
    def _host_chosen(self, event: DataTable.RowSelected) -> None:
        name = event.row_key.value
        if name is not None and name in self.qapp.sessions:
            self.qapp.switch_host(name)
            self.qapp.notify_text(f"Showing {self.qapp.session.label or name}")

    @on(FilterBar.Changed, "#matrix-filter")
    def _filter(self) -> None:
        self._show_matrix()

    def action_pull_on_hosts(self) -> None:
        from tui.ui.screens.hosts_dialog import HostsDialog

        row = self._highlighted()
        if row is None:
            return
        choices = [(name, f"{self._label(name)}: " + ("has an older version" if name in row.stale
                                                       else "has it" if row.digests.get(name)
                                                       else "lacks it"),
                    name in row.stale or not row.digests.get(name))
                   for name in row.digests]

        def chosen(names: list[str] | None) -> None:
            if names:
                self._pull_on(row.name, names)

        self.app.push_screen(HostsDialog(f"Pull {row.name} onto", choices, "Pull"), chosen)

    def _pull_on(self, model: str, names: list[str]) -> None:
        from tui.ops.models import AlreadyPulling, start_pull

        started = []
        for name in names:
            try:
                start_pull(self.qapp.sessions[name], model)
            except (AlreadyPulling, InvalidNameError) as exc:  # said per host
                self.qapp.notify_text(str(exc), title=f"{self._label(name)}: not pulled",
                                      severity="warning")
                continue
            started.append(name)
        if started:
            self.qapp.pulls_started()
            self.qapp.notify_text(f"Pulling {model} on {', '.join(started)}: each "
                                  "host's Pulls view has its progress")

    def action_delete_on_hosts(self) -> None:
        row = self._highlighted()
        if row is not None:
            # What each host frees is worked out from its details: asked, not guessed.
            self.run_worker(self._ask_and_delete(row), group="fleet-delete",
                            exclusive=True, exit_on_error=False)

    async def _ask_and_delete(self, row: MatrixRow) -> None:
        from tui.ops.fleet import FleetDelete, plan_delete_on
        from tui.ui.screens.hosts_dialog import HostsDialog

        planned = await plan_delete_on(Fleet(self.qapp.sessions), row.name)
        choices = [(name, f"{self._label(name)}: frees {human_size(planned.freed(name))}"
                    + (" (an older version)" if name in row.stale else ""), False)
                   for name in planned.plans]
        if not choices:
            self.qapp.notify_text(f"No host has {row.name} now")
            return

        def chosen(names: list[str] | None) -> None:
            if names:
                only = FleetDelete(planned.model, {h: planned.plans[h] for h in names}, {})
                self.run_worker(self._delete(only), group="fleet-delete",
                                exit_on_error=False)

        self.app.push_screen(HostsDialog(f"Delete {row.name} from", choices, "Delete",
                                         danger=True), chosen)

    async def _delete(self, planned: FleetDelete) -> None:
        from tui.ops.fleet import delete_on

        done = await delete_on(Fleet(self.qapp.sessions), planned)
        deleted = []
        for name, result in done.results.items():
            if result["status"] == "success":
                deleted.append(f"{name} ({human_size(result['freed_bytes'])} freed)")
            else:  # said per host; the others went on
                self.qapp.notify_text(result["message"],
                                      title=f"{self._label(name)}: not deleted",
                                      severity="error")
        if deleted:
            self.qapp.notify_text(f"Deleted {done.model} from {', '.join(deleted)}")
        self.show()

    def action_transfer_to_hosts(self) -> None:
        from tui.ui.screens.hosts_dialog import HostsDialog

        row = self._highlighted()
        if row is None:
            return
        configs = {h.name: h for h in self.qapp.settings.fleet()}
        env = self.qapp.settings.env
        sources = [name for name, digest in row.digests.items() if digest and name in configs
                   and Path(configs[name].store_path(env) or "/nonexistent").is_dir()]
        if not sources:
            self.qapp.notify_text(f"No host that has {row.name} has model files readable "
                                  "here: set models_dir for one of them in the config",
                                  severity="warning")
            return
        # From a newest copy when one is readable: never an older version onto the others.
        source = next((name for name in sources if name not in row.stale), sources[0])
        choices = [(name, f"{self._label(name)}: " + ("has an older version" if name in row.stale
                                                       else "lacks it"), True)
                   for name, digest in row.digests.items()
                   if name != source and (not digest or name in row.stale)]
        if not choices:
            self.qapp.notify_text(f"Every host already has {row.name}")
            return

        def chosen(names: list[str] | None) -> None:
            if names:
                self.run_worker(self._transfer(row.name, configs[source], names, configs),
                                group="transfer", exclusive=True, exit_on_error=False)

        self.app.push_screen(HostsDialog(f"Copy {row.name} from {self._label(source)} to",
                                         choices, "Transfer"), chosen)

    async def _transfer(self, model: str, source: HostConfig, targets: list[str],
                        configs: dict[str, HostConfig]) -> None:
        """The dialog named the hosts with another version: chosen to be replaced. The
        sessions keep the app's history, so a re-encoded copy is remembered."""
        from tui.ops import BadRequest
        from tui.ops.fleet import transfer_to

        line = self.transfer_line

        def report(name: str, progress: TransferProgress) -> None:
            line.update(Text(f"{model} → {self._label(name)}: "
                             f"{progress.fraction * 100:.0f}% of "
                             f"{human_size(progress.step[1])}  {progress.status}  "
                             "(x cancels)"))

        line.set_class(True, "-shown")
        try:
            done = await transfer_to(Fleet(self.qapp.sessions), model, source, targets,
                                     configs, self.qapp.settings.env, report=report)
        except BadRequest as exc:  # the source's files are not readable after all
            self.qapp.notify_text(str(exc), title="Transfer", severity="error")
            return
        finally:
            line.set_class(False, "-shown")
        for name, result in done.results.items():
            if result["status"] == "success":
                self.qapp.notify_text(result["message"])
            else:
                self.qapp.notify_text(result["message"],
                                      title=f"Transfer to {self._label(name)}",
                                      severity="error")
        await self._load_versions()
        self.show()

    def action_cancel_transfer(self) -> None:
        if self.transfer_line.has_class("-shown"):
            self.workers.cancel_group(self, "transfer")
            self.transfer_line.set_class(False, "-shown")
            self.qapp.notify_text("Transfer cancelled: the blobs already sent stay, so a "
                                  "new transfer skips them", severity="warning")

    def _label(self, name: str) -> str:
        return self.qapp.sessions[name].label or name
