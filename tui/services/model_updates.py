"""One host's model updates: asking the registries which models have a newer version, and
pulling those the user chose. A part of HostSession (`session.model_updates`), free of
Textual; the checker is made on first use, since most starts never check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import model_key

if TYPE_CHECKING:
    from tui.core.pulls import Pulls
    from tui.core.updates import UpdateOutcome
    from tui.services.registry import UpdateCheck, UpdateChecker


class ModelUpdates:
    def __init__(self, registry: str, show: Callable[[ModelSummary], Awaitable[ModelInfo]],
                 pulls: Pulls, changed: Callable[[], None]) -> None:
        self.registry = registry  # "" for registry.ollama.ai
        self._show = show  # /api/show lets an update say what it changes
        self._pulls = pulls
        self._changed = changed  # tells the views that update states changed
        self._checker: UpdateChecker | None = None
        self.asking_registries = False
        self._before_update: dict[str, ModelSummary] = {}  # model key → the model before

    @property
    def checker(self) -> UpdateChecker:
        if self._checker is None:
            from tui.services.registry import UpdateChecker

            self._checker = UpdateChecker(self.registry, show=self._show)
        return self._checker

    def known(self, model: ModelSummary) -> UpdateCheck | None:
        """What the registries said of `model` this session; None: not asked yet."""
        return self._checker.known(model) if self._checker is not None else None

    def state_of(self, model: ModelSummary) -> str | None:
        check = self.known(model)
        return check.state if check is not None else None

    def forget(self) -> None:
        """Ask the registries again next time (the user asked to)."""
        if self._checker is not None:
            self._checker.forget()

    async def check_all(self, models: list[ModelSummary]) -> list[UpdateCheck]:
        """Ask the registries about every model given (each digest once a session)."""
        self.asking_registries = True
        try:
            return await self.checker.check_all(models)
        finally:
            self.asking_registries = False
            self._changed()

    def start_pulls(self, models: list[ModelSummary]) -> tuple[list[str], list[str]]:
        """Pull the outdated ones among `models` (never the current or unchecked ones);
        the names started, and those left alone."""
        started, left = [], []
        for model in models:
            check = self.known(model)
            if check is None or not check.outdated:
                left.append(model.name)
                continue
            self._before_update[model_key(model.name)] = model
            if self._pulls.start(model.name) is not None:
                started.append(model.name)
        return started, left

    def outcome(self, name: str, installed: list[ModelSummary]) -> UpdateOutcome | None:
        """After a pull of `name`: for an update, what changed (old → new digest, size);
        None for a plain pull."""
        before = self._before_update.pop(model_key(name), None)
        if before is None:
            return None
        from tui.core.updates import UpdateOutcome

        return UpdateOutcome.of(before, _find(installed, name))

    async def recheck(self, name: str, installed: list[ModelSummary]) -> None:
        """Ask again about an updated model: its new digest is "up to date", we expect."""
        after = _find(installed, name)
        if after is not None:
            await self.checker.check(after)
        self._changed()

    async def aclose(self) -> None:
        if self._checker is not None:
            await self._checker.aclose()


def _find(models: list[ModelSummary], name: str) -> ModelSummary | None:
    return next((m for m in models if model_key(m.name) == model_key(name)), None)
