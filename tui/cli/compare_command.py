"""`qgoose-tui compare A B [C D]` (models side by side) and `qgoose-tui bench NAME` (their
speed here): the commands that help choose a model."""

from __future__ import annotations

import asyncio

from tui.bench import BenchResult
from tui.cli.commands import EXIT_OK, BadInput, Command
from tui.compare import compare_rows, text_diff
from tui.format import printable, render_pairs, render_table
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


async def cmd_bench(cmd: Command, name: str, runs: int, prompt: str) -> int:
    """Run one prompt `runs` times and report what Ollama measured (the first run cold)."""
    try:
        model = normalize(name)
        summary = next((m for m in await cmd.client.list_models() if same_model(m.name, model)),
                       None)
        if summary is not None and summary.is_remote:
            raise BadInput(f"{model} runs on ollama.com: its speed is not this machine's")
        if summary is not None and "embedding" in (await cmd.client.show(model)).capabilities:
            raise BadInput(f"{model} is an embedding model: generation speed does not apply")
        await cmd.client.unload(model)  # so that the first run is a cold one
        results = []
        for index in range(runs):
            results.append(await cmd.client.generate(model, prompt))
            if not cmd.as_json:
                print(f"run {index + 1}/{runs} done", file=cmd.err)
    except (OllamaError, BadInput) as exc:
        return cmd.fail(exc, model=name)
    bench = BenchResult(results)
    if cmd.as_json:
        cmd.emit({"status": "success", "model": model, "prompt": prompt, **bench.to_json()})
        return EXIT_OK
    generation, prompt_rate = bench.generation, bench.prompt
    cmd.say(render_pairs([
        ("Model", printable(model)),
        ("Runs", f"{runs} (the first cold: {bench.cold.load_duration / 1e9:.2f} s to load)"),
        ("Generation", f"{generation.median:.1f} tokens/s "
                       f"({generation.low:.1f}–{generation.high:.1f})"),
        ("Prompt", f"{prompt_rate.median:.1f} tokens/s"),
        ("Total", f"{bench.total_seconds.median:.2f} s a run"),
    ]))
    return EXIT_OK
