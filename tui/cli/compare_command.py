"""`qgoose-tui compare A B [C D]` (models side by side) and `qgoose-tui bench NAME` (their
speed here): the commands that help choose a model."""

from __future__ import annotations

from tui.cli.commands import EXIT_OK, Command
from tui.core.format import printable, render_pairs, render_table
from tui.ollama import OllamaError
from tui.ops import BadRequest
from tui.ops.choosing import benchmark, compare
from tui.services.bench import BenchResult, CannotBenchmark


async def cmd_compare(cmd: Command, names: list[str]) -> int:
    try:
        compared = await compare(cmd.session, cmd.settings, names)
    except (OllamaError, BadRequest) as exc:
        return cmd.fail(exc, models=names)
    if cmd.as_json:
        cmd.emit(compared.to_json())
        return EXIT_OK
    table = [["*" if r.differs else "", r.label, *(printable(v) for v in r.values)]
             for r in compared.rows]
    cmd.say(render_table(["", "", *(printable(m) for m in compared.models)], table))
    for label, diff in compared.diffs.items():
        cmd.say(f"\n{label.capitalize()}: " + ("the same" if not diff else
                                               f"differs\n{printable(diff, multiline=True)}"))
    return EXIT_OK


async def cmd_bench(cmd: Command, name: str, runs: int, prompt: str) -> int:
    """Run one prompt `runs` times and report what Ollama measured (the first run cold);
    the result is kept in the history, for the TUI's Speed column and compare."""
    def progress(done: int, total: int) -> None:
        if done and not cmd.as_json:
            print(f"run {done}/{total} done", file=cmd.err)

    try:
        measured = await benchmark(cmd.session, name, runs, prompt, progress)
    except CannotBenchmark as exc:  # a cloud model: the operation fails, the input was fine
        return cmd.fail(exc, model=name)
    except OllamaError as exc:
        return cmd.fail(exc, model=name)
    if not measured.recorded and cmd.history.problem:
        print(f"qgoose-tui: note: usage not recorded: {printable(cmd.history.problem)}",
              file=cmd.err)
    if measured.not_kept:
        print(f"qgoose-tui: note: the result was not kept: {printable(measured.not_kept)}",
              file=cmd.err)
    if cmd.as_json:
        cmd.emit(measured.to_json())
        return EXIT_OK
    result = measured.result
    pairs = [("Model", printable(measured.model)),
             ("Runs", f"{len(result.runs)} (the first cold: "
                      f"{result.cold.load_duration / 1e9:.2f} s to load)"),
             ("Speed", f"{result.speed.median:.1f} {result.unit} "
                       f"({result.speed.low:.1f}–{result.speed.high:.1f})")]
    if isinstance(result, BenchResult):
        pairs.append(("Prompt", f"{result.prompt.median:.1f} tokens/s"))
    pairs.append(("Total", f"{result.total_seconds.median:.2f} s a run"))
    cmd.say(render_pairs(pairs))
    return EXIT_OK
