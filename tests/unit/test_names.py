import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.ollama import InvalidNameError
from tui.ollama.names import normalize, parse_name, same_model, validation_error

WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def part(extra: str, max_len: int) -> st.SearchStrategy[str]:
    return st.builds(lambda first, rest: first + rest, st.sampled_from(WORD),
                     st.text(alphabet=WORD + extra, max_size=max_len - 1))


hosts = part("-_.:", 40)
namespaces = part("-_", 80)
models = part("-_.", 80)
tags = part("-_.", 80)


@pytest.mark.parametrize(("text", "display"), [
    ("llama3", "llama3:latest"),
    ("llama3:8b", "llama3:8b"),
    ("library/llama3", "llama3:latest"),
    ("registry.ollama.ai/library/llama3:latest", "llama3:latest"),
    ("jmorgan/foo", "jmorgan/foo:latest"),
    ("hf.co/bartowski/Qwen2.5-7B-GGUF:Q4_K_M", "hf.co/bartowski/Qwen2.5-7B-GGUF:Q4_K_M"),
    ("myregistry:5000/ns/model:tag", "myregistry:5000/ns/model:tag"),
    ("localhost:5000/ns/m", "localhost:5000/ns/m:latest"),  # the ":" is before a "/"
    ("https://hf.co/org/repo:Q8_0", "hf.co/org/repo:Q8_0"),
    ("  qwen2.5:14b  ", "qwen2.5:14b"),
])
def test_normalises_like_ollama(text: str, display: str) -> None:
    assert normalize(text) == display


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"),
    ("a//b", "namespace part is empty"),
    ("m:", "tag after ':' is empty"),
    ("/m", "namespace part is empty"),
    ("bad name", "model part may not contain ' '"),
    ("-model", "must start with a letter, digit or '_'"),
    ("ns.x/m", "namespace part may not contain '.'"),
    ("a/b/c/d", "host part may not contain '/'"),
    ("m:tag!", "tag part may not contain '!'"),
    ("m" * 81, "model part is 81 characters long (at most 80)"),
    ("m:" + "t" * 81, "tag part is 81 characters long"),
    ("llama3;rm -rf", "may not contain ';'"),
    ("modèle", "may not contain 'è'"),
])
def test_invalid_names_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(InvalidNameError) as caught:
        parse_name(text)
    assert reason in str(caught.value)
    assert validation_error(text) == str(caught.value)


def test_matching_is_case_insensitive_on_the_full_name() -> None:
    assert same_model("Llama3", "registry.ollama.ai/library/llama3:LATEST")
    assert not same_model("llama3", "llama3:8b")


@given(hosts, namespaces, models, tags)
def test_any_valid_full_name_round_trips(host: str, ns: str, model: str, tag: str) -> None:
    name = parse_name(f"{host}/{ns}/{model}:{tag}")
    assert (name.host, name.namespace, name.model, name.tag) == (host, ns, model, tag)
    assert same_model(name.display, name.full)  # the short form names the same model


@given(models, st.one_of(st.none(), tags))
def test_normalising_is_idempotent(model: str, tag: str | None) -> None:
    text = model if tag is None else f"{model}:{tag}"
    once = normalize(text)
    assert normalize(once) == once
    assert once.endswith(f":{tag or 'latest'}")


@given(models, st.text(alphabet=" !\"#$%&'()*+,;<=>?@[\\]^`{|}~é\x1b", min_size=1, max_size=3))
def test_names_with_forbidden_characters_are_refused(model: str, bad: str) -> None:
    assert validation_error(model + bad + "x") is not None


@pytest.mark.parametrize(("a", "b", "same"), [
    ("llama3.2", "Llama3.2:latest", True), ("llama3.2", "llama3.2:1b", False),
    ("library/mistral", "registry.ollama.ai/library/mistral:latest", True),
    ("hf.co/org/Repo:Q4", "hf.co/org/repo:q4", True), ("a:b", "ab", False),
    ("not a name", "NOT A NAME", True),
])
def test_the_bulk_matcher_agrees_with_same_model(a: str, b: str, same: bool) -> None:
    from tui.ollama.names import matcher, same_model

    assert same_model(a, b) is same and matcher(a)(b) is same
