"""`qgoose-tui load|unload|fit`: what is in memory, and what would fit."""

from __future__ import annotations

import contextlib
from typing import Any

from tui.cli.commands import EXIT_ERROR, EXIT_OK, BadInput, Command
from tui.core.format import human_size, printable, render_pairs, render_table
from tui.core.memory import MemoryEstimate, UnknownEstimate, estimate_memory, fit_table, verdict
from tui.ollama import ModelNotFoundError, OllamaError
from tui.ollama.durations import keep_alive_value, keep_alive_words
from tui.ollama.names import model_key, normalize, same_model
from tui.services.config import KV_CACHE_TYPES, vram_total
from tui.services.registry_facts import (
    RegistryFacts,
    RegistryFactsError,
    RegistryFactsReader,
    free_disk,
)


def parse_keep_alive(text: str | None) -> str | int | None:
    if text is None:
        return None
    try:
        return keep_alive_value(text)
    except ValueError as exc:
        raise BadInput(str(exc)) from None


async def cmd_load(cmd: Command, name: str, keep_alive_text_: str | None) -> int:
    try:
        model = normalize(name)
        keep_alive = parse_keep_alive(keep_alive_text_)
        await cmd.client.load(model, keep_alive)
    except (OllamaError, BadInput) as exc:
        return cmd.fail(exc, model=name)
    cmd.remember(lambda h: h.record_loaded(cmd.client.base_url, [model]))
    message = f"Loaded {model} {keep_alive_words(keep_alive)}"
    if cmd.as_json:
        cmd.emit({"status": "success", "model": model, "keep_alive": keep_alive,
                  "message": message})
    else:
        cmd.say(printable(message))
    return EXIT_OK


async def cmd_unload(cmd: Command, names: list[str], every: bool) -> int:
    try:
        if every:
            names = [r.name for r in await cmd.client.ps()]
        elif not names:
            raise BadInput("name the models to unload, or give --all")
    except (OllamaError, BadInput) as exc:
        return cmd.fail(exc, results=[])
    results: list[dict[str, Any]] = []
    loaded: set[str] | None = None  # model keys; None when /api/ps could not say
    if not every:
        with contextlib.suppress(OllamaError):
            loaded = {model_key(r.name) for r in await cmd.client.ps()}
    for name in names:
        try:
            model = normalize(name)
            await cmd.client.unload(model)
        except OllamaError as exc:
            results.append({"model": name, "status": "error", "message": str(exc)})
            print(f"qgoose-tui: error: {printable(str(exc))}", file=cmd.err)
            continue
        message = f"{model} was not loaded" if loaded is not None and \
            model_key(model) not in loaded else f"Unloaded {model}"
        results.append({"model": model, "status": "success", "message": message})
        if not cmd.as_json:
            cmd.say(printable(message))
    if not names and not cmd.as_json:
        cmd.say("No models were loaded.")
    ok = all(r["status"] == "success" for r in results)
    if cmd.as_json:
        cmd.emit({"status": "success" if ok else "error", "results": results})
    return EXIT_OK if ok else EXIT_ERROR


async def cmd_fit(cmd: Command, name: str, context: int | None, kv_cache_type: str | None,
                  vram_text: str | None, parallel: int) -> int:
    """The estimate of an installed model from /api/show; of any other from its registry
    (its manifest and the header of its weights), by the same estimator."""
    settings = cmd.settings
    kv_type = kv_cache_type or settings.kv_cache_type
    facts: RegistryFacts | None = None
    try:
        if kv_type not in KV_CACHE_TYPES:
            raise BadInput(f"--kv-cache must be one of {', '.join(KV_CACHE_TYPES)}")
        vram = vram_total(vram_text) if vram_text else settings.vram_bytes
        model = normalize(name)
        ctx = context or settings.fit_context
        try:
            info = await cmd.client.show(model)
            summary = next((m for m in await cmd.client.list_models()
                            if same_model(m.name, model)), None)
            size = summary.size if summary else 0
        except ModelNotFoundError:
            facts = await registry_facts(cmd, model)
            info, size = facts.model(), facts.download_size
        estimate = estimate_memory(info, size, ctx, kv_type, parallel)
    except (OllamaError, BadInput, UnknownEstimate, RegistryFactsError) as exc:
        return cmd.fail(exc, model=name)
    except ValueError as exc:  # a --vram that is not a size
        return cmd.fail(BadInput(f"--vram: {exc}"), model=name)
    free = free_disk(_models_dir(cmd)) if facts else None
    if cmd.as_json:
        cmd.emit({**fit_json(model, estimate, vram), **source_json(facts, free)})
        return EXIT_OK
    cmd.say(render_pairs(fit_lines(model, estimate, vram) + download_lines(facts, free)))
    if context is None:
        rows = [[f"{row.context:,}", human_size(row.total),
                 verdict(row.total, vram) if vram else ""]
                for row in fit_table(info, size, kv_type, parallel)]
        cmd.say("\n" + render_table(["CONTEXT", "MEMORY", "ON A " + human_size(vram) + " GPU"
                                     if vram else ""], rows))
    return EXIT_OK


