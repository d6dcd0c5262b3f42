"""The operations on one host, against the emulator over a real socket: what a user of the
CLI, the web API or the TUI would see of list, info, use, delete and copy."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tui.emulator.server import Emulator
from tui.ollama import ModelNotFoundError
from tui.ops import listing
from tui.ops import models as ops
from tui.services.config import NotInstalledError, load_settings
from tui.services.history import History
from tui.services.session import HostSession


@pytest.fixture
async def session(emulator: Emulator, tmp_path: Path) -> AsyncIterator[HostSession]:
    s = HostSession(emulator.url, history=History(tmp_path / "history.db"))
    yield s
    await s.aclose()


async def test_the_capability_filter_lists_exactly_the_vision_models(session) -> None:
    # The emulator speaks as Ollama 0.12: /api/tags lists no capabilities, so the details
    # must be asked for the filter to answer.
    found = await listing.list_models(session, "", "cap:vision")
    assert [m.name for m in found.models] == ["gemma3:4b", "llava:7b"]
    assert found.installed == 10 and not found.problems
    data = found.to_json()
    assert data["count"] == 2 and [m["name"] for m in data["models"]] == ["gemma3:4b",
                                                                          "llava:7b"]


async def test_loaded_and_current_answer_on_one_host(session) -> None:
    loaded = await listing.list_models(session, "qwen3:8b", "loaded")
    assert [m.name for m in loaded.models] == ["llama3.2:latest"]
    current = await listing.list_models(session, "qwen3:8b", "current")
    assert [m.name for m in current.models] == ["qwen3:8b"]
    assert current.to_json()["models"][0]["is_current"] is True


async def test_a_filter_term_it_cannot_read_is_a_problem_not_an_empty_list(session) -> None:
    found = await listing.list_models(session, "", "cap:visoin")
    assert found.problems == ["cap:visoin: no model has the capability 'visoin': "
                              "did you mean cap:vision?"]


async def test_delete_says_what_it_freed_and_the_model_is_gone(session, emulator) -> None:
    size = next(m.size for m in await session.fetch_list() if m.name == "phi4:14b")
    report = await ops.delete(session, ["phi4:14b"])
    assert report.ok and report.freed is not None and report.freed.freed == size
    assert report.to_json() == {"status": "success", "model": "phi4:14b",
                                "message": "Model phi4:14b deleted successfully",
                                "freed_bytes": size, "freed_is_approximate": False}
    assert "phi4:14b" not in [m.name for m in await session.fetch_list()]


async def test_deleting_a_copy_frees_nothing_and_a_missing_one_is_an_error(session) -> None:
    await ops.copy(session, "mistral", "mistral:backup")
    report = await ops.delete(session, ["mistral:backup", "nosuch"])
    assert report.freed is not None and report.freed.freed == 0  # mistral keeps every blob
    data = report.to_json()
    assert data["status"] == "error"
    assert [(r["model"], r["status"]) for r in data["results"]] == [
        ("mistral:backup", "success"), ("nosuch:latest", "error")]
    assert "mistral:latest" in [m.name for m in await session.fetch_list()]


async def test_use_saves_only_an_installed_model(session, tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "config.toml", env={})
    with pytest.raises(NotInstalledError):
        await ops.use(session, settings, "nosuch")
    chosen = await ops.use(session, settings, "qwen3:8b")
    assert chosen.to_json() == {"status": "success", "model": "qwen3:8b",
                                "message": "Model set to qwen3:8b"}
    assert 'current_model = "qwen3:8b"' in (tmp_path / "config.toml").read_text()
    assert session.usage.of("qwen3:8b") is not None  # its use is recorded


async def test_info_and_copy(session) -> None:
    details = (await ops.info(session, "gemma3:4b")).to_json()
    assert details["model"] == "gemma3:4b" and "vision" in details["info"]["capabilities"]
    with pytest.raises(ModelNotFoundError):
        await ops.info(session, "nosuch")
    copied = await ops.copy(session, "llama3.2", "my-llama")
    assert copied.to_json()["message"] == "Copied llama3.2:latest to my-llama:latest"
    assert "my-llama:latest" in [m.name for m in await session.fetch_list()]


async def test_status_counts_and_says_whether_the_current_model_is_installed(session) -> None:
    data = (await listing.status(session, "nosuch")).to_json()
    assert data["count"] == 10 and data["current_model_installed"] is False
    assert [r["name"] for r in data["running"]] == ["llama3.2:latest"]


async def test_space_says_what_a_delete_would_free_by_the_deletes_rule(session) -> None:
    from tui.ollama import ModelNotFoundError as NotFound

    await ops.copy(session, "mistral", "mistral:backup")
    shared = await ops.space_freed(session, "mistral:backup", "mistral:backup")
    assert shared.freed.freed == 0 and shared.is_current
    assert shared.message == "Deleting mistral:backup frees nothing: its data is shared " \
                             "with mistral:latest"
    alone = await ops.space_freed(session, "phi4:14b", "")
    assert alone.to_json()["freed_bytes"] == alone.model.size > 0
    with pytest.raises(NotFound):
        await ops.space_freed(session, "nosuch", "")
