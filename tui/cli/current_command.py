"""`qgoose-tui current`: the current model, for other programs:

    ollama run "$(qgoose-tui current)"

It is the config's `current_model`, the one `qgoose-tui use`, the TUI's u key and the web
API's set/ endpoint change. Ollama is not asked.
"""

from __future__ import annotations

from tui.cli.commands import EXIT_OK, Command
from tui.ops.models import NoCurrentModel, current


async def cmd_current(cmd: Command) -> int:
    try:
        chosen = current(cmd.settings)
    except NoCurrentModel as exc:
        return cmd.fail(str(exc), current_model=exc.model)
    if cmd.as_json:
        cmd.emit(chosen.to_json())
    else:
        cmd.say(chosen.model)
    return EXIT_OK
