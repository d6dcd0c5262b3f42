"""The operations that help choose a model: two to four side by side (rows that differ
marked, their templates and system prompts as diffs) and a model's speed here, as Ollama
measures it (kept in the history for the Speed column and compare)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from tui.core.compare import Row, compare_rows, text_diff
from tui.ollama import ModelInfo, ModelNotFoundError
from tui.ollama.models import ModelSummary
from tui.ollama.names import normalize, same_model
from tui.ops import BadRequest
from tui.services.bench import AnyBench, Progress, benchmark_kept, figures
from tui.services.config import Settings
from tui.services.history import BenchRecord
from tui.services.session import Changed, HostSession

COMPARED_TEXTS = ("template", "system")  # the texts shown as diffs of the first two


@dataclass(frozen=True)
class Comparison:
    models: list[str]
    infos: list[ModelInfo]
    rows: list[Row]
    diffs: dict[str, str]  # "template"/"system" → the first two's unified diff ("" same)

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "models": self.models,
                "rows": [{"field": r.label, "values": list(r.values), "differs": r.differs}
                         for r in self.rows],
                "template_diff": self.diffs["template"], "system_diff": self.diffs["system"]}


async def compare(session: HostSession, settings: Settings, names: list[str]) -> Comparison:
    """Two to four models side by side (a model need not be installed to be shown: its
    size is then unknown); the speed measured here where there is one. Raises BadRequest,
    InvalidNameError, OllamaError."""
    if not 2 <= len(names) <= 4:
        raise BadRequest("compare takes two to four models")
    models = [normalize(n) for n in names]
    infos = list(await asyncio.gather(*(session.client.show(m) for m in models)))
    listed = await session.fetch_list()
    summaries = [next((s for s in listed if same_model(s.name, m)), None) for m in models]
    kept = await _benchmarks(session)
    speeds = [record.speed_text if s and (record := kept.get(s.digest)) else ""
              for s in summaries]
    rows = compare_rows(list(zip(summaries, infos, strict=True)), settings.fit_context,
                        settings.kv_cache_type, speeds)
    diffs = {label: text_diff(label, (models[0], getattr(infos[0], label)),
                              (models[1], getattr(infos[1], label)))
             for label in COMPARED_TEXTS}
    return Comparison(models, infos, rows, diffs)


async def _benchmarks(session: HostSession) -> dict[str, BenchRecord]:
    """The newest result of each digest here: from the history (the CLI's runs too)."""
    if session.history is None:
        return session.benchmarks
    return await asyncio.to_thread(session.history.latest_benchmarks, session.base_url)


@dataclass(frozen=True)
class Benchmarked:
    model: str
    digest: str
    result: AnyBench
    prompt: str
    not_kept: str  # why the result could not be kept in the history ("" when it was)
    recorded: bool  # the model's use was written into the history

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "model": self.model, "digest": self.digest,
                **figures(self.result, self.prompt)}


async def benchmark(session: HostSession, name: str, runs: int, prompt: str,
                    progress: Progress | None = None,
                    installed: list[ModelSummary] | None = None) -> Benchmarked:
    """Run one prompt `runs` times (the first cold: the model is unloaded first) and keep
    what Ollama measured. Raises InvalidNameError, ModelNotFoundError, CannotBenchmark (a
    cloud model), OllamaError; cancelling the task stops it."""
    model = normalize(name)
    listed = await session.fetch_list() if installed is None else installed
    summary = next((m for m in listed if same_model(m.name, model)), None)
    if summary is None:
        raise ModelNotFoundError(f"{model} is not installed", model)
    result, record, problem = await benchmark_kept(session, summary, runs, prompt, progress)
    if summary.digest:
        session.benchmarks[summary.digest] = record
        session.tell(Changed("benchmarks"))  # the Speed column and the info panel
    recorded = await session.usage.recorded_loaded([summary.name])
    return Benchmarked(model, summary.digest, result, prompt, problem, recorded)
