"""Variants follow their base in the TUI: the info panel says what a variant was made from
and with which changes (and a base, its variants); updating a base names its variants in
the question and after the update, and R rebuilds them from the new version, keeping the
name. Against the emulator, whose registry has a newer llama3.2."""

from tests.tui.helpers import info_text, models_view, notices, started, wait_until
from tui.core.recipes import Recipe
from tui.emulator.server import Emulator
from tui.ollama.names import model_key
from tui.ops.variants import create_variant
from tui.ui.screens.confirm import ConfirmScreen

BASE, VARIANT = "llama3.2:latest", "llama3.2-32k:latest"


async def show_info(pilot, name: str, text: str) -> str:
    models_view(pilot.app).grid.select_name(name)
    await wait_until(pilot, lambda: text in info_text(pilot.app))
    return info_text(pilot.app)


async def test_a_base_update_names_its_variant_and_r_rebuilds_it(emulator: Emulator,
                                                                 make_app) -> None:
    emulator.store.publish(BASE, ("template",))
    app = make_app(emulator.url)
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot)
        session = app.session
        await create_variant(session, "llama3.2-32k", Recipe(
            "llama3.2", {"num_ctx": 32768, "stop": ["<|end|>"]}, system="Be brief."))
        await session.refresh()
        old = next(m for m in session.state.models if m.name == BASE).digest
        info = await show_info(pilot, VARIANT, "Made from")
        assert f"Made from    {BASE} ({old[:12]})" in info
        assert 'Changes      num_ctx 32768, stop "<|end|>", system prompt' in info
        assert "was updated" not in info
        assert f"Variants     {VARIANT}" in await show_info(pilot, BASE, "Variants")

        await wait_until(pilot, lambda: session.model_updates.known(
            next(m for m in session.state.models if m.name == BASE)) is not None)
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.warning == (f"{VARIANT} was made from {BASE}: after the update, R on "
                                      f"{BASE} rebuilds it from the new version, keeping the "
                                      "name.")
        await pilot.press("y")
        await wait_until(pilot, lambda: f"made from the old {BASE}" in notices(app))
        assert f"{VARIANT} was made from the old {BASE}: R on {BASE} rebuilds it from the " \
            "new one" in notices(app)
        new = next(m for m in session.state.models if m.name == BASE).digest
        assert new != old
        info = await show_info(pilot, VARIANT, "was updated")
        assert f"Base         ⬆ {BASE} was updated: R rebuilds this variant" in info
        assert "made from an older version: R rebuilds" in await show_info(pilot, BASE,
                                                                            "older version")

        await pilot.press("R")  # on the base: its variants
        await wait_until(pilot, lambda: f"Rebuilt {VARIANT} from {BASE}" in notices(app))
        assert session.recipes[model_key(VARIANT)][1]["base_digest"] == new
        info = await show_info(pilot, VARIANT, f"({new[:12]})")
        assert "was updated" not in info
        shown = await session.client.show(VARIANT)
        assert dict(shown.parameter_lines())["num_ctx"] == "32768"
        assert shown.system == "Be brief."


async def test_r_on_a_model_with_no_recipe_says_there_is_nothing_to_rebuild(pilot) -> None:
    models_view(pilot.app).grid.select_name("qwen3:8b")
    await pilot.press("R")
    await wait_until(pilot, lambda: "nothing to rebuild" in notices(pilot.app))
