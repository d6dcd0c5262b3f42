"""The official `ollama` Python package cannot tell the emulator from Ollama."""

import httpx
import ollama
import pytest

from tui.emulator.server import Emulator


@pytest.fixture
def official(threaded_emulator: Emulator) -> ollama.Client:
    return ollama.Client(host=threaded_emulator.url)


def test_list(official: ollama.Client) -> None:
    models = official.list().models
    assert "llama3.2:latest" in [m.model for m in models]
    llama = next(m for m in models if m.model == "llama3.2:latest")
    assert llama.size == 2019393189 and llama.details.family == "llama"
    assert llama.modified_at is not None and llama.modified_at.tzinfo is not None


def test_show(official: ollama.Client) -> None:
    info = official.show("llava:7b")
    assert info.modelinfo["general.architecture"] == "llama"
    assert "vision" in info.capabilities and info.template and info.license


def test_streamed_pull_copy_delete(official: ollama.Client) -> None:
    statuses = [p.status for p in official.pull("smollm2:135m", stream=True)]
    assert statuses[0] == "pulling manifest" and statuses[-1] == "success"
    official.copy("smollm2:135m", "smol-copy")
    assert "smol-copy:latest" in [m.model for m in official.list().models]
    official.delete("smol-copy")
    assert "smol-copy:latest" not in [m.model for m in official.list().models]


def test_errors_arrive_as_response_errors(official: ollama.Client) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        official.show("nosuch")
    assert caught.value.status_code == 404 and "not found" in caught.value.error
    with pytest.raises(ollama.ResponseError, match="file does not exist"):
        list(official.pull("nosuch", stream=True))


def test_ps_and_load(official: ollama.Client) -> None:
    official.generate(model="qwen2.5:7b", prompt="", keep_alive="10m")
    running = official.ps().models
    entry = next(m for m in running if m.model == "qwen2.5:7b")
    assert entry.size_vram and entry.expires_at is not None


def test_version(threaded_emulator: Emulator) -> None:
    # The package has no version call; `ollama --version` asks this endpoint.
    assert httpx.get(f"{threaded_emulator.url}/api/version").json()["version"] == "0.12.10"
