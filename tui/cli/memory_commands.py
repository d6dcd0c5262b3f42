"""`qgoose-tui load|unload|ps|fit` and `pull --check`: what is in memory, and what would
fit (the operations are tui/ops/memory.py; this prints their results)."""

from __future__ import annotations

from tui.cli.commands import EXIT_ERROR, EXIT_OK, Command
from tui.core.format import (
    human_size,
    printable,
    processor_text,
    render_pairs,
    render_table,
    until_text,
)
from tui.core.memory import MemoryEstimate, UnknownEstimate
from tui.core.vram import Vram
from tui.ollama import OllamaError
from tui.ops import BadRequest
from tui.ops import memory as ops
from tui.services.registry_facts import RegistryFacts, RegistryFactsError


def _note_unrecorded(cmd: Command, recorded: bool) -> None:
    """A history that cannot be written is a note, not a failure."""
    if not recorded and cmd.history.problem:
        print(f"qgoose-tui: note: usage not recorded: {printable(cmd.history.problem)}",
              file=cmd.err)


async def cmd_load(cmd: Command, name: str, keep_alive_text: str | None) -> int:
    try:
        loaded = await ops.load(cmd.session, name, ops.parse_keep_alive(keep_alive_text))
    except (OllamaError, BadRequest) as exc:
        return cmd.fail(exc, model=name)
    _note_unrecorded(cmd, loaded.recorded)
    if cmd.as_json:
        cmd.emit(loaded.to_json())
    else:
        cmd.say(printable(loaded.message))
    return EXIT_OK


async def cmd_unload(cmd: Command, names: list[str], every: bool) -> int:
    try:
        done = await ops.unload(cmd.session, names, every)
    except (OllamaError, BadRequest) as exc:
        return cmd.fail(exc, results=[])
    for outcome in done.outcomes:
        if outcome.status == "error":
            print(f"qgoose-tui: error: {printable(outcome.message)}", file=cmd.err)
        elif not cmd.as_json:
            cmd.say(printable(outcome.message))
    if not done.outcomes and not cmd.as_json:
        cmd.say("No models were loaded.")
    if cmd.as_json:
        cmd.emit(done.to_json())
    return EXIT_OK if done.ok else EXIT_ERROR


async def cmd_ps(cmd: Command) -> int:
    try:
        running = await ops.running(cmd.session)
    except OllamaError as exc:
        return cmd.fail(exc, models=[])
    cmd.note_nameless(running.models, "the running-model list")
    _note_unrecorded(cmd, running.recorded)
    if cmd.as_json:
        cmd.emit(running.to_json())
        return EXIT_OK
    if not running.models:
        cmd.say("No models loaded in memory.")
        return EXIT_OK
    rows = [[printable(r.name), human_size(r.size), processor_text(r.gpu_fraction),
             until_text(r.expires_at)] for r in running.models]
    cmd.say(render_table(["NAME", "SIZE", "PROCESSOR", "UNTIL"], rows))
    return EXIT_OK


async def cmd_fit(cmd: Command, name: str, context: int | None, kv_cache_type: str | None,
                  vram_text: str | None, parallel: int) -> int:
    """The estimate of an installed model from /api/show; of any other from its registry
    (its manifest and the header of its weights), by the same estimator."""
    try:
        fit = await ops.fit(cmd.session, cmd.settings, name, context, kv_cache_type,
                            vram_text, parallel)
    except (OllamaError, BadRequest, UnknownEstimate, RegistryFactsError) as exc:
        return cmd.fail(exc, model=name)
    if cmd.as_json:
        cmd.emit(fit.to_json())
        return EXIT_OK
    vram = fit.vram
    cmd.say(render_pairs(fit_lines(fit.model, fit.estimate, vram)
                         + download_lines(fit.facts, fit.free_disk)))
    if context is None:
        rows = [[f"{row.context:,}", human_size(row.total),
                 (vram.verdict(row.total) or "no verdict") if vram else ""]
                for row in fit.table()]
        cmd.say("\n" + render_table(["CONTEXT", "MEMORY", table_heading(vram)], rows))
        if vram and not vram.whole:
            cmd.say(f"GPU memory: {vram.hint} for every verdict")
    return EXIT_OK


async def cmd_pull_check(cmd: Command, name: str) -> int:
    """`pull NAME --check`: the download size and the verdict at fit_context, then stop."""
    try:
        fit = await ops.pull_check(cmd.session, cmd.settings, name)
    except (OllamaError, UnknownEstimate, RegistryFactsError) as exc:
        return cmd.fail(exc, model=name)
    if cmd.as_json:
        cmd.emit(fit.to_json())
    elif fit.facts is not None:
        cmd.say(printable(check_sentence(fit.model, fit.facts, fit.estimate, fit.vram,
                                         fit.free_disk)))
    return EXIT_OK


def check_sentence(model: str, facts: RegistryFacts, estimate: MemoryEstimate,
                   vram: Vram | None, free: int | None) -> str:
    """ "qwen3:32b: 20.0 GB to download (120 GB free); at 8,192 tokens it needs 24.1 GB:
    does not fit on 12.0 GB" """
    disk = ""
    if free is not None:
        disk = f" ({human_size(free)} free)" if free >= facts.download_size else \
            f" (only {human_size(free)} free: it does not fit on the disk)"
    memory = f"at {estimate.context:,} tokens it needs {human_size(estimate.total)}"
    said = vram.verdict(estimate.total) if vram else None
    fit = f": {said} on {vram.label}" if vram and said else \
        f" ({vram.hint} for a verdict)" if vram else " (set vram in the config for a verdict)"
    return f"{model}: {human_size(facts.download_size)} to download{disk}; {memory}{fit}"


def download_lines(facts: RegistryFacts | None,
                   free: int | None) -> list[tuple[str, str]]:
    if facts is None:
        return []
    lines = [("Source", "the registry (not installed)"),
             ("Download", human_size(facts.download_size))]
    if free is not None:
        lines.append(("Free disk", human_size(free)))
    return lines


def table_heading(vram: Vram | None) -> str:
    """ "ON A 12.0 GB GPU", "ON 11.0 GB (SEEN IN USE)", "ON ≥ 5.2 GB SEEN IN USE"."""
    if vram is None:
        return ""
    return f"ON A {vram.label} GPU" if vram.source == "config" else f"ON {vram.label}".upper()


def fit_lines(model: str, estimate: MemoryEstimate, vram: Vram | None) -> list[tuple[str, str]]:
    lines = [
        ("Model", printable(model)),
        ("Context", f"{estimate.context:,} tokens × {estimate.parallel} "
                    f"({estimate.kv_cache_type} KV cache)"),
        ("Weights", human_size(estimate.weights)),
        ("KV cache", human_size(estimate.kv_cache)),
        ("Projector", human_size(estimate.projector)),
        ("Graph", human_size(estimate.overhead)),
        ("Total", human_size(estimate.total) + (" (at most: this architecture needs less)"
                                                if estimate.upper_bound else "")),
    ]
    if vram:
        said = vram.verdict(estimate.total)
        lines.append((f"On {vram.label}", said) if said else ("GPU", vram.hint))
    return lines
