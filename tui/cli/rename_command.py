"""`qgoose-tui mv SRC DST`: a safe rename (copy, check, delete); the current model follows."""

from __future__ import annotations

from tui.cli.commands import EXIT_ERROR, EXIT_OK, Command
from tui.core.format import printable
from tui.ollama.names import same_model
from tui.services.config import ConfigError, set_current_model
from tui.services.rename import RenameError, rename_model


async def cmd_mv(cmd: Command, source: str, destination: str) -> int:
    try:
        renamed = await rename_model(cmd.client, source, destination)
    except RenameError as exc:
        return cmd.fail(exc, model=source)
    message = f"Renamed {source} to {renamed.name}"
    note = ""
    if same_model(source, cmd.settings.current_model):
        try:
            set_current_model(cmd.settings, [renamed.name], renamed.name)
            note = f"; the current model is now {renamed.name}"
        except ConfigError as exc:
            print(f"qgoose-tui: error: {printable(str(exc))}", file=cmd.err)
            note = f"; the current model could not follow: {exc}"
    if cmd.as_json:
        cmd.emit({"status": "success", "model": renamed.name, "source": source,
                  "digest": renamed.digest, "message": message + note,
                  "current_model": cmd.settings.current_model})
    else:
        cmd.say(printable(message + note))
    return EXIT_OK if "could not follow" not in note else EXIT_ERROR
