"""What the Models grid shows of each model beyond its list entry: the columns, the facts
its filter answers with, and the fetcher of the details (`/api/show`) they need:
capabilities for the Caps column and `cap:`, memory figures for the Fits column and `ctx`
queries. The rows on screen first, then the rest slowly, a few requests at a time, in one
worker of the view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.badges import caps_column, plain_terminal
from tui.core.model_columns import COLUMNS, Column, speed_column, update_column, used_column

if TYPE_CHECKING:
    from tui.ui.app import QGooseApp
    from tui.ui.screens.models import ModelsScreen



def grid_columns(app: QGooseApp) -> tuple[Column, ...]:
    """The grid's columns. Each asks the session in use at the time: switching hosts
    redraws."""
    settings = app.settings
    columns = [*COLUMNS]
    if any(settings.vram_for(host.name) for host in settings.fleet()):
        from tui.core.fits_column import fits_column

        # Will each model fit at the configured context? Needs every model's details.
        columns.append(fits_column(lambda m: app.session.cached_info(m), settings.fit_context,
                                   settings.kv_cache_type, lambda: app.vram))
    plain = plain_terminal()
    columns.append(caps_column(lambda m: app.session.known_capabilities(m), plain))
    columns.append(update_column(lambda m: app.session.model_updates.known(m), plain))
    columns.append(speed_column(lambda m: app.session.benchmark_of(m)))
    columns.append(used_column(lambda m: app.session.usage.last_used(m.name)))
    return tuple(columns)


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
        """The session's details fetch (the rows on screen first), each batch redrawn as
        it comes (not every row's cells again for 16 models)."""
        view = self.view
        session, grid = view.qapp.session, view.grid
        # The Fits column, or a query on context, needs each model's model_info.
        full = "fits" in {c.key for c in grid.columns} or "ctx" in view.filter_bar.value
        on_screen = grid.shown[:max(grid.size.height, 20)]
        await session.fetch_details([*on_screen, *grid.shown], full, grid.refresh_models)
