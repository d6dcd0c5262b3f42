"""A safe rename against the emulator: copy, check, delete; any failure keeps the original."""

import pytest

from tui.emulator.server import Emulator
from tui.ollama import OllamaClient
from tui.services.rename import RenameError, copy_model, destination_problem, rename_model


async def names(client: OllamaClient) -> set[str]:
    return {m.name for m in await client.list_models()}


async def test_a_rename_keeps_the_digest_and_drops_the_old_name(client: OllamaClient) -> None:
    digest = next(m.digest for m in await client.list_models() if m.name == "mistral:latest")
    renamed = await rename_model(client, "mistral", "my-mistral:v1")
    assert renamed.name == "my-mistral:v1" and renamed.digest == digest
    assert "mistral:latest" not in await names(client)


async def test_a_failed_copy_changes_nothing(client: OllamaClient, emulator: Emulator) -> None:
    before = await names(client)
    emulator.faults.error_500, emulator.faults.paths = "disk full", ("/api/copy",)
    with pytest.raises(RenameError, match="the copy to m2:latest failed .*mistral:latest is "
                                          "unchanged"):
        await rename_model(client, "mistral", "m2")
    emulator.faults.clear()
    assert await names(client) == before


async def test_interrupted_after_the_copy_keeps_the_original(client: OllamaClient,
                                                             emulator: Emulator) -> None:
    emulator.faults.error_500, emulator.faults.paths = "interrupted", ("/api/delete",)
    with pytest.raises(RenameError, match="m2:latest is ready, but mistral could not be "
                                          "deleted .*both names exist now"):
        await rename_model(client, "mistral", "m2")
    emulator.faults.clear()
    assert {"mistral:latest", "m2:latest"} <= await names(client)


async def test_never_over_an_existing_model(client: OllamaClient) -> None:
    with pytest.raises(RenameError, match="qwen3:8b exists: Ollama would overwrite it"):
        await rename_model(client, "mistral", "qwen3:8b")
    with pytest.raises(RenameError, match="nosuch:latest is not installed"):
        await copy_model(client, "nosuch", "x")


@pytest.mark.parametrize(("text", "problem"), [
    ("", "type the new name"),
    ("bad name!", "invalid"),
    ("mistral", "that is its name already"),
    ("Qwen3:8B", "qwen3:8b exists"),
    ("fresh", ""),
])
def test_the_new_name_is_checked_as_typed(text: str, problem: str) -> None:
    found = destination_problem(text, ["mistral:latest", "qwen3:8b"], "mistral:latest")
    assert (problem in found) if problem else found == ""
