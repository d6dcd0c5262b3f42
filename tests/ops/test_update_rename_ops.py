"""Update, rename and the current model as operations, against the emulator over a real
socket: what the CLI, the web API and the TUI get from each."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tui.emulator.server import Emulator
from tui.ollama import ModelSummary
from tui.ops import BadRequest, updates
from tui.ops import models as ops
from tui.services.config import load_settings
from tui.services.history import History
from tui.services.registry import UpdateCheck
from tui.services.rename import NameTakenError
from tui.services.session import Event, HostSession, Pulled


@pytest.fixture
async def session(emulator: Emulator, tmp_path: Path) -> AsyncIterator[HostSession]:
    emulator.store.make_outdated(2)  # deepseek-r1:8b and gemma3:4b get newer versions
    s = HostSession(emulator.url, history=History(tmp_path / "history.db"),
                    registry=emulator.url)
    yield s
    await s.aclose()


async def test_update_pulls_only_the_outdated_and_says_what_changed(session) -> None:
    plan = await updates.plan_update(session, [], every=True)
    assert sorted(m.name for m in plan.outdated) == ["deepseek-r1:8b", "gemma3:4b"]
    before = {m.name: m.digest for m in plan.chosen}
    pulled: list[str] = []

    async def pull(model: ModelSummary, check: UpdateCheck) -> None:
        pulled.append(model.name)
        async for _ in session.client.pull(model.name):
            pass

    result = await updates.update(session, plan, pull)
    assert sorted(pulled) == ["deepseek-r1:8b", "gemma3:4b"]
    data = result.to_json()
    assert data["status"] == "success" and data["failed"] == []
    for entry in data["updated"]:
        assert entry["changed"] is True and entry["new_digest"] != before[entry["name"]]
    assert "mistral:latest" in [u["name"] for u in data["unchanged"]]
    assert any(line.startswith("gemma3:4b updated: ") for line in result.lines())


async def test_a_failed_update_is_reported_and_the_others_go_on(session) -> None:
    from tui.ollama import OllamaError

    plan = await updates.plan_update(session, ["gemma3:4b", "deepseek-r1:8b"], every=False)

    async def pull(model: ModelSummary, check: UpdateCheck) -> None:
        if model.name == "gemma3:4b":
            raise OllamaError("the registry went away")
        async for _ in session.client.pull(model.name):
            pass

    result = await updates.update(session, plan, pull)
    assert result.to_json()["failed"] == [{"name": "gemma3:4b",
                                           "message": "the registry went away"}]
    assert [o.name for o in result.outcomes] == ["deepseek-r1:8b"]


async def test_update_refuses_names_and_all_and_names_not_installed(session) -> None:
    with pytest.raises(BadRequest, match="not both"):
        await updates.plan_update(session, ["gemma3:4b"], every=True)
    with pytest.raises(updates.NotInstalled) as caught:
        await updates.plan_update(session, ["gemma3:4b", "nosuch"], every=False)
    assert caught.value.missing == ["nosuch:latest"]


async def test_started_updates_run_in_the_sessions_pulls(session) -> None:
    plan = await updates.plan_update(session, [], every=True)
    done: set[str] = set()
    finished = asyncio.Event()

    def listen(event: Event) -> None:
        if isinstance(event, Pulled):
            done.add(event.name)
            if len(done) == 2:
                finished.set()

    session.subscribe(listen)
    started = updates.start_updates(session, plan.chosen)
    assert sorted(started.started) == ["deepseek-r1:8b", "gemma3:4b"]
    assert "mistral:latest" in started.left and started.to_json()["status"] == "started"
    await asyncio.wait_for(finished.wait(), 30)
    after = await updates.check_updates(session, await session.fetch_list())
    assert after.to_json()["outdated"] == []


async def test_rename_moves_the_current_model_with_it(session, tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "config.toml", env={})
    await ops.use(session, settings, "mistral")
    renamed = await ops.rename(session, settings, "mistral", "mistral:renamed")
    assert renamed.to_json()["current_model"] == "mistral:renamed"
    assert renamed.message == ("Renamed mistral to mistral:renamed; the current model is "
                               "now mistral:renamed")
    names = [m.name for m in session.state.models]  # the session shows it at once
    assert "mistral:renamed" in names and "mistral:latest" not in names
    assert 'current_model = "mistral:renamed"' in (tmp_path / "config.toml").read_text()


async def test_rename_onto_a_taken_name_keeps_both(session, tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "config.toml", env={})
    with pytest.raises(NameTakenError):
        await ops.rename(session, settings, "mistral", "qwen3:8b")
    names = [m.name for m in await session.fetch_list()]
    assert "mistral:latest" in names and "qwen3:8b" in names


def test_current_is_the_configs_and_says_when_there_is_none(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "config.toml", env={})
    settings.current_model = " "
    with pytest.raises(ops.NoCurrentModel, match="no current model is set"):
        ops.current(settings)
    settings.current_model = "bad name!"
    with pytest.raises(ops.NoCurrentModel, match="is not a model name") as caught:
        ops.current(settings)
    assert caught.value.model == "bad name!"
    settings.current_model = "qwen3:8b"
    assert ops.current(settings).to_json() == {"status": "success",
                                               "current_model": "qwen3:8b"}