async def cmd_pull_check(cmd: Command, name: str) -> int:
    """`pull NAME --check`: the download size and the verdict at fit_context, then stop."""
    settings = cmd.settings
    try:
        model = normalize(name)
        facts = await registry_facts(cmd, model)
        estimate = facts.estimate(settings.fit_context, settings.kv_cache_type)
    except (OllamaError, UnknownEstimate, RegistryFactsError) as exc:
        return cmd.fail(exc, model=name)
    vram = settings.vram_bytes
    free = free_disk(_models_dir(cmd))
    if cmd.as_json:
        cmd.emit({**fit_json(model, estimate, vram), **source_json(facts, free)})
    else:
        cmd.say(printable(check_sentence(model, facts, estimate, vram, free)))
    return EXIT_OK


async def registry_facts(cmd: Command, model: str) -> RegistryFacts:
    reader = RegistryFactsReader(cmd.settings.registry)
    try:
        return await reader.facts(model)
    finally:
        await reader.aclose()


def _models_dir(cmd: Command) -> str:
    entry = cmd.settings.hosts.get(cmd.settings.host_name)
    return entry.models_dir if entry else ""


def check_sentence(model: str, facts: RegistryFacts, estimate: MemoryEstimate,
                   vram: int | None, free: int | None) -> str:
    """ "qwen3:32b: 20.0 GB to download (120 GB free); at 8,192 tokens it needs 24.1 GB:
    does not fit on 12.0 GB" """
    disk = ""
    if free is not None:
        disk = f" ({human_size(free)} free)" if free >= facts.download_size else \
            f" (only {human_size(free)} free: it does not fit on the disk)"
    memory = f"at {estimate.context:,} tokens it needs {human_size(estimate.total)}"
    fit = f": {verdict(estimate.total, vram)} on {human_size(vram)}" if vram else \
        " (set vram in the config for a verdict)"
    return f"{model}: {human_size(facts.download_size)} to download{disk}; {memory}{fit}"


def source_json(facts: RegistryFacts | None, free: int | None) -> dict[str, Any]:
    if facts is None:
        return {"source": "installed"}
    return {"source": "registry", "download_bytes": facts.download_size,
            "free_disk_bytes": free,
            "disk_fits": None if free is None else facts.download_size <= free,
            "family": facts.family or facts.model().architecture,
            "file_type": facts.file_type, "weights_digest": facts.weights_digest}


def download_lines(facts: RegistryFacts | None,
                   free: int | None) -> list[tuple[str, str]]:
    if facts is None:
        return []
    lines = [("Source", "the registry (not installed)"),
             ("Download", human_size(facts.download_size))]
    if free is not None:
        lines.append(("Free disk", human_size(free)))
    return lines


def fit_json(model: str, estimate: MemoryEstimate, vram: int | None) -> dict[str, Any]:
    return {"status": "success", "model": model, "context_length": estimate.context,
            "kv_cache_type": estimate.kv_cache_type, "parallel": estimate.parallel,
            "weights_bytes": estimate.weights, "kv_cache_bytes": estimate.kv_cache,
            "projector_bytes": estimate.projector, "overhead_bytes": estimate.overhead,
            "total_bytes": estimate.total, "vram_bytes": vram,
            "fits": None if vram is None else estimate.total <= vram,
            "verdict": None if vram is None else verdict(estimate.total, vram),
            "upper_bound": estimate.upper_bound}


def fit_lines(model: str, estimate: MemoryEstimate, vram: int | None) -> list[tuple[str, str]]:
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
        lines.append((f"On {human_size(vram)}", verdict(estimate.total, vram)))
    return lines
