"""Many requests, one question to Ollama: concurrent requests share one refresh of the
session, and every request is answered from a refresh that began after it arrived (never
from an older answer, so a list asked for after a delete never shows the deleted model)."""

from __future__ import annotations

import asyncio

from tui.services.session import HostSession


class SharedRefresh:
    def __init__(self, session: HostSession) -> None:
        self._session = session
        self._lock = asyncio.Lock()  # fair: waiters go in the order they came
        self._started = 0  # refreshes begun
        self._finished = 0  # the number of the newest refresh that ran to its end

    async def refresh(self) -> None:
        """Return once a refresh that began after this call has finished."""
        wanted = self._started + 1
        async with self._lock:
            if self._finished >= wanted:
                return  # one began after we came, while we waited, and it is done
            self._started += 1
            number = self._started
            await self._session.refresh()
            self._finished = number
