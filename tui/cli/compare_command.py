"""`qgoose-tui compare A B [C D]` (models side by side) and `qgoose-tui bench NAME` (their
speed here): the commands that help choose a model."""

from __future__ import annotations

import asyncio

from tui.cli.commands import EXIT_OK, BadInput, Command
from tui.core.compare import compare_rows, text_diff
from tui.core.format import printable, render_pairs, render_table
from tui.ollama import ModelNotFoundError, OllamaError
from tui.ollama.names import normalize, same_model
from tui.services.bench import BenchResult, CannotBenchmark, run_benchmark
from tui.services.bench import figures as result_figures


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
    kept = await asyncio.to_thread(cmd.history.latest_benchmarks, cmd.client.base_url)
    speeds = [record.speed_text if s and (record := kept.get(s.digest)) else ""
              for s in summaries]
    rows = compare_rows(list(zip(summaries, infos, strict=True)), settings.fit_context,
                        settings.kv_cache_type, speeds)
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
                                               f"differs\n{printable(diff, multiline=True)}"))
    return EXIT_OK


async def cmd_bench(cmd: Command, name: str, runs: int, prompt: str) -> int:
    """Run one prompt `runs` times and report what Ollama measured (the first run cold);
    the result is kept in the history, for the TUI's Speed column and compare."""
    try:
        model = normalize(name)
        summary = next((m for m in await cmd.client.list_models() if same_model(m.name, model)),
                       None)
        if summary is None:
            raise ModelNotFoundError(f"model '{model}' not found", model)
        capabilities = () if summary.is_remote else \
            summary.capabilities or (await cmd.client.show(model)).capabilities

        def progress(done: int, total: int) -> None:
            if done and not cmd.as_json:
                print(f"run {done}/{total} done", file=cmd.err)

        result = await run_benchmark(cmd.client, model, capabilities, runs=runs, prompt=prompt,
                                     remote=summary.is_remote, progress=progress)
    except CannotBenchmark as exc:  # a cloud model: the operation fails, the input was fine
        return cmd.fail(exc, model=name)
    except (OllamaError, BadInput) as exc:
        return cmd.fail(exc, model=name)
    figures = result_figures(result, prompt)
    cmd.remember(lambda h: h.record_loaded(cmd.client.base_url, [summary.name]))
    if not cmd.history.record_benchmark(cmd.client.base_url, summary.name, summary.digest,
                                        figures, result.unit, result.speed.median):
        print(f"qgoose-tui: note: the result was not kept: {printable(cmd.history.problem)}",
              file=cmd.err)
    if cmd.as_json:
        cmd.emit({"status": "success", "model": model, "digest": summary.digest, **figures})
        return EXIT_OK
    pairs = [("Model", printable(model)),
             ("Runs", f"{len(result.runs)} (the first cold: "
                      f"{result.cold.load_duration / 1e9:.2f} s to load)"),
             ("Speed", f"{result.speed.median:.1f} {result.unit} "
                       f"({result.speed.low:.1f}–{result.speed.high:.1f})")]
    if isinstance(result, BenchResult):
        pairs.append(("Prompt", f"{result.prompt.median:.1f} tokens/s"))
    pairs.append(("Total", f"{result.total_seconds.median:.2f} s a run"))
    cmd.say(render_pairs(pairs))
    return EXIT_OK
