"""Operations on several hosts at once: the models × hosts matrix with the filter (its facts
are the fleet's union, so `cap:vision` and `loaded` answer here too), a delete from chosen
hosts saying what each frees, a pull onto chosen hosts, a transfer to chosen hosts. Results
have to_json()."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.core.filter_query import parse_query
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.names import normalize
from tui.ops import BadRequest
from tui.ops.models import DeletePlan, carry_out, plan_delete
from tui.services.fleet import (
    Fleet,
    HostReport,
    MatrixRow,
    SameVersions,
    matrix,
    on_each,
    registry_current,
)
from tui.services.hosts_config import HostConfig
from tui.services.transfer import TransferError, TransferProgress

DELETE_DEADLINE = 60.0  # seconds for one host's delete


@dataclass(frozen=True)
class FleetMatrix:
    hosts: list[HostReport]
    rows: list[MatrixRow]  # those the filter kept
    problems: list[str] = field(default_factory=list)  # terms not read or not answerable

    @property
    def ok(self) -> bool:
        return all(r.online for r in self.hosts)

    def to_json(self) -> dict[str, Any]:
        return {"status": "success" if self.ok else "error",
                "hosts": [r.to_json() for r in self.hosts],
                "models": [row.to_json() for row in self.rows]}


async def fleet_matrix(fleet: Fleet, current: str, filter_text: str = "",
                       same: SameVersions | None = None) -> FleetMatrix:
    """Every host asked at once; the models × hosts rows the filter keeps. Details are
    fetched only when the query asks capabilities or a context length. A filter that cannot
    be read is said before any host is asked: no wait for a slow host to hear it."""
    if filter_text.strip():
        unread = parse_query(filter_text, fleet.facts(current)).problems
        if unread:
            return FleetMatrix([], [], unread)
    reports = await fleet.survey()
    rows = matrix(reports, same, registry_current(fleet.online()))
    if not filter_text.strip():
        return FleetMatrix(reports, rows)
    query = parse_query(filter_text, fleet.facts(current))
    if query.problems:
        return FleetMatrix(reports, [], query.problems)
    if query.needs_details:
        await fleet.fetch_details()
    models = {m.name: m for r in reports for m in r.models}
    return FleetMatrix(reports, [row for row in rows
                                 if row.name in models and query.accepts(models[row.name])])


@dataclass(frozen=True)
class FleetResults:
    """One operation's outcome on each host."""

    model: str
    results: dict[str, dict[str, Any]]  # host → {"status", "message", …}

    @property
    def ok(self) -> bool:
        return all(r["status"] == "success" for r in self.results.values())

    def to_json(self) -> dict[str, Any]:
        return {"status": "success" if self.ok else "error", "model": self.model,
                "results": self.results}


@dataclass
class FleetDelete:
    """A delete from some hosts, before it is done: what it frees on each host that has the
    model, and why the others are left out."""

    model: str
    plans: dict[str, DeletePlan]  # host → its plan, for the hosts that have the model
    left_out: dict[str, str]  # host → why (offline, or the model is not there)

    def freed(self, host: str) -> int:
        plan = self.plans[host]
        found = plan.find(self.model)
        return plan.freed([found]).freed if found is not None else 0


async def plan_delete_on(fleet: Fleet, name: str) -> FleetDelete:
    """Ask every host of `fleet` what deleting `name` would free. Raises InvalidNameError."""
    model = normalize(name)
    await fleet.survey()
    sessions = fleet.sessions
    having = [h for h, s in sessions.items() if s.state.online and s.state.find(model)]
    left_out = {h: s.state.error or f"{model} is not there"
                for h, s in sessions.items() if h not in having}
    plans = await asyncio.gather(*(plan_delete(sessions[h], [model], sessions[h].state.models)
                                   for h in having))
    return FleetDelete(model, dict(zip(having, plans, strict=True)), left_out)


async def delete_on(fleet: Fleet, planned: FleetDelete) -> FleetResults:
    """Delete the planned model from each host that has it, at once; each host's outcome
    with the bytes it freed."""
    async def one(host: str) -> dict[str, Any]:
        try:
            async with asyncio.timeout(DELETE_DEADLINE):
                report = await carry_out(fleet.sessions[host], planned.plans[host])
        except TimeoutError:
            return {"status": "error",
                    "message": f"{host} did not answer within {DELETE_DEADLINE:.0f} s"}
        if report.errors or report.freed is None:
            return {"status": "error", "message": report.outcomes[0].message}
        return {"status": "success", "message": f"Deleted {planned.model}",
                "freed_bytes": report.freed.freed}

    hosts = list(planned.plans)
    done = await asyncio.gather(*(one(h) for h in hosts))
    results: dict[str, dict[str, Any]] = {
        h: {"status": "error", "message": why} for h, why in planned.left_out.items()}
    results.update(zip(hosts, done, strict=True))
    return FleetResults(planned.model, results)


async def pull_on(hosts: list[HostConfig], env: Mapping[str, str], name: str) -> FleetResults:
    """One pull per host, all at once (no overall deadline: a pull may take hours); each
    host's outcome. Raises InvalidNameError."""
    model = normalize(name)

    async def pull(client: OllamaClient) -> None:
        async for _ in client.pull(model, coalesce=True):
            pass

    answers = await on_each(hosts, env, pull, deadline=None)
    return FleetResults(model, {
        host: {"status": "error", "message": str(answer)} if isinstance(answer, OllamaError)
        else {"status": "success", "message": f"Pulled {model}"}
        for host, answer in answers.items()})


# The progress of the transfer to one host: (that host's name, where it stands).
TransferReport = Callable[[str, TransferProgress], None]


async def transfer_to(fleet: Fleet, name: str, source: HostConfig, targets: list[str],
                      configs: Mapping[str, HostConfig], env: Mapping[str, str],
                      report: TransferReport | None = None) -> FleetResults:
    """Copy `name` from `source` (its model files readable here) to each target host of
    the fleet in turn, replacing another version there (the user chose those hosts):
    written into a target's models_dir when it is writable here, else sent through its
    session. Each host's outcome; its list is refreshed. Cancelling the task stops it (the
    blobs already sent stay, so a retry skips them). Raises BadRequest (the source's files
    are not readable)."""
    from tui.ops.transfer import Transferred, files_target, receive_model, store_of

    model = normalize(name)
    store = store_of(source, env)
    results: dict[str, dict[str, Any]] = {}
    for host in targets:
        session = fleet.sessions[host]
        config = configs.get(host)
        label = session.label or host

        def forward(progress: TransferProgress, host: str = host) -> None:
            if report is not None:
                report(host, progress)

        try:
            into = files_target(config, env) if config is not None else None
            progress = await receive_model(session, store, source.base_url, model,
                                           store=into, report=forward, replace=True,
                                           target_label=label)
        except (BadRequest, TransferError, OllamaError) as exc:
            results[host] = {"status": "error", "message": str(exc)}
            continue
        await session.refresh()  # the matrix shows the copy
        results[host] = {**Transferred(model, label, progress).to_json(), "status": "success"}
    return FleetResults(model, results)
