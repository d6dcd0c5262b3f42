"""`qgoose-tui current`: the current model, for other programs:

    ollama run "$(qgoose-tui current)"

It is the config's `current_model`, the one `qgoose-tui use`, the TUI's u key and the web
API's set/ endpoint change. Ollama is not asked.
"""

from __future__ import annotations

from tui.cli.commands import EXIT_OK, Command
from tui.ollama.names import validation_error


async def cmd_current(cmd: Command) -> int:
    name = cmd.settings.current_model
    if not name.strip():
        return cmd.fail("no current model is set (qgoose-tui use NAME sets one)",
                        current_model="")
    problem = validation_error(name)
    if problem:
        return cmd.fail(f"the current model in {cmd.settings.path} is not a model name: "
                        f"{problem} (qgoose-tui use NAME sets one)", current_model=name)
    if cmd.as_json:
        cmd.emit({"status": "success", "current_model": name})
    else:
        cmd.say(name)
    return EXIT_OK
