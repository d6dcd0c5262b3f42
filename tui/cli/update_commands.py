"""`qgoose-tui outdated` (which models have a newer version in their registry) and
`qgoose-tui update [NAME…|--all]` (pull only those, then say what changed)."""

from __future__ import annotations

from tui.cli.commands import EXIT_ERROR, EXIT_OK, Command, pull_showing_progress
from tui.core.format import printable, render_table
from tui.core.updates import SHORT_DIGEST
from tui.ollama import InvalidNameError, OllamaError
from tui.ollama.models import ModelSummary
from tui.ollama.progress import PullProgress
from tui.ops import BadRequest
from tui.ops.updates import NotInstalled, check_updates, plan_update, update
from tui.services.registry import UpdateCheck


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
        plan = await plan_update(cmd.session, names, every)
    except NotInstalled as exc:
        return cmd.fail(exc, missing=exc.missing)
    except (OllamaError, InvalidNameError, BadRequest) as exc:
        return cmd.fail(exc)

    async def pull(model: ModelSummary, check: UpdateCheck) -> None:
        what = check.change_text
        if not cmd.as_json:
            cmd.say(f"Updating {printable(model.name)}" + (f" ({what})" if what else ""))
        try:
            await pull_showing_progress(cmd, PullProgress(model.name), is_tty)
        except OllamaError as exc:
            print(f"qgoose-tui: error: {printable(str(exc))}", file=cmd.err)
            raise

    result = await update(cmd.session, plan, pull)
    if cmd.as_json:
        cmd.emit(result.to_json())
    else:
        for line in result.lines():
            cmd.say(printable(line))
    return EXIT_OK if result.ok else EXIT_ERROR
