"""The TUI against JSON nested far deeper than any real answer: an error state for the host,
"unknown" for an update, never a "Something went wrong: RecursionError" toast at each poll."""

from __future__ import annotations

from collections.abc import Callable

from tests.hostile import deep_answers, evil_answers, hostile_ollama
from tests.tui.helpers import info_text, notices, shows, started, wait_until
from tui.ui.app import QGooseApp

TOO_DEEP = "JSON nested more than 64 levels deep"


async def test_a_host_answering_too_deep_is_in_an_error_state(
        make_app: Callable[..., QGooseApp]) -> None:
    async with hostile_ollama(deep_answers()) as url:
        app = make_app(url)
        async with app.run_test(size=(130, 40)) as pilot:
            state = app.session.state
            await wait_until(pilot, lambda: state.failures >= 3)  # polled again and again
            assert state.online is False and state.answering and TOO_DEEP in state.error
            assert shows(app, "○ error (Ollama's answer was JSON")
            assert "Something went wrong" not in notices(app)
            assert notices(app).count("Ollama is not answering") == 1  # said once


async def test_a_registry_manifest_too_deep_makes_the_update_unknown(
        make_app: Callable[..., QGooseApp]) -> None:
    manifest = {k: v for k, v in deep_answers().items() if "/v2/" in k}
    async with hostile_ollama({**evil_answers(), **manifest}) as url:
        app = make_app(url)
        async with app.run_test(size=(130, 50)) as pilot:
            await started(pilot)
            await pilot.press("down")  # llama3.2: its registry answers the deep manifest
            await wait_until(pilot, lambda: TOO_DEEP in info_text(app))
            assert "sent no manifest: " + TOO_DEEP in info_text(app)
            await pilot.press("o")  # asked again, on purpose: the same answer
            await wait_until(pilot, lambda: "Asking the registries" in notices(app))
            await wait_until(pilot, lambda: not app.session.model_updates.asking_registries
                             and TOO_DEEP in info_text(app))
            assert "Something went wrong" not in notices(app)


async def test_a_parameter_nested_too_deep_is_left_out_of_the_variant_form(
        make_app: Callable[..., QGooseApp]) -> None:
    # A value of /api/show's parameters is read as JSON: 6 KB of brackets made the form
    # fail to open with a "Something went wrong: RecursionError" toast.
    from tests.tui.test_variants import open_form

    answers = evil_answers()
    show = {**answers["POST /api/show"],
            "parameters": "temperature " + "[" * 3000 + "]" * 3000 + '\nstop "<|eot|>"'}
    async with hostile_ollama({**answers, "POST /api/show": show}) as url:
        app = make_app(url)
        async with app.run_test(size=(130, 50)) as pilot:
            await started(pilot)
            form = await open_form(pilot, "llama3.2:latest")
            assert form.base_values == {"stop": ["<|eot|>"]}  # the odd value left out
            assert "Something went wrong" not in notices(app)
