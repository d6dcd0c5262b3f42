"""The fleet from the command line: `hosts` (each host's state), `fleet` (the models × hosts
matrix), `pull NAME --on …` and `rm NAME --on …` (one operation per host, at once).

Exit codes: 0 when every host did its part, 1 otherwise; per-host results in the JSON."""

from __future__ import annotations

import asyncio

from tui.cli.commands import EXIT_ERROR, EXIT_OK, BadInput, Command
from tui.core.format import human_size, printable, render_table
from tui.ollama import OllamaError
from tui.ollama.names import normalize
from tui.ops.fleet import (
    FleetResults,
    delete_on,
    fleet_matrix,
    plan_delete_on,
    pull_on,
)
from tui.services.fleet import Fleet, HostReport, remembered_versions, survey
from tui.services.hosts_config import HostConfig

PRESENT, ABSENT, STALE = "✓", "·", "≠"


def warned(cmd: Command, hosts: list[HostConfig]) -> list[HostConfig]:
    """The hosts, once their warnings are on stderr (a token that would go in the clear, a
    token variable not set): each host's once a command, before anything is sent to it."""
    for warning in cmd.settings.host_warnings(hosts):
        print(f"qgoose-tui: warning: {printable(warning)}", file=cmd.err)
    return hosts


def chosen_hosts(cmd: Command, on: str) -> list[HostConfig]:
    """The hosts `--on` names ("all", or names separated by commas), warned about. Raises
    BadInput."""
    fleet = {h.name: h for h in cmd.settings.fleet()}
    if on.strip() == "all":
        return warned(cmd, list(fleet.values()))
    names = [n.strip() for n in on.split(",") if n.strip()]
    unknown = [n for n in names if n not in fleet]
    if unknown or not names:
        known = ", ".join(fleet) or "none: add [hosts.NAME] tables to the config"
        raise BadInput(f"unknown host {', '.join(unknown) or '(none given)'}; the configured "
                       f"hosts are: {known}")
    return warned(cmd, [fleet[n] for n in dict.fromkeys(names)])


def _hosts_rows(reports: list[HostReport]) -> list[list[str]]:
    return [[printable(r.name), "online" if r.online else "offline",
             printable(r.version), str(len(r.models)) if r.online else "",
             human_size(r.disk_bytes) if r.online else "", str(len(r.running)),
             printable(r.error)] for r in reports]


async def cmd_hosts(cmd: Command) -> int:
    reports = await survey(warned(cmd, cmd.settings.fleet()), cmd.settings.env)
    ok = all(r.online for r in reports)
    if cmd.as_json:
        cmd.emit({"status": "success" if ok else "error",
                  "hosts": [r.to_json() for r in reports]})
    else:
        cmd.say(render_table(["HOST", "STATE", "VERSION", "MODELS", "DISK", "LOADED", "ERROR"],
                             _hosts_rows(reports)))
    return EXIT_OK if ok else EXIT_ERROR


async def cmd_fleet(cmd: Command, filter_text: str) -> int:
    fleet = Fleet.of_hosts(warned(cmd, cmd.settings.fleet()), cmd.settings.env,
                           cmd.settings.registry)
    same = await asyncio.to_thread(remembered_versions, cmd.history)  # a local read
    try:
        result = await fleet_matrix(fleet, cmd.settings.current_model, filter_text, same)
    finally:
        await fleet.aclose()
    if result.problems:
        return cmd.fail(BadInput("invalid filter: " + "; ".join(result.problems)))
    if cmd.as_json:
        cmd.emit(result.to_json())
        return EXIT_OK if result.ok else EXIT_ERROR
    online = [r.name for r in result.hosts if r.online]
    table = [[printable(row.name),
              *(STALE if h in row.stale else PRESENT if row.digests[h] else ABSENT
                for h in online)] for row in result.rows]
    cmd.say(render_table(["MODEL", *(printable(h) for h in online)], table))
    for report in result.hosts:
        if not report.online:
            cmd.say(f"{printable(report.name)}: offline ({printable(report.error)})")
    cmd.say(f"\n{PRESENT} present  {ABSENT} absent  {STALE} an older version than another "
            "host's (the newest: the one changed last)")
    return EXIT_OK if result.ok else EXIT_ERROR


def _report(cmd: Command, done: FleetResults, what: str) -> int:
    if cmd.as_json:
        cmd.emit(done.to_json())
    for host, result in done.results.items():
        line = f"{printable(host)}: {printable(result['message'])}"
        if result["status"] == "success":
            if not cmd.as_json:
                cmd.say(line)
        else:
            print(f"qgoose-tui: error: {line}", file=cmd.err)
    count = len(done.results)
    if not cmd.as_json and done.ok:
        cmd.say(f"{what} on {count} host{'s' if count > 1 else ''}")
    return EXIT_OK if done.ok else EXIT_ERROR


async def cmd_pull_on(cmd: Command, name: str, on: str) -> int:
    """One pull per host, all at once; each host's outcome."""
    try:
        model = normalize(name)
        hosts = chosen_hosts(cmd, on)
    except (BadInput, OllamaError) as exc:
        return cmd.fail(exc, model=name)
    if not cmd.as_json:
        cmd.say(f"Pulling {model} on {', '.join(h.name for h in hosts)}…")
    return _report(cmd, await pull_on(hosts, cmd.settings.env, model), f"Pulled {model}")


async def cmd_rm_on(cmd: Command, name: str, on: str, assume_yes: bool) -> int:
    """Delete from each chosen host (one question listing them, on a terminal)."""
    try:
        model = normalize(name)
        hosts = chosen_hosts(cmd, on)
    except (BadInput, OllamaError) as exc:
        return cmd.fail(exc, model=name)
    if not hosts:
        return cmd.fail(BadInput("no hosts chosen"))
    fleet = Fleet.of_hosts(hosts, cmd.settings.env, cmd.settings.registry)
    try:
        planned = await plan_delete_on(fleet, model)
        if planned.plans and cmd.confirm and not assume_yes:
            where = ", ".join(f"{h} (frees {human_size(planned.freed(h))})"
                              for h in planned.plans)
            if not cmd.confirm(f"Delete {model} from {where}? [y/N] "):
                cmd.say("Nothing deleted")
                return EXIT_OK
        done = await delete_on(fleet, planned)
    finally:
        await fleet.aclose()
    return _report(cmd, done, f"Deleted {model}")
