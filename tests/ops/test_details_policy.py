"""The details-fetch policy of HostSession, without a UI: the rows a user looks at first,
each model asked once, and what a previous run learnt not asked again."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tui.core.filter_query import parse_query
from tui.emulator.server import Emulator
from tui.services.list_cache import ListCache
from tui.services.session import HostSession


@pytest.fixture
async def session(emulator: Emulator, tmp_path: Path) -> AsyncIterator[HostSession]:
    s = HostSession(emulator.url, list_cache=ListCache(tmp_path))
    yield s
    await s.aclose()


def shown(emulator: Emulator) -> list[str]:
    return [r.body["model"] for r in emulator.requests if r.path == "/api/show" and r.body]


async def test_the_rows_on_screen_come_first_and_each_model_is_asked_once(
        session, emulator) -> None:
    await session.refresh()
    by_name = {m.name: m for m in session.state.models}
    batches: list[list[str]] = []
    asked = await session.fetch_details([by_name["phi4:14b"], by_name["llava:7b"]],
                                        fetched=lambda b: batches.append([m.name for m in b]))
    assert batches[0][:2] == ["phi4:14b", "llava:7b"]
    # Every local model once; the cloud model has no local details to ask.
    assert sorted(shown(emulator)) == sorted(m.name for m in asked)
    assert "glm-4.6:cloud" not in shown(emulator) and len(asked) == 9
    assert await session.fetch_details() == []  # all known now: nothing asked again
    query = parse_query("cap:vision", session.facts(""))
    assert [m.name for m in session.state.models if query.accepts(m)] == ["gemma3:4b",
                                                                          "llava:7b"]


async def test_capabilities_a_previous_run_saw_are_not_asked_again(emulator,
                                                                   tmp_path: Path) -> None:
    first = HostSession(emulator.url, list_cache=ListCache(tmp_path))
    await first.refresh()
    await first.fetch_details()
    await first.aclose()
    emulator.requests.clear()
    again = HostSession(emulator.url, list_cache=ListCache(tmp_path))
    try:
        await again.refresh()
        assert await again.fetch_details() == []  # the capabilities are in the cache
        assert shown(emulator) == []
        full = await again.fetch_details(full=True)  # memory figures want every model
        assert len(full) == 9 and len(shown(emulator)) == 9
    finally:
        await again.aclose()
