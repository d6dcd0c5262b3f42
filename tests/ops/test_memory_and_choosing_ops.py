"""Load, unload, the running models, fit, compare and benchmark as operations, against the
emulator over a real socket."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tui.core.memory import estimate_memory
from tui.emulator.server import Emulator
from tui.ollama import ModelNotFoundError
from tui.ops import BadRequest, choosing, memory
from tui.services.bench import CannotBenchmark
from tui.services.config import load_settings
from tui.services.history import History
from tui.services.session import HostSession


@pytest.fixture
async def session(emulator: Emulator, tmp_path: Path) -> AsyncIterator[HostSession]:
    s = HostSession(emulator.url, history=History(tmp_path / "history.db"),
                    registry=emulator.url)
    yield s
    await s.aclose()


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(tmp_path / "config.toml", env={})


async def test_load_says_what_ollama_unloaded_to_make_room(session, emulator) -> None:
    emulator.max_loaded_models = 1
    await session.refresh()  # a session that follows the host knows what was loaded
    assert [r.name for r in session.state.running] == ["llama3.2:latest"]
    loaded = await memory.load(session, "qwen3:8b", memory.parse_keep_alive("1h"))
    assert loaded.evicted == ["llama3.2:latest"] and loaded.recorded
    assert loaded.to_json() == {"status": "success", "model": "qwen3:8b", "keep_alive": "1h",
                                "message": "Loaded qwen3:8b for 1h"}
    assert [r.name for r in session.state.running] == ["qwen3:8b"]
    assert session.usage.of("qwen3:8b") is not None and not session.loading


async def test_a_bad_keep_alive_is_refused_before_anything_is_asked() -> None:
    with pytest.raises(BadRequest):
        memory.parse_keep_alive("soon")


async def test_unload_says_which_were_not_loaded(session) -> None:
    done = await memory.unload(session, ["llama3.2", "qwen3:8b"])
    assert [(o.model, o.message) for o in done.outcomes] == [
        ("llama3.2:latest", "Unloaded llama3.2:latest"),
        ("qwen3:8b", "qwen3:8b was not loaded")]
    assert done.ok and (await memory.running(session)).models == []
    with pytest.raises(BadRequest):
        await memory.unload(session, [])


async def test_running_lists_the_loaded_models_and_records_their_use(session) -> None:
    running = await memory.running(session)
    assert running.to_json()["count"] == 1 and running.recorded
    assert session.usage.of("llama3.2:latest") is not None


async def test_fit_of_an_installed_model_and_of_one_only_in_the_registry(session,
                                                                         settings) -> None:
    fit = await memory.fit(session, settings, "qwen3:8b", context=8192, vram_text="24GB")
    info = await session.client.show("qwen3:8b")
    size = next(m.size for m in await session.fetch_list() if m.name == "qwen3:8b")
    assert fit.estimate == estimate_memory(info, size, 8192, "f16", 1)
    data = fit.to_json()
    assert data["source"] == "installed" and data["fits"] is True
    assert data["total_bytes"] == fit.estimate.total and len(fit.table()) > 1
    await session.client.delete("qwen3:8b")  # now only the registry knows it
    remote = await memory.fit(session, settings, "qwen3:8b", context=8192)
    assert remote.to_json()["source"] == "registry" and remote.facts is not None
    assert remote.to_json()["download_bytes"] == remote.facts.download_size > 0


async def test_fit_refuses_a_bad_cache_type_or_vram(session, settings) -> None:
    with pytest.raises(BadRequest, match="--kv-cache"):
        await memory.fit(session, settings, "qwen3:8b", kv_cache_type="f8")
    with pytest.raises(BadRequest, match="--vram"):
        await memory.fit(session, settings, "qwen3:8b", vram_text="lots")


async def test_compare_marks_the_rows_that_differ_and_uses_kept_speeds(session,
                                                                       settings) -> None:
    measured = await choosing.benchmark(session, "qwen3:8b", runs=2, prompt="hi")
    assert measured.not_kept == "" and measured.recorded
    compared = await choosing.compare(session, settings, ["qwen3:8b", "llava:7b"])
    rows = {r.label: r for r in compared.rows}
    assert any(r.differs for r in compared.rows)
    speed = next(r for r in compared.rows if "speed" in r.label.casefold())
    assert speed.values[0].endswith("tokens/s")  # only qwen3 was measured here
    assert speed.values[1] == "not measured"
    data = compared.to_json()
    assert data["models"] == ["qwen3:8b", "llava:7b"] and len(data["rows"]) == len(rows)
    with pytest.raises(BadRequest):
        await choosing.compare(session, settings, ["qwen3:8b"])


async def test_benchmark_keeps_the_result_and_refuses_cloud_and_missing(session) -> None:
    measured = await choosing.benchmark(session, "mistral", runs=2, prompt="hi")
    data = measured.to_json()
    assert data["model"] == "mistral:latest" and data["digest"] == measured.digest
    assert len(measured.result.runs) == 2
    assert session.benchmarks[measured.digest].speed > 0
    kept = session.history.latest_benchmarks(session.base_url)
    assert measured.digest in kept
    with pytest.raises(CannotBenchmark):
        await choosing.benchmark(session, "glm-4.6:cloud", runs=1, prompt="hi")
    with pytest.raises(ModelNotFoundError):
        await choosing.benchmark(session, "nosuch", runs=1, prompt="hi")
