"""HostSession against the emulator over a real socket: refresh, backoff, info, pulls."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from tui.core.pulls import PullState
from tui.emulator.server import Emulator
from tui.ollama.names import parse_name
from tui.services.list_cache import ListCache
from tui.services.session import Changed, HostSession, Notice, Pulled


@pytest.fixture
async def session(emulator: Emulator, tmp_path) -> AsyncIterator[HostSession]:
    s = HostSession(emulator.url, refresh_interval=0.2, list_cache=ListCache(tmp_path))
    yield s
    await s.aclose()


def recorder(session: HostSession) -> list:
    events: list = []
    session.subscribe(events.append)
    return events


async def test_a_refresh_fills_the_state_and_says_what_changed(session, emulator) -> None:
    events = recorder(session)
    await session.refresh()
    state = session.state
    assert state.online and state.version == "0.12.10" and len(state.models) == 10
    assert state.running_entry("llama3.2") is not None
    assert events == [Changed("running"), Changed("models"), Changed("state")]
    events.clear()
    await session.refresh()
    assert events == [Changed("state")]  # nothing new: no redraw of the list


async def test_going_away_backs_off_and_coming_back_is_told_once(session, emulator) -> None:
    await session.refresh()
    events = recorder(session)
    await emulator.stop()
    await session.refresh()
    await session.refresh()
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and notices[0].severity == "error"
    assert session.state.online is False and len(session.state.models) == 10
    assert session.state.retry_delay > 0.2 - 1e-9 and not session.due()
    await emulator.start()
    await session.refresh()
    assert Notice("Ollama is back") in events and session.state.online


async def test_details_are_asked_once_per_model_and_digest(session, emulator) -> None:
    await session.refresh()
    llava = session.state.find("llava:7b")
    first = await session.model_info(llava)
    again = await session.model_info(llava)
    assert first is again and "vision" in first.capabilities
    assert [r.body["model"] for r in emulator.requests if r.path == "/api/show"] == ["llava:7b"]


async def test_delete_drops_the_model_at_once(session, emulator) -> None:
    await session.refresh()
    await session.delete(session.state.find("mistral"))
    assert session.state.find("mistral") is None
    assert emulator.store.find_installed(parse_name("mistral")) is None


async def test_a_pull_runs_to_the_end_and_the_list_shows_it(session, emulator) -> None:
    await session.refresh()
    events = recorder(session)
    job = session.pulls.start("smollm2:135m")
    while job.running:
        await asyncio.sleep(0.01)
    assert job.state is PullState.DONE and session.state.find("smollm2:135m") is not None
    assert Pulled("smollm2:135m") in events and Notice("Pulled smollm2:135m") in events


async def test_a_cancelled_pull_is_cancelled_and_resumes(session, emulator) -> None:
    emulator.pull_rate = 50e6
    job = session.pulls.start("llama3.1:8b")
    while job.progress.completed == 0:
        await asyncio.sleep(0.01)
    session.pulls.cancel("llama3.1:8b")
    await asyncio.sleep(0.05)
    kept = job.progress.completed
    assert job.state is PullState.CANCELLED and kept > 0
    emulator.pull_rate = 4e9
    session.pulls.retry("llama3.1:8b")
    while job.running:
        await asyncio.sleep(0.01)
    assert job.state is PullState.DONE and job.progress.resumed_from >= kept


async def test_a_bug_inside_a_pull_fails_it_with_a_message(session, monkeypatch) -> None:
    from tui.ollama.progress import PullProgress

    def broken(self, event, now):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(PullProgress, "feed", broken)
    events = recorder(session)
    job = session.pulls.start("smollm2:135m")
    while job.running:
        await asyncio.sleep(0.01)
    assert job.state is PullState.FAILED and "ZeroDivisionError" in job.error
    assert any(isinstance(e, Notice) and e.severity == "error" for e in events)


async def test_the_last_list_is_there_at_the_next_start(emulator, tmp_path) -> None:
    first = HostSession(emulator.url, list_cache=ListCache(tmp_path))
    await first.refresh()
    await first.aclose()
    second = HostSession(emulator.url, list_cache=ListCache(tmp_path))
    assert second.state.from_cache and len(second.state.models) == 10
    assert second.state.online is None
    await second.aclose()


def test_a_damaged_cache_is_no_cache(tmp_path) -> None:
    cache = ListCache(tmp_path)
    cache.path_for("http://h:1").write_text("{not json")
    assert cache.load("http://h:1") is None
    assert cache.path_for("http://u:secret@h:1").name == cache.path_for("http://u:x@h:1").name


async def test_nameless_entries_are_told_once_not_listed(session, emulator) -> None:
    events = recorder(session)
    next(e for e in emulator.store.installed.values() if e.name == "llama3.2:latest").name = ""
    await session.refresh()
    await session.refresh()
    notices = [e for e in events if isinstance(e, Notice)]
    assert [n.message for n in notices] == [
        "Left out 1 entry without a name from Ollama's model list"]
    assert len(session.state.models) == 9 and all(m.name for m in session.state.models)


async def test_a_load_tells_the_views_when_it_starts_and_ends(session, emulator) -> None:
    from tui.ollama import OllamaError
    from tui.ops import memory

    await session.refresh()
    events = recorder(session)
    seen_loading = []
    session.subscribe(lambda _: seen_loading.append(dict(session.loading)))
    await memory.load(session, "qwen2.5:7b", "1h")
    # The first word comes while it loads (the views' "loading…" marker), the last after.
    assert events[0] == Changed("running") and list(seen_loading[0].values()) == ["qwen2.5:7b"]
    assert not session.loading and session.state.running_entry("qwen2.5:7b") is not None
    assert Changed("models") in events  # the grid's loaded markers follow
    events.clear()
    with pytest.raises(OllamaError, match="embedding"):
        await memory.load(session, "nomic-embed-text", None)
    assert events[-1] == Changed("running") and not session.loading  # the marker goes


async def test_refresh_running_says_nothing_when_nothing_moved(session, emulator) -> None:
    await session.refresh()
    events = recorder(session)
    await session.refresh_running()
    assert events == []
    emulator.store.load(parse_name("mistral"), 600)
    await session.refresh_running()
    assert events == [Changed("running"), Changed("models")]


async def test_details_nobody_waits_for_any_more_fail_quietly(session, emulator,
                                                              caplog) -> None:
    """Quitting while details are asked must not print asyncio's "exception was never
    retrieved" traceback into the user's terminal when the answer then fails."""
    import gc

    await session.refresh()
    emulator.faults.latency, emulator.faults.error_500 = 0.2, "busy"
    emulator.faults.paths = ("/api/show",)
    asking = asyncio.ensure_future(session.model_info(session.state.models[1]))
    await asyncio.sleep(0.05)
    asking.cancel()  # the only caller goes away; the request goes on
    await asyncio.sleep(0.4)  # …and fails
    del asking
    gc.collect()
    await asyncio.sleep(0)
    assert "never retrieved" not in caplog.text


async def test_details_are_kept_the_moment_they_arrive(session, emulator) -> None:
    """An answer is kept even when the caller that asked went away meanwhile (the cursor
    moved on): coming back to the model, or a background fetch reaching it just after,
    must not ask Ollama again."""
    await session.refresh()
    model = session.state.models[1]
    emulator.faults.latency, emulator.faults.paths = 0.2, ("/api/show",)
    asking = asyncio.ensure_future(session.model_info(model))
    await asyncio.sleep(0.05)
    asking.cancel()  # the only caller goes away; the answer still arrives
    await asyncio.sleep(0.4)
    assert session.cached_info(model) is not None
    emulator.faults.latency = 0.0
    await session.model_info(model)
    shows = [r for r in emulator.requests if r.path == "/api/show"]
    assert [r.body["model"] for r in shows] == [model.name]
