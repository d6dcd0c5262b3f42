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


def test_create_from_a_model_then_push_it(official: ollama.Client) -> None:
    statuses = [p.status for p in official.create(
        model="demo/goose", from_="llama3.2", system="You are a goose.",
        parameters={"num_ctx": 8192}, stream=True)]
    assert statuses[-1] == "success"
    info = official.show("demo/goose")
    assert 'SYSTEM """You are a goose."""' in (info.modelfile or "")
    assert "num_ctx" in (info.parameters or "")
    pushed = [p.status for p in official.push("demo/goose", stream=True)]
    assert pushed[0] == "retrieving manifest" and pushed[-1] == "success"
    with pytest.raises(ollama.ResponseError, match="access denied"):
        official.push("llama3.2")  # no namespace: not ours to push to


def test_create_from_files(official: ollama.Client, tmp_path) -> None:
    from tui.emulator.disk import Facts, gguf_weights

    weights = tmp_path / "tiny.gguf"
    weights.write_bytes(gguf_weights("tiny", Facts("gemma3", 268_098_176, "Q8_0", 32768, 640),
                                     8192))
    digest = official.create_blob(weights)
    result = official.create(model="tiny-upload", files={"tiny.gguf": digest},
                             template="{{ .Prompt }}")
    assert result.status == "success"
    details = official.show("tiny-upload").details
    assert (details.family, details.parameter_size, details.quantization_level) == \
        ("gemma3", "268.10M", "Q8_0")


def test_generate_chat_with_thinking_and_embeddings(official: ollama.Client) -> None:
    answer = official.generate(model="mistral", prompt="hello")
    assert answer.response.startswith("This is") and answer.context
    streamed = "".join(part.response for part in official.generate(
        model="mistral", prompt="hello", stream=True))
    assert streamed.startswith("This is")
    chat = official.chat(model="qwen3:8b", think=True,
                         messages=[{"role": "user", "content": "hi"}])
    assert chat.message.thinking and chat.message.content.startswith("This is")
    parts = list(official.chat(model="mistral", stream=True,
                               messages=[{"role": "user", "content": "hi"}]))
    assert parts[-1].done and "".join(p.message.content for p in parts).startswith("This")
    with pytest.raises(ollama.ResponseError, match="does not support chat"):
        official.chat(model="nomic-embed-text", messages=[{"role": "user", "content": "x"}])
    vectors = official.embed(model="nomic-embed-text", input=["a", "b"], dimensions=64)
    assert len(vectors.embeddings) == 2 and len(vectors.embeddings[0]) == 64
    assert len(official.embeddings(model="nomic-embed-text", prompt="a").embedding) == 768
