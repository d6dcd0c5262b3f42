"""`qgoose-tui stats`: what this machine has recorded of each installed model's use (Ollama
records none): first seen, last loaded, times loaded, times made current."""

from __future__ import annotations

import asyncio

from tui.cli.commands import EXIT_OK, Command
from tui.core.format import printable, relative_time, render_table
from tui.ollama import OllamaError
from tui.ollama.names import model_key
from tui.services.history import HistoryUnavailable, Usage

NOTHING_RECORDED = {"first_seen": None, "last_used": None, "last_loaded": None,
                    "times_loaded": 0, "last_current": None, "times_current": 0}


async def cmd_stats(cmd: Command) -> int:
    try:
        models = await cmd.client.list_models()
    except OllamaError as exc:
        return cmd.fail(exc, models=[])
    cmd.note_nameless(models, "the model list")
    try:
        usage = await asyncio.to_thread(cmd.history.read_usage, cmd.client.base_url)
    except HistoryUnavailable as exc:
        # Every model "never used" would be a lie: say the history is out of reach, as
        # `list` says Ollama is (the models, with nothing known of their use).
        return cmd.fail(exc, history_available=False, models=[
            {**dict.fromkeys(NOTHING_RECORDED), "name": m.name} for m in models])
    rows = [(m.name, usage.get(model_key(m.name))) for m in models]

    def recency(pair: tuple[str, Usage | None]) -> float:
        last = pair[1].last_used if pair[1] is not None else None
        return last.timestamp() if last is not None else 0.0

    rows.sort(key=recency, reverse=True)  # most recently used first, never used last
    if cmd.as_json:
        cmd.emit({"status": "success", "history_available": True, "models": [
            {**(u.to_json() if u is not None else NOTHING_RECORDED), "name": name}
            for name, u in rows]})
        return EXIT_OK
    table = [[printable(name),
              relative_time(u.last_used) if u and u.last_used else "never",
              str(u.times_loaded if u else 0), str(u.times_current if u else 0),
              relative_time(u.first_seen) if u else "not yet"] for name, u in rows]
    cmd.say(render_table(["NAME", "LAST USED", "LOADED", "CURRENT", "FIRST SEEN"], table))
    return EXIT_OK
