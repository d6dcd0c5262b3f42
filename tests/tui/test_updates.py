"""Updates in the TUI: the ⬆ column, the info panel, the `outdated` filter, updating the
marked models through the pulls (saying old → new), and a model with nothing to update."""

from tests.conftest import TEST_INTERVAL, TEST_PULL_RATE
from tests.tui.helpers import (
    grid_names,
    info_text,
    models_view,
    notices,
    shows,
    started,
    type_text,
    wait_until,
)
from tui.core.format import human_size
from tui.core.recipes import Recipe
from tui.emulator.server import Emulator, running_emulator
from tui.emulator.store import key_of
from tui.ollama.names import parse_name
from tui.ops.variants import create_variant
from tui.ui.screens.confirm import ConfirmScreen


def update_marks(app) -> dict[str, str]:
    grid = models_view(app).grid
    index = next(i for i, c in enumerate(grid.columns) if c.key == "update")
    return {m.name: grid.columns[index].text(m) for m in grid.shown}


async def checked(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: all(app.session.model_updates.known(m) is not None
                                        for m in app.session.state.models))


async def test_outdated_models_are_marked_and_updated_in_one_go(emulator: Emulator,
                                                                make_app) -> None:
    emulator.store.make_outdated(2)
    app = make_app(emulator.url)
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot)
        await checked(pilot)
        marks = update_marks(app)
        assert sorted(n for n, mark in marks.items() if mark == "⬆") == \
            ["deepseek-r1:8b", "gemma3:4b"]
        grid = models_view(app).grid
        grid.select_name("gemma3:4b")
        await pilot.pause(0.3)
        # The registry's new version changed the template only: its bytes and the config's.
        newer = emulator.store.catalog[key_of(parse_name("gemma3:4b"))]
        download = sum(layer.size for layer in newer.layers
                       if layer.kind in ("template", "config"))
        assert f"Update       ⬆ template changed, {human_size(download)} to download" in \
            info_text(app)
        # The filter finds them; A marks what is shown, U updates the marks (asks first).
        await pilot.press("slash")
        await type_text(pilot, "outdated")
        await pilot.press("enter")
        assert sorted(grid_names(app)) == ["deepseek-r1:8b", "gemma3:4b"]
        await pilot.press("A", "U")
        assert isinstance(app.screen, ConfirmScreen)
        assert shows(app, "Update gemma3:4b and deepseek-r1:8b?") or \
            shows(app, "Update deepseek-r1:8b and gemma3:4b?")
        assert shows(app, f"gemma3:4b: template changed, {human_size(download)} to download")
        assert shows(app, "deepseek-r1:8b: template changed,") and shows(app, "in all.")
        await pilot.press("y")
        await wait_until(pilot, lambda: "deepseek-r1:8b updated:" in notices(app)
                         and "gemma3:4b updated:" in notices(app), timeout=10)
        assert "(+21 B)" in notices(app)
        pulled = sorted(r.body["model"] for r in emulator.pull_requests())
        assert pulled == ["deepseek-r1:8b", "gemma3:4b"]
        # Checked again under their new digests: nothing left to update.
        await wait_until(pilot, lambda: "⬆" not in update_marks(app).values())
        assert grid_names(app) == [] and shows(app, "No model matches the filter")


async def test_a_current_model_is_left_alone(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await checked(pilot)
    models_view(app).grid.select_name("mistral:latest")
    await pilot.press("U")
    assert not isinstance(app.screen, ConfirmScreen)
    assert "mistral:latest: up to date (the same manifest as on" in notices(app)
    assert emulator.pull_requests() == []


async def test_an_unreachable_registry_says_why(emulator: Emulator, make_app) -> None:
    app = make_app(emulator.url, registry="http://127.0.0.1:9")
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot)
        await checked(pilot)
        assert set(update_marks(app).values()) == {"?", ""}  # the cloud model: nothing
        models_view(app).grid.select_name("mistral:latest")
        await pilot.pause(0.3)
        assert "unknown: cannot reach 127.0.0.1:9: connection refused" in info_text(app)


async def test_checks_can_be_turned_off(emulator: Emulator, make_app) -> None:
    app = make_app(emulator.url, check_updates=False)
    async with app.run_test() as pilot:
        await started(pilot)
        await pilot.pause(0.5)
        assert not [r for r in emulator.requests if r.path.startswith("/v2/")]
        await pilot.press("o")  # asked for: then it checks
        await checked(pilot)


