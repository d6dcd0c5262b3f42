"""`qgoose-tui stats`: what this machine has recorded of each installed model's use (Ollama
records none): first seen, last loaded, times loaded, times made current."""

from __future__ import annotations

from tui.cli.commands import EXIT_OK, Command
from tui.core.format import printable, relative_time, render_table
from tui.ollama import OllamaError
from tui.ops import usage
from tui.services.history import HistoryUnavailable


async def cmd_stats(cmd: Command) -> int:
    try:
        models = list(await cmd.session.fetch_list())
    except OllamaError as exc:
        return cmd.fail(exc, models=[])
    cmd.note_nameless(cmd.session.state.models, "the model list")
    try:
        found = await usage.stats(cmd.session, models)
    except HistoryUnavailable as exc:
        # Every model "never used" would be a lie: say the history is out of reach, as
        # `list` says Ollama is (the models, with nothing known of their use).
        return cmd.fail(exc, history_available=False, models=usage.unknown_json(models))
    if cmd.as_json:
        cmd.emit(found.to_json())
        return EXIT_OK
    table = [[printable(name),
              relative_time(u.last_used) if u and u.last_used else "never",
              str(u.times_loaded if u else 0), str(u.times_current if u else 0),
              relative_time(u.first_seen) if u else "not yet"] for name, u in found.rows]
    cmd.say(render_table(["NAME", "LAST USED", "LOADED", "CURRENT", "FIRST SEEN"], table))
    return EXIT_OK
