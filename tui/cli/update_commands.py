"""`qgoose-tui outdated` (which models have a newer version in their registry) and
`qgoose-tui update [NAME…|--all]` (pull only those, then say what changed)."""

from __future__ import annotations

from tui.cli.commands import EXIT_ERROR, EXIT_OK, BadInput, Command, pull_showing_progress
from tui.core.format import printable, render_table
from tui.core.updates import SHORT_DIGEST, UpdateOutcome
from tui.ollama import InvalidNameError, ModelNotFoundError, OllamaError
from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key, normalize
from tui.ollama.progress import PullProgress
from tui.ops.updates import check_updates
from tui.services.registry import UpdateCheck


async def _checks(cmd: Command, models: list[ModelSummary]) -> list[UpdateCheck]:
    """Each model's state; an update also says what it changes (from /api/show)."""
    return (await check_updates(cmd.session, models)).checks


async def cmd_outdated(cmd: Command) -> int:
    """Every model's state; exit 0 even when updates exist (scripts read the JSON)."""
    try:
        models = await cmd.client.list_models()
    except OllamaError as exc:
        return cmd.fail(exc, models=[])
    cmd.note_nameless(models, "the model list")
    report = await check_updates(cmd.session, list(models))
    if cmd.as_json:
        cmd.emit(report.to_json())
        return EXIT_OK
    rows = [[printable(c.name), c.state, c.local_digest[:SHORT_DIGEST],
             c.registry_digest[:SHORT_DIGEST], printable(c.reason)] for c in report.checks]
    cmd.say(render_table(["NAME", "STATE", "LOCAL", "REGISTRY", "WHY"], rows))
    cmd.say(f"\n{report.counts_text()}" if report.checks else "No models installed")
    return EXIT_OK


async def cmd_update(cmd: Command, names: list[str], every: bool, is_tty: bool) -> int:
    """Pull the outdated models among those named (or all); the current ones are left."""
    try:
        if every == bool(names):
            raise BadInput("name the models to update, or give --all (not both)")
        wanted = [normalize(n) for n in names]
        installed = await cmd.client.list_models()
    except (OllamaError, BadInput, InvalidNameError) as exc:
        return cmd.fail(exc)
    by_key = {model_key(m.name): m for m in installed}
    missing = [n for n in wanted if model_key(n) not in by_key]
    if missing:  # as info, use and load: a model that does not exist fails with 1
        return cmd.fail(ModelNotFoundError(f"not installed: {', '.join(missing)}"),
                        missing=missing)
    chosen = list(installed) if every else [by_key[model_key(n)] for n in wanted]
    checks = await _checks(cmd, chosen)
    check_of = {model_key(c.name): c for c in checks}
    outdated = [m for m in chosen if check_of[model_key(m.name)].outdated]
    updated, failed = [], []
    for model in outdated:
        what = check_of[model_key(model.name)].change_text
        if not cmd.as_json:
            cmd.say(f"Updating {printable(model.name)}" + (f" ({what})" if what else ""))
        try:
            await pull_showing_progress(cmd, PullProgress(model.name), is_tty)
        except OllamaError as exc:
            failed.append({"name": model.name, "message": str(exc)})
            print(f"qgoose-tui: error: {printable(str(exc))}", file=cmd.err)
            continue
        updated.append(model)
    after = {model_key(m.name): m for m in await _list_or_empty(cmd)} if updated else {}
    outcomes = [UpdateOutcome.of(m, after.get(model_key(m.name))) for m in updated]
    left = [c for c in checks if not c.outdated]
    if cmd.as_json:
        cmd.emit({"status": "error" if failed else "success",
                  "updated": [{**o.to_json(), **_what_changed(check_of[model_key(o.name)])}
                              for o in outcomes],
                  "unchanged": [{"name": c.name, "state": c.state, "reason": c.reason}
                                for c in left],
                  "failed": failed})
    else:
        for outcome in outcomes:
            cmd.say(printable(outcome.sentence()))
        for check in left:
            cmd.say(printable(f"{check.name}: {check.state} ({check.reason})"))
        if not outdated:
            cmd.say("Nothing to update")
    return EXIT_ERROR if failed else EXIT_OK


def _what_changed(check: UpdateCheck) -> dict[str, object]:
    """What the update brought ("changed" already says whether the digest changed)."""
    return {"what_changed": list(check.changed) if check.changed is not None else None,
            "download_size": check.download_size}


async def _list_or_empty(cmd: Command) -> list[ModelSummary]:
    try:
        return list(await cmd.client.list_models())
    except OllamaError:
        return []  # the outcomes then say the models are not listed
