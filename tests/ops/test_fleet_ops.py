"""Operations on several hosts at once, over emulators on real sockets: the matrix's filter
answers capabilities and `loaded` from every host's facts, and a delete from chosen hosts
says what it freed on each."""

from collections.abc import AsyncIterator

import pytest

from tests.conftest import TEST_INTERVAL, TEST_PULL_RATE
from tui.emulator.demo_models import demo_catalog
from tui.emulator.names import parse_name
from tui.emulator.server import running_emulator
from tui.emulator.store import Store
from tui.ops import fleet as ops
from tui.services.fleet import Fleet
from tui.services.session import HostSession

SETS = {
    "a": {"llama3.2:latest": 3, "gemma3:4b": 20, "mistral:latest": 64},
    "b": {"llama3.2:latest": 3, "llava:7b": 120, "qwen2.5:7b": 12},
    "c": {"qwen2.5:7b": 12, "phi4:14b": 40},
}


@pytest.fixture
async def fleet() -> AsyncIterator[Fleet]:
    sessions = {}
    async with running_emulator(store=Store(demo_catalog(), SETS["a"]),
                                pull_rate=TEST_PULL_RATE, progress_interval=TEST_INTERVAL) as a, \
            running_emulator(store=Store(demo_catalog(), SETS["b"])) as b, \
            running_emulator(store=Store(demo_catalog(), SETS["c"])) as c:
        a.store.load(parse_name("mistral"), 600)
        for name, emulator in (("a", a), ("b", b), ("c", c)):
            sessions[name] = HostSession(emulator.url, label=name)
        group = Fleet(sessions)
        yield group
        await group.aclose()


async def names(fleet: Fleet, text: str) -> list[str]:
    found = await ops.fleet_matrix(fleet, "phi4:14b", text)
    assert not found.problems
    return [row.name for row in found.rows]


async def test_the_fleet_filter_lists_exactly_the_vision_models(fleet) -> None:
    # Neither host lists capabilities (Ollama 0.12): the details of every host are asked.
    assert await names(fleet, "cap:vision") == ["gemma3:4b", "llava:7b"]
    assert await names(fleet, "-cap:vision qwen") == ["qwen2.5:7b"]


async def test_loaded_and_current_answer_across_hosts(fleet) -> None:
    assert await names(fleet, "loaded") == ["mistral:latest"]  # loaded on host a only
    assert await names(fleet, "current") == ["phi4:14b"]


async def test_a_term_the_fleet_cannot_answer_is_reported(fleet) -> None:
    found = await ops.fleet_matrix(fleet, "", "outdated")
    assert found.rows == [] and found.problems and "outdated" in found.problems[0]


async def test_delete_from_chosen_hosts_says_what_each_freed(fleet) -> None:
    chosen = Fleet({h: fleet.sessions[h] for h in ("a", "b", "c")})
    planned = await ops.plan_delete_on(chosen, "llama3.2")
    assert set(planned.plans) == {"a", "b"} and "not there" in planned.left_out["c"]
    size = next(m.size for m in fleet.sessions["a"].state.models
                if m.name == "llama3.2:latest")
    assert planned.freed("a") == size
    done = await ops.delete_on(chosen, planned)
    assert done.to_json()["status"] == "error"  # host c did not have it
    assert done.results["a"] == {"status": "success", "message": "Deleted llama3.2:latest",
                                 "freed_bytes": size}
    assert done.results["c"]["status"] == "error"
    rows = await names(fleet, "llama3.2")
    assert rows == []  # gone from both hosts that had it
