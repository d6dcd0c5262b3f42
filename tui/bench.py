"""Speed on this machine, as Ollama measures it: prompt and generation tokens a second from
/api/generate's own timing fields, the median and spread over the runs, the first (cold)
run apart. Pure."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from tui.ollama.models import GenerateResult

DEFAULT_PROMPT = "Write one sentence about geese."


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


@dataclass(frozen=True)
class BenchResult:
    runs: list[GenerateResult]

    @property
    def cold(self) -> GenerateResult:
        return self.runs[0]

    @property
    def warm(self) -> list[GenerateResult]:
        return self.runs[1:] or self.runs  # one run: it is all there is

    @property
    def generation(self) -> Spread:
        return Spread.of([rate(r.eval_count, r.eval_duration) for r in self.warm])

    @property
    def prompt(self) -> Spread:
        return Spread.of([rate(r.prompt_eval_count, r.prompt_eval_duration) for r in self.warm])

    @property
    def total_seconds(self) -> Spread:
        return Spread.of([r.total_duration / 1e9 for r in self.warm])

    def to_json(self) -> dict[str, Any]:
        return {"runs": len(self.runs),
                "cold": {"load_s": round(self.cold.load_duration / 1e9, 3),
                         "total_s": round(self.cold.total_duration / 1e9, 3),
                         "generation_tokens_per_s": round(rate(self.cold.eval_count,
                                                               self.cold.eval_duration), 2)},
                "prompt_tokens_per_s": self.prompt.to_json(),
                "generation_tokens_per_s": self.generation.to_json(),
                "total_s": self.total_seconds.to_json()}
