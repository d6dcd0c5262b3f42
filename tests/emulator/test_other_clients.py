"""Programs written for LangChain's Ollama classes and for the OpenAI SDK run unchanged
against the emulator (each a dev dependency, used only here)."""

import pytest

from tui.emulator.server import Emulator

langchain_ollama = pytest.importorskip("langchain_ollama")
openai = pytest.importorskip("openai")


def test_langchain_chat_stream_reasoning_and_embeddings(threaded_emulator: Emulator) -> None:
    url = threaded_emulator.url
    chat = langchain_ollama.ChatOllama(model="mistral", base_url=url,
                                       validate_model_on_init=True)
    assert chat.invoke("hello").content.startswith("This is the qgoose-tui")
    assert "".join(str(c.content) for c in chat.stream("hello")).startswith("This is")
    thinker = langchain_ollama.ChatOllama(model="qwen3:8b", base_url=url, reasoning=True)
    answer = thinker.invoke("hello")
    assert answer.additional_kwargs.get("reasoning_content") and answer.content
    embeddings = langchain_ollama.OllamaEmbeddings(model="nomic-embed-text", base_url=url)
    assert len(embeddings.embed_query("a goose")) == 768
    assert len(embeddings.embed_documents(["a", "b"])) == 2
    llm = langchain_ollama.OllamaLLM(model="mistral", base_url=url)
    assert llm.invoke("hello").startswith("This is")


def test_openai_sdk_against_v1(threaded_emulator: Emulator) -> None:
    client = openai.OpenAI(base_url=f"{threaded_emulator.url}/v1", api_key="ollama")
    assert "llama3.2:latest" in [m.id for m in client.models.list()]
    assert client.models.retrieve("mistral:latest").id == "mistral:latest"
    done = client.chat.completions.create(
        model="mistral", messages=[{"role": "user", "content": "hi"}])
    assert done.choices[0].message.content.startswith("This is")
    assert done.choices[0].finish_reason == "stop" and done.usage.total_tokens > 0
    stream = client.chat.completions.create(
        model="mistral", messages=[{"role": "user", "content": "hi"}], stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text.startswith("This is the qgoose-tui")
    structured = client.chat.completions.create(
        model="mistral", messages=[{"role": "user", "content": "hi"}],
        response_format={"type": "json_object"})
    import json

    assert isinstance(json.loads(structured.choices[0].message.content), dict)
    completion = client.completions.create(model="mistral", prompt="say")
    assert completion.choices[0].text.startswith("This is")
    vectors = client.embeddings.create(model="nomic-embed-text", input=["a", "b"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) == 768
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nosuch",
                                       messages=[{"role": "user", "content": "hi"}])
