"""Variant parameters are checked against Ollama's names and types before anything is sent;
the recipe gives the create request and the Modelfile it stands for."""

import pytest

from tui.core.model_params import (
    ParameterError,
    check_parameters,
    parameters_of_show,
    parse_assignments,
    parse_value,
)
from tui.core.recipes import Recipe, modelfile_text, quantize_problem, quantized_size


def test_typed_values_are_converted_to_ollamas_types() -> None:
    assert parse_value("num_ctx", "32768") == 32768
    # A context as people write it: k is 1,024 tokens, in either case.
    assert parse_value("num_ctx", "32k") == parse_value("num_ctx", " 32 K ") == 32768
    assert parse_value("num_ctx", "8K") == 8192
    assert parse_value("temperature", " 0.7 ") == 0.7
    assert parse_value("use_mmap", "false") is False
    assert parse_value("stop", "<|end|>") == ["<|end|>"]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("num_ctx", "32kb", "num_ctx must be a number of tokens like 32768 or 32k, not '32kb'"),
    ("num_ctx", "2.5", "num_ctx must be a number of tokens like 32768 or 32k, not '2.5'"),
    ("num_ctx", "1.5k", "num_ctx must be a number of tokens like 32768 or 32k, not '1.5k'"),
    ("num_ctx", "99999999k", "num_ctx is too large: 102399998976"),
    ("num_ctx", "0", "num_ctx must be above 0, not 0"),
    ("temperature", "hot", "temperature must be a number, not 'hot'"),
    ("temperature", "-1", "temperature cannot be negative: -1.0"),
    ("temperature", "nan", "temperature must be a finite number"),
    ("use_mmap", "maybe", "use_mmap must be true or false, not 'maybe'"),
    ("num_context", "4", "unknown parameter 'num_context'"),
    ("topp", "0.9", "unknown parameter 'topp' (did you mean top_p?)"),
])
def test_wrong_names_and_types_say_which_and_why(name: str, text: str, message: str) -> None:
    with pytest.raises(ParameterError) as caught:
        parse_value(name, text)
    assert str(caught.value).startswith(message)


def test_json_values_are_checked_too() -> None:
    assert check_parameters({"top_k": 40.0, "stop": "x"}) == {"top_k": 40, "stop": ["x"]}
    for bad in ({"top_k": "40"}, {"temperature": True}, {"stop": [1]}, {"stop": [""]},
                {"num_ctx": 2**40}):
        with pytest.raises(ParameterError):
            check_parameters(bad)


def test_assignments_collect_stop_words_and_refuse_what_is_not_key_value() -> None:
    assert parse_assignments(["stop=a", "num_ctx=8192", "stop=b"]) == \
        {"stop": ["a", "b"], "num_ctx": 8192}
    with pytest.raises(ParameterError, match="is not KEY=VALUE"):
        parse_assignments(["num_ctx"])


def test_a_models_show_parameters_become_editable_values() -> None:
    pairs = [("stop", '"<|im_start|>"'), ("stop", '"<|im_end|>"'), ("temperature", "0.6"),
             ("num_ctx", "8192"), ("mirostat", "2"), ("top_k", "lots")]
    assert parameters_of_show(pairs) == {"stop": ["<|im_start|>", "<|im_end|>"],
                                         "temperature": 0.6, "num_ctx": 8192}


def test_the_recipe_gives_the_request_and_the_modelfile() -> None:
    recipe = Recipe("llama3.2:latest", {"num_ctx": 32768, "stop": ['say "end"', "x"]},
                    system="Be brief.\nAlways.")
    assert recipe.request() == {"from": "llama3.2:latest", "system": "Be brief.\nAlways.",
                                "parameters": {"num_ctx": 32768, "stop": ['say "end"', "x"]}}
    assert modelfile_text(recipe) == (
        "FROM llama3.2:latest\nPARAMETER num_ctx 32768\n"
        'PARAMETER stop "say \\"end\\""\nPARAMETER stop "x"\n'
        'SYSTEM """Be brief.\nAlways."""\n')
    assert Recipe.from_json(recipe.to_json()) == recipe
    with pytest.raises(ValueError):
        Recipe.from_json({"base": 3})


def test_a_recipe_that_no_longer_applies_says_why() -> None:
    assert Recipe("m", {"num_ctx": 0}).problem() == "num_ctx must be above 0, not 0"
    assert Recipe("m", {"temprature": 1.0}).problem().startswith("unknown parameter")


def test_quantize_only_from_unquantized_weights_with_the_expected_size() -> None:
    assert quantize_problem("F16", "Q4_K_M") == ""
    assert "already quantized (Q4_K_M)" in quantize_problem("Q4_K_M", "Q8_0")
    assert "unknown quantization type" in quantize_problem("F16", "Q3_K")
    # 1 B parameters at 8.5 bits each; without a count, from the F16 size (16 bits each).
    assert quantized_size(2 * 10**9, "F16", "Q8_0", 10**9) == 1_062_500_000
    assert quantized_size(2 * 10**9, "F16", "Q8_0") == 1_062_500_000
