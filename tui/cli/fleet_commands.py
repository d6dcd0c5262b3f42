"""The fleet from the command line: `hosts` (each host's state), `fleet` (the models × hosts
matrix), `pull NAME --on …` and `rm NAME --on …` (one operation per host, at once).

Exit codes: 0 when every host did its part, 1 otherwise; per-host results in the JSON."""

from __future__ import annotations

import asyncio
from typing import Any

from tui.cli.commands import EXIT_ERROR, EXIT_OK, BadInput, Command
from tui.core import space
from tui.core.filter_query import parse_query
from tui.core.format import human_size, printable, render_table
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.names import normalize, same_model
from tui.services.fleet import HostReport, matrix, on_each, remembered_versions, survey
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
    reports, same = await asyncio.gather(
        survey(warned(cmd, cmd.settings.fleet()), cmd.settings.env),
        asyncio.to_thread(remembered_versions, cmd.history))
    rows = matrix(reports, same)
    if filter_text.strip():
        query = parse_query(filter_text)
        if query.problems:
            return cmd.fail(BadInput("invalid filter: " + "; ".join(query.problems)))
        models = {m.name: m for r in reports for m in r.models}
        rows = [row for row in rows if row.name in models and query.accepts(models[row.name])]
    ok = all(r.online for r in reports)
    if cmd.as_json:
        cmd.emit({"status": "success" if ok else "error",
                  "hosts": [r.to_json() for r in reports],
                  "models": [row.to_json() for row in rows]})
        return EXIT_OK if ok else EXIT_ERROR
    online = [r.name for r in reports if r.online]
    table = [[printable(row.name),
              *(STALE if h in row.stale else PRESENT if row.digests[h] else ABSENT
                for h in online)] for row in rows]
    cmd.say(render_table(["MODEL", *(printable(h) for h in online)], table))
    for report in reports:
        if not report.online:
            cmd.say(f"{printable(report.name)}: offline ({printable(report.error)})")
    cmd.say(f"\n{PRESENT} present  {ABSENT} absent  {STALE} a different version from most "
            "hosts")
    return EXIT_OK if ok else EXIT_ERROR


def _report(cmd: Command, model: str, results: dict[str, dict[str, Any]], what: str) -> int:
    ok = all(r["status"] == "success" for r in results.values())
    if cmd.as_json:
        cmd.emit({"status": "success" if ok else "error", "model": model, "results": results})
    for host, result in results.items():
        line = f"{printable(host)}: {printable(result['message'])}"
        if result["status"] == "success":
            if not cmd.as_json:
                cmd.say(line)
        else:
            print(f"qgoose-tui: error: {line}", file=cmd.err)
    if not cmd.as_json and ok:
        cmd.say(f"{what} on {len(results)} host{'s' if len(results) > 1 else ''}")
    return EXIT_OK if ok else EXIT_ERROR


async def cmd_pull_on(cmd: Command, name: str, on: str) -> int:
    """One pull per host, all at once; each host's outcome."""
    try:
        model = normalize(name)
        hosts = chosen_hosts(cmd, on)
    except (BadInput, OllamaError) as exc:
        return cmd.fail(exc, model=name)

    async def pull(client: OllamaClient) -> None:
        async for _ in client.pull(model, coalesce=True):
            pass

    if not cmd.as_json:
        cmd.say(f"Pulling {model} on {', '.join(h.name for h in hosts)}…")
    answers = await on_each(hosts, cmd.settings.env, pull, deadline=None)
    results = {host: {"status": "error", "message": str(answer)}
               if isinstance(answer, OllamaError) else
               {"status": "success", "message": f"Pulled {model}"}
               for host, answer in answers.items()}
    return _report(cmd, model, results, f"Pulled {model}")


async def cmd_rm_on(cmd: Command, name: str, on: str, assume_yes: bool) -> int:
    """Delete from each chosen host (one question listing them, on a terminal)."""
    try:
        model = normalize(name)
        hosts = chosen_hosts(cmd, on)
    except (BadInput, OllamaError) as exc:
        return cmd.fail(exc, model=name)
    reports = {r.name: r for r in await survey(hosts, cmd.settings.env)}
    having = [h for h in hosts if any(same_model(m.name, model)
                                      for m in reports[h.name].models)]
    results: dict[str, dict[str, Any]] = {
        h.name: {"status": "error", "message": reports[h.name].error or f"{model} is not there"}
        for h in hosts if h not in having}
    freed = {h.name: space.freed_by_deleting(model, reports[h.name].models, lambda m: None)
             for h in having}
    if having and cmd.confirm and not assume_yes:
        where = ", ".join(f"{h.name} (frees {human_size(freed[h.name])})" for h in having)
        if not cmd.confirm(f"Delete {model} from {where}? [y/N] "):
            cmd.say("Nothing deleted")
            return EXIT_OK

    async def delete(client: OllamaClient) -> None:
        await client.delete(model)

    answers = await on_each(having, cmd.settings.env, delete, deadline=60.0)
    for host, answer in answers.items():
        results[host] = {"status": "error", "message": str(answer)} \
            if isinstance(answer, OllamaError) else \
            {"status": "success", "message": f"Deleted {model}", "freed_bytes": freed[host]}
    if not results:
        return cmd.fail(BadInput("no hosts chosen"))
    return _report(cmd, model, results, f"Deleted {model}")
