"""What the Models grid shows of each model beyond its list entry: the columns, the facts
its filter answers with, and the fetcher of the details (`/api/show`) they need:
capabilities for the Caps column and `cap:`, memory figures for the Fits column and `ctx`
queries. The rows on screen first, then the rest slowly, a few requests at a time, in one
worker of the view."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from tui.core.badges import caps_column, plain_terminal
from tui.core.model_columns import COLUMNS, Column, speed_column, update_column, used_column
from tui.ollama import OllamaError
from tui.ollama.names import model_key

if TYPE_CHECKING:
    from tui.core.filter_query import Facts
    from tui.ollama.models import ModelSummary
    from tui.services.config import Settings
    from tui.services.session import HostSession
    from tui.ui.app import QGooseApp
    from tui.ui.screens.models import ModelsScreen

DETAILS_AT_ONCE = 4  # /api/show requests in flight for the grid's columns
DETAILS_BATCH = 16  # the grid is redrawn after each batch
BACKGROUND_PAUSE = 0.5  # seconds between batches of rows not on screen


def grid_columns(app: QGooseApp) -> tuple[Column, ...]:
    """The grid's columns. Each asks the session in use at the time: switching hosts
    redraws."""
    settings = app.settings
    columns = [*COLUMNS]
    if settings.vram_bytes:
        from tui.core.fits_column import fits_column

        # Will each model fit at the configured context? Needs every model's details.
        columns.append(fits_column(lambda m: app.session.cached_info(m), settings.fit_context,
                                   settings.kv_cache_type, settings.vram_bytes))
    plain = plain_terminal()
    columns.append(caps_column(lambda m: app.session.known_capabilities(m), plain))
    columns.append(update_column(lambda m: app.session.update_check(m), plain))
    columns.append(speed_column(lambda m: app.session.benchmark_of(m)))
    columns.append(used_column(lambda m: app.session.usage.last_used(m.name)))
    return tuple(columns)


def filter_facts(session: HostSession, settings: Settings) -> Facts:
    """What the filter's terms are answered with, as the session knows it now."""
    from tui.core.filter_query import Facts

    def context_of(model: ModelSummary) -> int | None:
        info = session.cached_info(model)
        return model.details.context_length or (info.context_length if info else None)

    def update_state(model: ModelSummary) -> str | None:
        check = session.update_check(model)
        return check.state if check is not None else None

    return Facts(capabilities=session.known_capabilities, context_length=context_of,
                 loaded=session.state.loaded_keys(), current=model_key(settings.current_model),
                 update_state=update_state, last_used=lambda m: session.usage.last_used(m.name))


class DetailsFetcher:
    def __init__(self, view: ModelsScreen) -> None:
        self.view = view
        self._fetching = self._fetch_again = False

    def start(self) -> None:
        """Start fetching, or tell the running fetch to look again when done (a restart
        would throw away the batch in flight at every refresh)."""
        if self._fetching:
            self._fetch_again = True
        else:
            self._fetching = True
            self.view.run_worker(self._run(), group="details", exit_on_error=False)

    async def _run(self) -> None:
        try:
            self._fetch_again = True
            while self._fetch_again:
                self._fetch_again = False
                await self._fetch_missing()
        finally:
            self._fetching = False

    async def _fetch_missing(self) -> None:
        """A model whose capabilities a previous run saw (same digest) is not asked again
        unless its memory figures are wanted."""
        view = self.view
        session, grid = view.qapp.session, view.grid
        # The Fits column, or a query on context, needs each model's model_info.
        full = "fits" in {c.key for c in grid.columns} or "ctx" in view.filter_bar.value

        def missing(model: ModelSummary) -> bool:
            if model.is_remote or session.cached_info(model) is not None:
                return False
            return full or session.known_capabilities(model) is None

        on_screen = grid.shown[:max(grid.size.height, 20)]
        wanted = list(dict.fromkeys(m for m in [*on_screen, *grid.shown,
                                                *session.state.models] if missing(m)))
        gate = asyncio.Semaphore(DETAILS_AT_ONCE)

        async def fetch(model: ModelSummary) -> None:
            # A failure leaves the cell empty; the info panel says why when highlighted.
            async with gate:
                with contextlib.suppress(OllamaError):
                    await session.model_info(model)

        for start in range(0, len(wanted), DETAILS_BATCH):
            if start >= len(on_screen) and not full:
                await asyncio.sleep(BACKGROUND_PAUSE)  # off screen: no hurry
            batch = wanted[start:start + DETAILS_BATCH]
            await asyncio.gather(*(fetch(m) for m in batch))
            grid.refresh_models(batch)  # not every row's cells again for 16 models
        if wanted:
            await session.save_capabilities()
