"""Variants, push and the Modelfile through the operations layer, on a host's session (as
the TUI, the CLI and the web API hold one) against the emulator on a loopback socket: what
was sent, what the new model carries, and Ollama's refusals."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from tui.core.recipes import Recipe
from tui.emulator.server import Emulator
from tui.emulator.store import key_of
from tui.ollama import OllamaClient, PullEvent, PushRefusedError
from tui.ollama.errors import ModelNotFoundError
from tui.ollama.names import parse_name
from tui.ops.variants import (
    NameTaken,
    VariantRefused,
    create_variant,
    modelfile_of,
    push_model,
    rebuild_variants,
    variant_states,
)
from tui.services.history import History
from tui.services.session import HostSession

LONG = Recipe("llama3.2", {"num_ctx": 32768, "temperature": 0.2, "stop": ["<|end|>"]},
              system="You answer in one line.")


@pytest.fixture
async def session(client: OllamaClient) -> AsyncIterator[HostSession]:
    s = HostSession(client.base_url, client=client, history=History(None))
    yield s
    await s.aclose()


async def test_create_sends_from_parameters_and_system_and_keeps_the_recipe(
        session: HostSession, emulator: Emulator) -> None:
    history = session.history
    events: list[PullEvent] = []
    result = await create_variant(session, "llama3.2-32k", LONG, on_event=events.append)
    sent = [r.body for r in emulator.requests if r.path == "/api/create"][-1]
    assert sent is not None
    assert (sent["model"], sent["from"], sent["system"]) == \
        ("llama3.2-32k:latest", "llama3.2:latest", "You answer in one line.")
    assert [e.status for e in events][-2:] == ["writing manifest", "success"]
    info = await session.client.show("llama3.2-32k")
    assert info.system == "You answer in one line."
    params = dict(info.parameter_lines())
    assert params["num_ctx"] == "32768" and params["temperature"] == "0.2"
    assert params["stop"] == '"<|end|>"'  # the base's stop words replaced, as Ollama does
    base = next(m for m in await session.client.list_models() if m.name == "llama3.2:latest")
    assert result.recipe.base_digest == base.digest and result.recipe_kept
    assert result.to_json()["model"] == "llama3.2-32k:latest" and not result.replaced
    (name, kept), = history.recipes(session.client.base_url).values()
    assert name == "llama3.2-32k:latest" and Recipe.from_json(kept) == result.recipe


async def test_refusals_before_anything_is_sent(session: HostSession,
                                                emulator: Emulator) -> None:
    await create_variant(session, "mine", LONG)
    with pytest.raises(NameTaken) as taken:  # each caller says how to replace it
        await create_variant(session, "mine", LONG)
    assert taken.value.model == "mine:latest" and not taken.value.usage
    with pytest.raises(VariantRefused, match="unknown parameter 'num_context'"):
        await create_variant(session, "other", Recipe("llama3.2", {"num_context": 1}))
    with pytest.raises(ModelNotFoundError, match="not installed here"):
        await create_variant(session, "other", Recipe("nosuch"))
    with pytest.raises(VariantRefused, match="already quantized"):
        await create_variant(session, "other", Recipe("llama3.2", quantize="Q8_0"))
    assert sum(r.path == "/api/create" for r in emulator.requests) == 1
    replaced = await create_variant(session, "mine", LONG, replace_existing=True)
    assert replaced.replaced


async def test_quantize_an_f16_model_with_its_progress(session: HostSession) -> None:
    events: list[PullEvent] = []
    result = await create_variant(session, "nomic-q8", Recipe("nomic-embed-text",
                                  quantize="q8_0"), on_event=events.append)
    counted = [e for e in events if e.status == "quantizing F16 model to Q8_0"]
    assert counted and counted[-1].total and result.recipe.quantize == "Q8_0"
    made = next(m for m in await session.client.list_models() if m.name == "nomic-q8:latest")
    assert made.details.quantization_level == "Q8_0"


async def test_push_progress_then_success(session: HostSession, emulator: Emulator) -> None:
    await create_variant(session, "demo/llama3.2-32k", LONG)
    events: list[PullEvent] = []
    result = await push_model(session, "demo/llama3.2-32k", events.append)
    assert any(e.status.startswith("pushing ") and e.total for e in events)
    assert [e.status for e in events][-2:] == ["pushing manifest", "success"]
    assert result.pushed_bytes > 2 * 10**9
    assert key_of(parse_name("demo/llama3.2-32k")) in emulator.store.catalog


async def test_push_cancelled_publishes_nothing(session: HostSession,
                                               emulator: Emulator) -> None:
    await create_variant(session, "demo/big", LONG)
    emulator.pull_rate = 1e8  # slow enough to cancel mid-blob
    started = asyncio.Event()
    task = asyncio.create_task(push_model(session, "demo/big",
                                          lambda e: e.completed and started.set()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert key_of(parse_name("demo/big")) not in emulator.store.catalog


@pytest.mark.parametrize(("account", "fault", "expected"), [
    ("", None, "not signed in to ollama.com: run `ollama signin`"),
    ("demo", "denied", "you may not push to this namespace"),
])
async def test_push_refused_says_what_to_do(session: HostSession, emulator: Emulator,
                                            account: str, fault: str | None,
                                            expected: str) -> None:
    await create_variant(session, "demo/mine", LONG)
    emulator.account, emulator.faults.push = account, fault
    with pytest.raises(PushRefusedError) as caught:
        await push_model(session, "demo/mine")
    assert "unauthorized" in caught.value.error and expected in str(caught.value)


async def test_push_of_a_name_without_namespace_is_refused_here(session: HostSession,
                                                               emulator: Emulator) -> None:
    with pytest.raises(VariantRefused, match="has no namespace: .* YOU/llama3.2:latest"):
        await push_model(session, "llama3.2")
    assert not any(r.path == "/api/push" for r in emulator.requests)


async def test_the_modelfile_is_ollamas(session: HostSession) -> None:
    await create_variant(session, "llama3.2-32k", LONG)
    result = await modelfile_of(session, "llama3.2-32k")
    assert "PARAMETER num_ctx 32768" in result.modelfile
    assert 'SYSTEM """You answer in one line."""' in result.modelfile
    assert result.to_json()["model"] == "llama3.2-32k:latest"


async def test_a_base_update_then_a_rebuild(session: HostSession, emulator: Emulator) -> None:
    base = emulator.store.make_outdated(1)[0]
    own = "Q: {{ .Prompt }} A:"  # its own template, which the rebuild keeps
    await create_variant(session, "v1", Recipe(base, {"num_ctx": 16384}, template=own))
    assert [s.state for s in await variant_states(session)] == ["current"]
    nothing = await rebuild_variants(session)
    assert nothing.outcomes == ()
    async for _ in session.client.pull(base):
        pass
    (state,) = await variant_states(session)
    assert state.state == "base updated" and base in state.reason
    rebuilt = await rebuild_variants(session)
    assert [o.status for o in rebuilt.outcomes] == ["rebuilt"] and rebuilt.ok
    models = {m.name: m for m in await session.client.list_models()}
    sent = [r.body for r in emulator.requests if r.path == "/api/create"][-1]
    assert sent is not None and sent["template"] == own
    info = await session.client.show("v1")
    assert dict(info.parameter_lines())["num_ctx"] == "16384" and info.template == own
    (state,) = await variant_states(session)
    assert state.state == "current" and state.recipe.base_digest == models[base].digest
    again = await rebuild_variants(session, ["v1", "llama3.2"])
    assert [o.status for o in again.outcomes] == ["current", "error"]
    assert not again.ok and "no recipe" in again.to_json()["results"][-1]["message"]


async def test_a_variant_whose_recipe_no_longer_applies_says_why(
        session: HostSession, emulator: Emulator) -> None:
    history = session.history
    await create_variant(session, "v1", Recipe("llama3.2", {"num_ctx": 8192}))
    history.record_recipe(session.client.base_url, "v2:latest",
                          {"base": "llama3.2:latest", "parameters": {"num_ctx": "big"}})
    history.record_recipe(session.client.base_url, "v3:latest", {"parameters": 3})
    await session.client.delete("llama3.2")
    states = {s.model: s for s in await variant_states(session)}
    assert states["v1:latest"].state == "base missing"
    assert "pull it to rebuild" in states["v1:latest"].reason
    assert states["v3:latest"].state == "broken" and "damaged" in states["v3:latest"].reason
    result = await rebuild_variants(session, ["v1"])
    assert "cannot rebuild v1:latest: its base llama3.2:latest is no longer installed" in \
        result.outcomes[0].message
