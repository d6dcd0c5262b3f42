"""Which models have a newer version in their registry (asked through the session's update
part, so the TUI, the command line and an HTTP handler get the same answer), and updating
them: only the outdated ones among those chosen are pulled, never the current ones."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tui.core.updates import UpdateOutcome
from tui.ollama import ModelNotFoundError, OllamaError
from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key, normalize
from tui.ops import BadRequest
from tui.services.registry import UpdateCheck, summary
from tui.services.session import HostSession


@dataclass(frozen=True)
class UpdateReport:
    checks: list[UpdateCheck]

    def to_json(self) -> dict[str, Any]:
        return {"status": "success", "models": [c.to_json() for c in self.checks],
                "counts": dict(summary(self.checks)),
                "outdated": [c.name for c in self.checks if c.outdated]}

    def counts_text(self) -> str:
        return ", ".join(f"{count} {state}" for state, count in summary(self.checks).items()
                         if count)


async def check_updates(session: HostSession, models: list[ModelSummary]) -> UpdateReport:
    """Each model's state; an update also says what it changes (from /api/show)."""
    return UpdateReport(await session.model_updates.check_all(models))


# -- update -------------------------------------------------------------------------------
class NotInstalled(ModelNotFoundError):
    """Models named for an update that are not installed (as info, use and load: it fails)."""

    def __init__(self, missing: list[str]) -> None:
        verb = "is" if len(missing) == 1 else "are"  # the words of cp, mv and use
        super().__init__(f"{', '.join(missing)} {verb} not installed")
        self.missing = missing


@dataclass(frozen=True)
class UpdatePlan:
    """The models chosen and what the registries said of each."""

    chosen: list[ModelSummary]
    checks: list[UpdateCheck]

    def check_of(self, name: str) -> UpdateCheck:
        return next(c for c in self.checks if model_key(c.name) == model_key(name))

    @property
    def outdated(self) -> list[ModelSummary]:
        return [m for m in self.chosen if self.check_of(m.name).outdated]

    @property
    def left(self) -> list[UpdateCheck]:
        return [c for c in self.checks if not c.outdated]


async def plan_update(session: HostSession, names: list[str], every: bool) -> UpdatePlan:
    """The models named (or every one) and their update states. Raises BadRequest (names
    and --all both, or neither), InvalidNameError, NotInstalled, OllamaError."""
    if every == bool(names):
        raise BadRequest("name the models to update, or give --all (not both)")
    wanted = [normalize(n) for n in names]
    installed = await session.fetch_list()
    by_key = {model_key(m.name): m for m in installed}
    missing = [n for n in wanted if model_key(n) not in by_key]
    if missing:
        raise NotInstalled(missing)
    chosen = list(installed) if every else [by_key[model_key(n)] for n in wanted]
    return UpdatePlan(chosen, (await check_updates(session, chosen)).checks)


@dataclass
class UpdateResult:
    plan: UpdatePlan
    outcomes: list[UpdateOutcome] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)  # {"name", "message"}

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_json(self) -> dict[str, Any]:
        def what_changed(check: UpdateCheck) -> dict[str, object]:
            return {"what_changed": list(check.changed) if check.changed is not None
                    else None, "download_size": check.download_size}

        return {"status": "success" if self.ok else "error",
                "updated": [{**o.to_json(), **what_changed(self.plan.check_of(o.name))}
                            for o in self.outcomes],
                "unchanged": [{"name": c.name, "state": c.state, "reason": c.reason}
                              for c in self.plan.left],
                "failed": self.failed}

    def lines(self) -> list[str]:
        """What a person is told: each update's change, each model left and why."""
        lines = [o.sentence() for o in self.outcomes]
        lines += [f"{c.name}: {c.state} ({c.reason})" for c in self.plan.left]
        return lines if self.plan.outdated else [*lines, "Nothing to update"]


# Pulls one model to its new version (the caller shows the progress); raises OllamaError.
PullOne = Callable[[ModelSummary, UpdateCheck], Awaitable[None]]


async def update(session: HostSession, plan: UpdatePlan, pull: PullOne) -> UpdateResult:
    """Pull the plan's outdated models one after another, then say for each what changed
    (old → new digest, size); a failed pull is reported and the others go on."""
    result = UpdateResult(plan)
    updated = []
    for model in plan.outdated:
        try:
            await pull(model, plan.check_of(model.name))
        except OllamaError as exc:
            result.failed.append({"name": model.name, "message": str(exc)})
            continue
        updated.append(model)
    after: dict[str, ModelSummary] = {}
    if updated:
        # Not listed: the outcomes then say the models are not listed.
        with contextlib.suppress(OllamaError):
            after = {model_key(m.name): m for m in await session.fetch_list()}
    result.outcomes.extend(UpdateOutcome.of(m, after.get(model_key(m.name))) for m in updated)
    return result


@dataclass(frozen=True)
class UpdatesStarted:
    started: list[str]
    left: list[str]  # current, or not checked yet

    def to_json(self) -> dict[str, Any]:
        return {"status": "started", "models": self.started, "left": self.left,
                "message": f"Updating {len(self.started)} model(s)"}


def start_updates(session: HostSession, models: list[ModelSummary]) -> UpdatesStarted:
    """Start, in the session's pulls, the updates of the outdated ones among `models` (as
    already checked); each pull's end says what changed (session.model_updates)."""
    started, left = session.model_updates.start_pulls(models)
    return UpdatesStarted(started, left)
