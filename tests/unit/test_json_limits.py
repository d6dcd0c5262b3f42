"""JSON from outside decoded with a depth limit: deeper than any real answer is a
ValueError like any other bad JSON, never a RecursionError."""

from __future__ import annotations

import json

import pytest

from tui.ollama.json_limits import MAX_DEPTH, TooDeepError, loads_bounded


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 100, 1100, 100_000])
def test_deeper_than_the_limit_is_refused(levels: int) -> None:
    for text in (nested(levels), nested(levels).encode(), '{"a": ' + nested(levels) + "}"):
        with pytest.raises(TooDeepError, match="nested more than 64 levels deep"):
            loads_bounded(text)
    assert issubclass(TooDeepError, ValueError)  # callers that refuse bad JSON refuse it


def test_as_deep_as_the_limit_is_decoded() -> None:
    assert loads_bounded(nested(MAX_DEPTH)) == json.loads(nested(MAX_DEPTH))
    wide = json.dumps({"models": [{"details": {"families": ["llama"]}}] * 5000})
    assert loads_bounded(wide) == json.loads(wide)


def test_brackets_in_strings_are_not_nesting() -> None:
    text = json.dumps({"template": "{{ if .System }}[[[" * 500, "list": [[["x"]]]})
    assert loads_bounded(text)["list"] == [[["x"]]]


def test_the_object_hook_still_applies() -> None:
    assert loads_bounded('{"a": {"b": 1}}', object_hook=lambda d: sorted(d)) == ["a"]
