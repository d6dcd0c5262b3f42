"""The seed's model API (`…/models/`, `set/`, `pull/`, `delete/`, `info/`, `status/`) and
what the page needs besides (`pulls/`, `space/`, `popular/`), over one HostSession.

Every input is checked before Ollama is asked; every operation is the one the CLI and the
TUI run (tui/ops: list, use, pull, delete and the space it frees, info, status), over the
session's pulls.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from tui.core.popular import popular_models
from tui.core.pulls import PullJob
from tui.ollama import ModelNotFoundError, OllamaError
from tui.ops import listing
from tui.ops import models as ops_models
from tui.services.config import (
    ConfigError,
    CurrentModelWatch,
    NotInstalledError,
    Settings,
)
from tui.services.session import HostSession
from tui.web.creates import CreateJobs, recipe_of_body
from tui.web.inputs import json_in_body, model_in_body, model_in_query, ollama_failure
from tui.web.refresh import SharedRefresh
from tui.web.replies import ApiError, encode, reply, reply_encoded

FINISHED_PULLS_KEPT = 600.0  # seconds a finished pull stays listed, for pages to see it end


class ModelsApi:
    def __init__(self, session: HostSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self._current_watch = CurrentModelWatch(settings)
        self._fresh = SharedRefresh(session)
        self._config_write = asyncio.Lock()  # one config write at a time
        self._listed: tuple[object, bytes] = (None, b"")  # the list's last answer, encoded
        self.creates = CreateJobs(session)

    def current(self) -> str:
        """The config's current model, as it is now: the TUI and `qgoose-tui use` set it too."""
        self._current_watch.check()
        return self.settings.current_model

    # -- the seed's endpoints ----------------------------------------------------------
    async def list_models(self, request: web.Request) -> web.Response:
        """GET …/models/: 200 even when Ollama is down (`ollama_available` says so)."""
        await self._fresh.refresh()
        state, current = self.session.state, self.current()
        if not state.online:
            return reply({"status": "error", "message": state.error, "models": [],
                          "current_model": current, "ollama_available": state.answering,
                          "count": 0})
        # The same list and current model make the same bytes: many clients polling an
        # unchanged list (a team's pages) cost one encoding, not one each.
        key = (state.signature, len(state.models), current)
        if key != self._listed[0]:
            self._listed = (key, encode({
                **(await listing.list_models(self.session, current, models=state.models)
                   ).to_json()}))
        return reply_encoded(self._listed[1])

    async def set_model(self, request: web.Request) -> web.Response:
        """POST …/models/set/ {"model": NAME}: only an installed model becomes current."""
        name = await model_in_body(request)
        await self._online(model=name)
        async with self._config_write:
            try:
                chosen = await ops_models.use(self.session, self.settings, name,
                                              self.session.state.models)
            except NotInstalledError as exc:
                raise ApiError(404, str(exc), model=name) from None
            except ConfigError as exc:
                raise ApiError(500, str(exc), model=name) from None
        return reply(chosen.to_json())

    async def pull_model(self, request: web.Request) -> web.Response:
        """POST …/models/pull/ {"model": NAME}: answers at once; the pull goes on here."""
        name = await model_in_body(request)
        await self._online(model=name)
        try:
            started = ops_models.start_pull(self.session, name)
        except ops_models.AlreadyPulling:
            raise ApiError(409, f"{name} is already being pulled (see …/models/pulls/)",
                           model=name) from None
        return reply(started.to_json())

    async def delete_model(self, request: web.Request) -> web.Response:
        """DELETE …/models/delete/?model=NAME, saying what it freed."""
        name = model_in_query(request)
        await self._online(model=name)
        report = await ops_models.delete(self.session, [name], self.session.state.models)
        if report.errors:
            raise ollama_failure(report.errors[0], model=name)
        if not report.deleted:
            raise ApiError(404, f"model '{name}' not found", model=name)
        payload = report.to_json()
        gone = ops_models.was_current(report, self.current())
        if gone:
            payload["note"] = f"{gone} was the current model; it is no longer installed " \
                              "(set another)"
        return reply(payload)

    async def model_info(self, request: web.Request) -> web.Response:
        """GET …/models/info/?model=NAME: Ollama's details of one model."""
        name = model_in_query(request)
        try:
            details = await ops_models.info(self.session, name)
        except OllamaError as exc:
            raise ollama_failure(exc, model=name) from None
        return reply(details.to_json())

    async def status(self, request: web.Request) -> web.Response:
        """GET …/models/status/: Ollama's state; 200 when it is down too (it is a status)."""
        await self._fresh.refresh()
        state, current = self.session.state, self.current()
        host = self.session.client.display_url
        if not state.online:
            return reply({"status": "error", "message": state.error,
                          "ollama_available": state.answering, "host": host,
                          "current_model": current, "version": None, "count": 0,
                          "running": []})
        return reply(listing.HostStatus(host, current, state.version, state.models,
                                        state.running).to_json())

    # -- what the page needs besides ---------------------------------------------------
    async def pulls(self, request: web.Request) -> web.Response:
        """GET …/models/pulls/: every pull's progress (finished ones for a while)."""
        pulls = self.session.pulls
        now = time.monotonic()
        for job in pulls.jobs:
            if job.ended_at is not None and now - job.ended_at > FINISHED_PULLS_KEPT:
                pulls.dismiss(job.name, job.kind)
        jobs = pulls.jobs
        return reply({"status": "success", "pulls": [pull_json(job) for job in jobs],
                      "running": len(pulls.running), "count": len(jobs)})

    async def create_model(self, request: web.Request) -> web.Response:
        """POST …/models/create/ {"name", "from", "parameters"?, "system"?, "template"?,
        "quantize"?, "replace"?}: a variant, by the operation the CLI's `create` runs;
        answers "started" once Ollama has begun (follow it in …/models/creates/)."""
        name, recipe, replace_existing = recipe_of_body(
            await json_in_body(request, '{"name": "llama3.2-32k", "from": "llama3.2"}'))
        await self._online(model=name)
        job = await self.creates.start(name, recipe, replace_existing)
        return reply({"status": "started", "model": job.model, "base": job.base,
                      "message": f"Started creating {job.model} from {job.base}"})

    async def creates_list(self, request: web.Request) -> web.Response:
        """GET …/models/creates/: every create's statuses (finished ones for a while)."""
        jobs = self.creates.jobs(FINISHED_PULLS_KEPT)
        return reply({"status": "success", "creates": [job.to_json() for job in jobs],
                      "running": sum(job.state == "running" for job in jobs),
                      "count": len(jobs)})

    async def space(self, request: web.Request) -> web.Response:
        """GET …/models/space/?model=NAME: what deleting it would free (for the question)."""
        name = model_in_query(request)
        await self._online(model=name)
        try:
            answer = await ops_models.space_freed(self.session, name, self.current(),
                                                  self.session.state.models)
        except ModelNotFoundError:
            raise ApiError(404, f"model '{name}' not found", model=name) from None
        return reply(answer.to_json())

    async def popular(self, request: web.Request) -> web.Response:
        """GET …/models/popular/: the config's popular models, offered first for a pull."""
        return reply({"status": "success", "models": [
            {"name": p.name, "about": p.about, "size": p.size}
            for p in popular_models(self.settings.popular_models)]})

    # -- helpers -----------------------------------------------------------------------
    async def _online(self, **fields: Any) -> None:
        """Refresh, then stop with 503 (unreachable) or 502 (answering badly) if Ollama is
        not there: nothing is started against a server that is not answering."""
        await self._fresh.refresh()
        state = self.session.state
        if not state.online:
            raise ApiError(502 if state.answering else 503,
                           state.error or "Ollama is not answering", **fields)


def pull_json(job: PullJob) -> dict[str, Any]:
    progress = job.progress
    eta = progress.eta
    return {"model": job.name, "kind": job.kind, "state": job.state.value,
            "phase": progress.phase.value,
            "status_text": progress.status_text, "completed": progress.completed,
            "total": progress.total, "fraction": round(progress.fraction, 4),
            "speed": round(progress.speed), "eta": None if eta is None else round(eta, 1),
            "error": job.error or progress.error, "attempts": job.attempts}
