"""Speed on this machine, as Ollama measures it.

Text models: one prompt N times through /api/generate, prompt and generation tokens a second
from Ollama's own timing fields. Embedding models: a fixed batch through /api/embed, inputs a
second. The median and spread over the runs, the first (cold, it loads the model) apart.
`run_benchmark` is shared by the CLI's `bench` and the TUI.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from tui.ollama.generation import EmbedResult, GenerateResult
from tui.services.history import BenchRecord

if TYPE_CHECKING:
    from tui.ollama.client import OllamaClient
    from tui.ollama.models import ModelSummary
    from tui.services.session import HostSession

DEFAULT_PROMPT = "Write one sentence about geese."
DEFAULT_RUNS = 3
MAX_RUNS = 50
MAX_TOKENS = 256  # a benchmark measures speed, not essays: each run stops here
EMBED_INPUTS = (
    "Geese fly south in a V to save energy.",
    "A terminal user interface runs in a text console.",
    "Ollama serves large language models over HTTP.",
    "The quick brown fox jumps over the lazy dog.",
    "Benchmarks should measure one thing at a time.",
    "Quantisation trades a little accuracy for a lot of memory.",
    "Embeddings map text to points in a vector space.",
    "A cold start loads the weights from disk first.",
)
Kind = Literal["generate", "embed"]


class CannotBenchmark(Exception):
    """The model cannot be measured here (a cloud model), said in a sentence."""


def rate(count: int, nanoseconds: int) -> float:
    return count / (nanoseconds / 1e9) if nanoseconds > 0 else 0.0


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values)) if values \
            else cls(0.0, 0.0, 0.0)

    def to_json(self) -> dict[str, float]:
        return {"median": round(self.median, 2), "min": round(self.low, 2),
                "max": round(self.high, 2)}


Run = TypeVar("Run", GenerateResult, EmbedResult)


@dataclass(frozen=True)
class _Runs(Generic[Run]):
    """What both kinds share: the first (cold) run apart, the warm ones, the whole time."""

    runs: list[Run]

    @property
    def cold(self) -> Run:
        return self.runs[0]

    @property
    def warm(self) -> list[Run]:
        return self.runs[1:] or self.runs  # one run: it is all there is

    @property
    def total_seconds(self) -> Spread:
        return Spread.of([r.total_duration / 1e9 for r in self.warm])

    def _cold_json(self) -> dict[str, float]:
        return {"load_s": round(self.cold.load_duration / 1e9, 3),
                "total_s": round(self.cold.total_duration / 1e9, 3)}


@dataclass(frozen=True)
class BenchResult(_Runs[GenerateResult]):
    """Generation runs: tokens a second."""

    kind: Kind = "generate"
    unit = "tokens/s"

    @property
    def speed(self) -> Spread:
        """The headline figure: generation tokens a second."""
        return Spread.of([rate(r.eval_count, r.eval_duration) for r in self.warm])

    @property
    def prompt(self) -> Spread:
        return Spread.of([rate(r.prompt_eval_count, r.prompt_eval_duration) for r in self.warm])

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "runs": len(self.runs),
                "cold": {**self._cold_json(),
                         "generation_tokens_per_s": round(rate(self.cold.eval_count,
                                                               self.cold.eval_duration), 2)},
                "prompt_tokens_per_s": self.prompt.to_json(),
                "generation_tokens_per_s": self.speed.to_json(),
                "total_s": self.total_seconds.to_json()}


@dataclass(frozen=True)
class EmbedBenchResult(_Runs[EmbedResult]):
    """Embedding runs: inputs a second (the time after loading, as Ollama measures it)."""

    kind: Kind = "embed"
    unit = "inputs/s"

    @property
    def speed(self) -> Spread:
        return Spread.of([rate(r.inputs, r.total_duration - r.load_duration)
                          for r in self.warm])

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "runs": len(self.runs),
                "inputs": self.cold.inputs, "dimensions": self.cold.dimensions,
                "cold": self._cold_json(),
                "inputs_per_s": self.speed.to_json(),
                "total_s": self.total_seconds.to_json()}


AnyBench = BenchResult | EmbedBenchResult
Progress = Callable[[int, int], None]  # (runs done, runs in all)


def figures(result: AnyBench, prompt: str) -> dict[str, Any]:
    """The result as kept in the history and printed by `bench --json` (with the prompt
    for text models)."""
    return {"prompt": prompt, **result.to_json()} if result.kind == "generate" \
        else result.to_json()


async def run_benchmark(client: OllamaClient, model: str, capabilities: tuple[str, ...],
                        *, runs: int = DEFAULT_RUNS, prompt: str = DEFAULT_PROMPT,
                        remote: bool = False, progress: Progress | None = None) -> AnyBench:
    """Unload `model` (so the first run is cold), then run it `runs` times. Cancelling the
    calling task stops it between (or inside) runs; OllamaErrors pass through."""
    if remote:
        raise CannotBenchmark(f"{model} runs on ollama.com: its speed is not this machine's")
    runs = max(1, min(runs, MAX_RUNS))
    await client.unload(model)
    report = progress or (lambda done, total: None)
    report(0, runs)
    if "embedding" in capabilities and "completion" not in capabilities:
        embedded = []
        for index in range(runs):
            embedded.append(await client.embed(model, list(EMBED_INPUTS)))
            report(index + 1, runs)
        return EmbedBenchResult(embedded)
    # A thinking model would think first: measure its answer, not a long monologue.
    think = False if "thinking" in capabilities else None
    generated = []
    for index in range(runs):
        generated.append(await client.generate(model, prompt, think=think,
                                               options={"num_predict": MAX_TOKENS}))
        report(index + 1, runs)
    return BenchResult(generated)


async def benchmark_kept(session: HostSession, model: ModelSummary, runs: int, prompt: str,
                         progress: Progress | None) -> tuple[AnyBench, BenchRecord, str]:
    """Measure `model` on the session's host and keep the result in the history: the
    result, its record, and why it was not kept ("" when it was)."""
    capabilities = () if model.is_remote else \
        session.known_capabilities(model) or (await session.model_info(model)).capabilities
    try:
        result = await run_benchmark(session.client, model.name, capabilities, runs=runs,
                                     prompt=prompt, remote=model.is_remote, progress=progress)
    finally:
        await session.refresh_running()  # it unloaded, then loaded the model
    kept = figures(result, prompt)
    record = BenchRecord(model.name, model.digest, datetime.now(UTC), result.kind,
                         result.unit, result.speed.median, kept)
    history = session.history
    if history is not None and not await asyncio.to_thread(
            history.record_benchmark, session.base_url, model.name, model.digest, kept,
            result.unit, result.speed.median, record.at):
        return result, record, history.problem
    return result, record, ""
