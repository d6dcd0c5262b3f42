"""Several Ollama hosts at once: each asked in parallel under its own deadline (a host that
is down never slows the others), and the matrix of models × hosts. Free of Textual; the
CLI's `hosts`, `fleet`, `pull --on` and `rm --on` use it, the Hosts view shows the same."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from tui.core import space
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.host import redact
from tui.ollama.models import ModelSummary, RunningModel
from tui.ollama.names import model_key
from tui.services.hosts_config import HostConfig

if TYPE_CHECKING:
    from tui.core.filter_query import Facts
    from tui.services.history import History
    from tui.services.session import HostSession

HOST_DEADLINE = 8.0  # seconds for one host's whole answer, whatever it does
T = TypeVar("T")


@dataclass
class HostReport:
    name: str
    url: str  # without any password
    online: bool = False
    version: str = ""
    models: list[ModelSummary] = field(default_factory=list)
    running: list[RunningModel] = field(default_factory=list)
    error: str = ""

    @property
    def disk_bytes(self) -> int:
        return space.disk_used(self.models, lambda m: None)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "online": self.online,
                "version": self.version or None, "count": len(self.models),
                "disk_bytes": self.disk_bytes if self.online else None,
                "loaded": [r.name for r in self.running], "error": self.error or None}


def client_for(host: HostConfig, env: Mapping[str, str], deadline: float) -> OllamaClient:
    """A client with the host's token and TLS options, and short deadlines."""
    return OllamaClient(host.base_url, timeout=deadline, connect_timeout=min(3.0, deadline),
                        **host.client_options(env))


async def on_each(hosts: list[HostConfig], env: Mapping[str, str],
                  work: Callable[[OllamaClient], Awaitable[T]],
                  deadline: float | None) -> dict[str, T | OllamaError]:
    """Run `work` against every host at once; each host's result or its error, by name.
    `deadline` None: no overall limit (a pull may take hours)."""
    async def one(host: HostConfig) -> T | OllamaError:
        async with client_for(host, env, deadline or HOST_DEADLINE) as client:
            try:
                async with asyncio.timeout(deadline):
                    return await work(client)
            except TimeoutError:
                return OllamaError(f"{host.name} did not answer within {deadline:.0f} s")
            except OllamaError as exc:
                return exc

    results = await asyncio.gather(*(one(h) for h in hosts))
    return dict(zip((h.name for h in hosts), results, strict=True))


async def survey(hosts: list[HostConfig], env: Mapping[str, str],
                 deadline: float | None = None) -> list[HostReport]:
    """Every host's state: version, models, loaded models (or why it did not answer);
    each host gets `deadline` seconds (HOST_DEADLINE by default)."""
    async def ask(client: OllamaClient) -> tuple[str, list[ModelSummary], list[RunningModel]]:
        version, models, running = await asyncio.gather(client.version(),
                                                        client.list_models(), client.ps())
        return version, list(models), list(running)

    answers = await on_each(hosts, env, ask, deadline or HOST_DEADLINE)
    reports = []
    for host in hosts:
        report = HostReport(host.name, redact(host.base_url))
        answer = answers[host.name]
        if isinstance(answer, OllamaError):
            report.error = str(answer)
        else:
            report.online = True
            report.version, report.models, report.running = answer
        reports.append(report)
    return reports