async def test_ctrl_u_updates_every_outdated_model(emulator: Emulator, make_app) -> None:
    emulator.store.make_outdated(1)
    app = make_app(emulator.url)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        await checked(pilot)
        await pilot.press("ctrl+u")
        assert isinstance(app.screen, ConfirmScreen)
        assert shows(app, "Update deepseek-r1:8b?") and shows(app, "9 others have no newer")
        await pilot.press("y")
        await wait_until(pilot, lambda: "deepseek-r1:8b updated:" in notices(app), timeout=10)
        assert [r.body["model"] for r in emulator.pull_requests()] == ["deepseek-r1:8b"]


def listed_and_registry_digests(app, emulator: Emulator) -> list[tuple[str, str]]:
    """For the models whose manifests the registry lays out its own way (phi4 indented,
    qwen3 reordered): the digest the server lists, and that of the registry's bytes."""
    listed = {m.name: m.digest for m in app.session.state.models}
    return [(listed[name], emulator.store.catalog[key_of(parse_name(name))].manifest_digest)
            for name in ("phi4:14b", "qwen3:8b")]


async def test_no_arrow_for_models_an_old_server_stored_the_go_way(emulator: Emulator,
                                                                   make_app) -> None:
    # The default emulator is Ollama 0.12, and its registry lays out phi4's manifest
    # indented and qwen3's with other key orders: the digests listed are Go's re-encoding's.
    app = make_app(emulator.url)
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot)
        await checked(pilot)
        for listed, registry in listed_and_registry_digests(app, emulator):
            assert listed != registry  # the difference is there
        marks = update_marks(app)
        assert marks["phi4:14b"] != "⬆" and marks["qwen3:8b"] != "⬆"
        assert "⬆" not in marks.values()
        models_view(app).grid.select_name("phi4:14b")
        await pilot.pause(0.3)
        assert "Update       up to date" in info_text(app)


async def test_a_new_server_lists_the_registry_bytes_digest_and_sees_updates(make_app) -> None:
    # Ollama 0.33 keeps the registry's manifest bytes, however the registry laid them out:
    # the digests listed are the registry's own, nothing is outdated, and a template-only
    # update is seen and named.
    async with running_emulator(server_version="0.33", pull_rate=TEST_PULL_RATE,
                                progress_interval=TEST_INTERVAL) as emulator:
        app = make_app(emulator.url)
        async with app.run_test(size=(140, 40)) as pilot:
            await started(pilot)
            await checked(pilot)
            for listed, registry in listed_and_registry_digests(app, emulator):
                assert listed == registry
            assert "⬆" not in update_marks(app).values()
        emulator.store.publish("phi4:14b", ("template",), style="pretty")
        app = make_app(emulator.url)
        async with app.run_test(size=(140, 40)) as pilot:
            await started(pilot)
            await checked(pilot)
            assert update_marks(app)["phi4:14b"] == "⬆"
            models_view(app).grid.select_name("phi4:14b")
            await pilot.pause(0.3)
            assert "⬆ template changed," in info_text(app)


async def test_the_update_question_says_what_changed(emulator: Emulator, make_app) -> None:
    newer = emulator.store.publish("gemma3:4b", ("weights",))
    emulator.store.publish("phi4:14b", ("params", "system"))
    app = make_app(emulator.url)
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot)
        await checked(pilot)
        grid = models_view(app).grid
        grid.select_name("gemma3:4b")
        await pilot.press("U")
        assert isinstance(app.screen, ConfirmScreen)
        weights = sum(layer.size for layer in newer.layers if layer.kind in ("model", "config"))
        assert shows(app, "Update gemma3:4b?")
        assert shows(app, f"gemma3:4b: new weights, {human_size(weights)} to download")
        await pilot.press("n")
        grid.select_name("phi4:14b")
        await pilot.pause(0.3)
        assert "⬆ system prompt and parameters changed," in info_text(app)


async def test_u_on_a_model_made_since_the_check_asks_about_it(emulator: Emulator,
                                                              make_app) -> None:
    """A variant made after the start-up check: U asks the registries about it and says
    what they answered, instead of "still asking" long after every answer came."""
    emulator.store.make_outdated(1)
    app = make_app(emulator.url)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        await checked(pilot)
        await create_variant(app.session, "llama3.2-32k", Recipe("llama3.2", {"num_ctx": 32768}))
        await app.session.refresh()
        grid = models_view(app).grid
        await wait_until(pilot, lambda: "llama3.2-32k:latest" in grid_names(app))
        grid.select_name("llama3.2-32k:latest")
        await pilot.press("U")
        await wait_until(pilot, lambda: "llama3.2-32k:latest: local only" in notices(app))
        assert "Still asking" not in notices(app)
        await pilot.press("ctrl+u")  # every model: the one outdated, none unasked
        assert isinstance(app.screen, ConfirmScreen)
        assert shows(app, "Update deepseek-r1:8b?") and shows(app, "10 others have no newer")
