"""One host's usage as the app sees it: the records kept in the history database, and the
few writes that keep them current (models seen, loaded, made current). Writes run in a
thread; a model seen loaded at every poll is written at most once a minute."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from tui.ollama.names import model_key
from tui.services.history import History, Usage

REWRITE_SECONDS = 60.0


class UsageLog:
    def __init__(self, history: History | None, base_url: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.history, self.base_url, self.clock = history, base_url, clock
        self.records: dict[str, Usage] = {}  # model key → usage
        self._written: dict[str, float] = {}  # model key → when last written as loaded
        self._writes = 0  # a read that started before a write must not replace its result
        self._seen: set[str] = set()  # model keys whose first sighting is written

    def of(self, name: str) -> Usage | None:
        return self.records.get(model_key(name))

    def last_used(self, name: str) -> datetime | None:
        usage = self.of(name)
        return usage.last_used if usage is not None else None

    async def load(self) -> None:
        if self.history is not None:
            writes = self._writes
            records = await asyncio.to_thread(self.history.usage, self.base_url)
            if writes == self._writes:
                self.records = records

    async def seen(self, names: Iterable[str]) -> bool:
        """Models listed: those never recorded get their first-seen time. Nothing on screen
        changes (a first sighting is not a use), so the records are not read back."""
        new = [n for n in names if model_key(n) not in self.records and
               model_key(n) not in self._seen]
        if not new or self.history is None:
            return False
        history = self.history
        if await asyncio.to_thread(history.record_seen, self.base_url, new):
            self._seen.update(model_key(n) for n in new)
        return False

    async def loaded(self, names: Iterable[str]) -> bool:
        now = self.clock()
        due = [n for n in names
               if now - self._written.get(model_key(n), -REWRITE_SECONDS) >= REWRITE_SECONDS]
        written = await self._write(due, lambda h: h.record_loaded(self.base_url, due))
        if written:  # a failed write is tried again at the next sighting
            self._written.update((model_key(n), now) for n in due)
        return written

    async def recorded_loaded(self, names: Iterable[str]) -> bool:
        """For an operation's answer: True when each model's load is in the history, written
        now or a moment ago (a refresh that saw it loaded may have been first)."""
        names = list(names)
        await self.loaded(names)
        return self.history is not None and \
            all(model_key(n) in self._written for n in names)

    async def current(self, name: str) -> bool:
        return await self._write([name], lambda h: h.record_current(self.base_url, name))

    async def _write(self, names: list[str], write: Callable[[History], bool]) -> bool:
        """Write, then read the host's records again; True when something was written."""
        if not names or self.history is None:
            return False
        history = self.history
        if not await asyncio.to_thread(write, history):
            return False
        self._writes += 1
        mine = self._writes
        records = await asyncio.to_thread(history.usage, self.base_url)
        if mine == self._writes:  # a later write reads again itself
            self.records = records
        return True
