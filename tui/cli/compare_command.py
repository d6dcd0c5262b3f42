"""`qgoose-tui compare A B [C D]`: two to four models side by side."""

from __future__ import annotations

import asyncio

from tui.cli.commands import EXIT_OK, BadInput, Command
from tui.compare import compare_rows, text_diff
from tui.format import printable, render_table
from tui.ollama import OllamaError
from tui.ollama.names import normalize, same_model


async def cmd_compare(cmd: Command, names: list[str]) -> int:
    try:
        if not 2 <= len(names) <= 4:
            raise BadInput("compare takes two to four models")
        models = [normalize(n) for n in names]
        infos = await asyncio.gather(*(cmd.client.show(m) for m in models))
        listed = await cmd.client.list_models()
    except (OllamaError, BadInput) as exc:
        return cmd.fail(exc, models=names)
    summaries = [next((s for s in listed if same_model(s.name, m)), None) for m in models]
    settings = cmd.settings
    rows = compare_rows(list(zip(summaries, infos, strict=True)), settings.fit_context,
                        settings.kv_cache_type)
    diffs = {label: text_diff(label, (models[0], getattr(infos[0], attr)),
                              (models[1], getattr(infos[1], attr)))
             for label, attr in (("template", "template"), ("system", "system"))}
    if cmd.as_json:
        cmd.emit({"status": "success", "models": models,
                  "rows": [{"field": r.label, "values": list(r.values), "differs": r.differs}
                           for r in rows],
                  "template_diff": diffs["template"], "system_diff": diffs["system"]})
        return EXIT_OK
    table = [["*" if r.differs else "", r.label, *(printable(v) for v in r.values)]
             for r in rows]
    cmd.say(render_table(["", "", *(printable(m) for m in models)], table))
    for label, diff in diffs.items():
        cmd.say(f"\n{label.capitalize()}: " + ("the same" if not diff else
                                               f"differs\n{printable(diff)}"))
    return EXIT_OK