class SameVersions:
    """Which manifest digests are one version of a model: equal digests, and the two ends of
    each transfer remembered (a target from Ollama 0.30 on re-encodes the weights it is sent,
    so its copy has another digest). A digest names the same bytes on any host, so the
    pairs join digests, not hosts."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._parent: dict[str, str] = {}
        for one, other in pairs:
            root, joined = self.version(one), self.version(other)
            self._parent.setdefault(joined, joined)
            self._parent[root] = joined

    def version(self, digest: str) -> str:
        """One digest standing for every digest of the same version."""
        digest = digest.removeprefix("sha256:")
        while (up := self._parent.get(digest, digest)) != digest:
            self._parent[digest] = self._parent.get(up, up)  # halve the path
            digest = up
        return digest

    def same(self, one: str, other: str) -> bool:
        return self.version(one) == self.version(other)

    def copies_of(self, digest: str) -> set[str]:
        """The other digests known to be this version."""
        version = self.version(digest)
        return {d for d in list(self._parent) if d != digest and self.version(d) == version}


def remembered_versions(history: History) -> SameVersions:
    """The transfers the history keeps, as versions (a read: it writes nothing)."""
    return SameVersions((t.source_digest, t.target_digest) for t in history.transfers())


@dataclass(frozen=True)
class MatrixRow:
    name: str
    digests: dict[str, str | None]  # host → its digest, None where absent (offline: absent)
    # host → the digest standing for its version (SameVersions); empty: the digests.
    versions: dict[str, str | None] = field(default_factory=dict)
    modified: dict[str, datetime | None] = field(default_factory=dict)  # host → its copy's
    # The digests the registry serves as this model's current version, as this session's
    # update checks found them (empty: not asked).
    registry: frozenset[str] = frozenset()

    # Read once a row: the Hosts view asks `stale` for every cell it draws.
    @cached_property
    def newest(self) -> tuple[frozenset[str], str | None]:
        """The versions taken as the newest, and how that was decided: "registry" (their
        digests are the registry's current ones: a version listed under two digests, as
        servers before and after Ollama 0.19 list it, is one), "modified" (the copy changed
        last; a time still to come is a wrong clock, not a newer copy), "most hosts"
        (neither tells); (empty, None) while every copy is one version."""
        versions = self.versions or self.digests
        present = {h: v for h, v in versions.items() if v}
        if len(set(present.values())) < 2:
            return frozenset(), None
        current = frozenset(present[h] for h, d in self.digests.items()
                            if h in present and d and d.removeprefix("sha256:") in self.registry)
        if current:
            return current, "registry"
        now = datetime.now(UTC)
        times = {h: t for h, t in self.modified.items()
                 if h in present and t is not None and t <= now}
        if times:
            latest = max(times.values())
            last = {present[h] for h, t in times.items() if t == latest}
            if len(last) == 1:
                return frozenset(last), "modified"
        return frozenset({Counter(present.values()).most_common(1)[0][0]}), "most hosts"

    @cached_property
    def stale(self) -> set[str]:
        """Hosts whose copy is an older version than the newest one some host has."""
        newest, _ = self.newest
        versions = self.versions or self.digests
        return {h for h, v in versions.items() if v and newest and v not in newest}

    @property
    def copies(self) -> set[str]:
        """Hosts with another digest that is the same version (a transferred copy)."""
        digests = {d for d in self.digests.values() if d}
        if len(digests) < 2:
            return set()
        stale = self.stale
        common, _ = Counter(d for h, d in self.digests.items()
                            if d and h not in stale).most_common(1)[0]
        return {h for h, d in self.digests.items() if d and d != common and h not in stale}

    def to_json(self) -> dict[str, Any]:
        stale, (_, how) = self.stale, self.newest
        return {"name": self.name, "hosts": dict(self.digests),
                "stale_on": sorted(stale), "copies_on": sorted(self.copies),
                "newest_on": sorted(h for h, d in self.digests.items() if d and h not in stale),
                "newest_by": how}


def matrix(reports: list[HostReport], same: SameVersions | None = None,
           registry: Mapping[str, frozenset[str]] | None = None) -> list[MatrixRow]:
    """Models × hosts over the hosts that answered, by name (Ollama's identity rule); with
    `same`, a remembered transfer's copy counts as the same version as its source; with
    `registry` (model key → its registry's current digests), the copy the registry serves
    is the newest, else the one modified last."""
    names: dict[str, str] = {}
    found: dict[str, dict[str, ModelSummary]] = {}
    for report in reports:
        for model in report.models:
            key = model_key(model.name)
            names.setdefault(key, model.name)
            found.setdefault(key, {})[report.name] = model
    online = [r.name for r in reports if r.online]
    rows = []
    for key in found:
        copies = {host: found[key].get(host) for host in online}
        digests = {host: m.digest if m else None for host, m in copies.items()}
        versions = {host: same.version(d) if d else None for host, d in digests.items()} \
            if same is not None else {}
        modified = {host: m.modified_at if m else None for host, m in copies.items()}
        rows.append(MatrixRow(names[key], digests, versions, modified,
                              (registry or {}).get(key, frozenset())))
    rows.sort(key=lambda row: row.name.casefold())
    return rows


def registry_current(sessions: Iterable[HostSession]) -> dict[str, frozenset[str]]:
    """Model key → the digests its registry serves now, from what each session's update
    checks found (nothing for a model no check has answered)."""
    found: dict[str, set[str]] = {}
    for session in sessions:
        for model in session.state.models:
            check = session.model_updates.known(model)
            if check is not None and check.registry_digest and \
                    check.state in ("up to date", "update available"):
                found.setdefault(model_key(model.name), set()).add(check.registry_digest)
    return {key: frozenset(digests) for key, digests in found.items()}


class Fleet:
    """Several hosts' sessions, as the TUI holds them and the command line makes them:
    each asked at once under its own deadline, their facts as one, an operation on some."""

    def __init__(self, sessions: Mapping[str, HostSession]) -> None:
        self.sessions = dict(sessions)  # host name → its session, in the config's order

    @classmethod
    def of_hosts(cls, hosts: list[HostConfig], env: Mapping[str, str], registry: str = "",
                 deadline: float | None = None) -> Fleet:
        """Sessions for the configured hosts (their token and TLS options, short deadlines:
        HOST_DEADLINE is read now, so a test may shorten it)."""
        from tui.services.session import HostSession

        limit = deadline or HOST_DEADLINE
        return cls({h.name: HostSession(h.base_url, label=h.name, registry=registry,
                                        client=client_for(h, env, limit)) for h in hosts})

    async def survey(self, deadline: float | None = None) -> list[HostReport]:
        """Refresh every host at once; each one's state (or why it did not answer)."""
        limit = deadline or HOST_DEADLINE

        async def refresh(name: str, session: HostSession) -> None:
            try:
                async with asyncio.timeout(limit):
                    await session.refresh()
            except TimeoutError:
                session.state.record_failure(f"{name} did not answer within {limit:.0f} s",
                                             time.monotonic())

        await asyncio.gather(*(refresh(n, s) for n, s in self.sessions.items()))
        return self.reports()

    def reports(self) -> list[HostReport]:
        return [report_of(name, session) for name, session in self.sessions.items()]

    def facts(self, current: str) -> Facts:
        from tui.services.model_details import fleet_facts

        return fleet_facts(self.online(), current)

    def online(self) -> list[HostSession]:
        return [s for s in self.sessions.values() if s.state.online]

    async def fetch_details(self) -> None:
        """Every online host's missing details at once (capabilities for the filter)."""
        await asyncio.gather(*(s.fetch_details(s.state.models) for s in self.online()))

    async def aclose(self) -> None:
        await asyncio.gather(*(s.aclose() for s in self.sessions.values()))


def report_of(name: str, session: HostSession) -> HostReport:
    """What a session knows of its host, as a survey reports it."""
    state = session.state
    return HostReport(name, redact(session.base_url), bool(state.online), state.version,
                      list(state.models) if state.online else [],
                      list(state.running) if state.online else [],
                      "" if state.online else state.error)
