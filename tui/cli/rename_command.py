"""`qgoose-tui mv SRC DST`: a safe rename (copy, check, delete); the current model follows."""

from __future__ import annotations

from tui.cli.commands import EXIT_ERROR, EXIT_OK, Command
from tui.core.format import printable
from tui.ops.models import rename
from tui.services.rename import RenameError


async def cmd_mv(cmd: Command, source: str, destination: str) -> int:
    try:
        renamed = await rename(cmd.session, cmd.settings, source, destination)
    except RenameError as exc:
        return cmd.fail(exc, model=source)
    if renamed.current_problem:
        print(f"qgoose-tui: error: {printable(renamed.current_problem)}", file=cmd.err)
    if cmd.as_json:
        cmd.emit(renamed.to_json())
    else:
        cmd.say(printable(renamed.message))
    return EXIT_ERROR if renamed.current_problem else EXIT_OK
