"""Ollama's model parameters: their names and types, and the checks a variant's parameters
pass before they are sent.

Ollama's `/api/create` stores whatever `parameters` it is given; a wrong name or type only
shows when the model is loaded (or silently does nothing). `ollama create` checks a
Modelfile's PARAMETER lines against the fields of its `api.Options` (api/types.go,
FormatParams); this table is those fields, so a variant made here is one Ollama accepts.
Pure functions, no I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from tui.ollama.json_limits import loads_bounded

Kind = Literal["int", "float", "bool", "list"]

# api.Options and api.Runner, by their JSON names (Ollama v0.33).
PARAMETERS: dict[str, Kind] = {
    "num_ctx": "int", "num_batch": "int", "num_gpu": "int", "main_gpu": "int",
    "use_mmap": "bool", "num_thread": "int", "num_keep": "int", "seed": "int",
    "num_predict": "int", "top_k": "int", "top_p": "float", "min_p": "float",
    "typical_p": "float", "repeat_last_n": "int", "temperature": "float",
    "repeat_penalty": "float", "presence_penalty": "float", "frequency_penalty": "float",
    "stop": "list",
}
# Values that cannot be right whatever the model: a context or batch of 0 tokens.
_POSITIVE = {"num_ctx", "num_batch", "num_thread"}
_KIND_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false",
               "list": "a list of texts"}
MAX_INT = 2**31 - 1  # Go's int on the runner side is often 32-bit: larger is a mistake


class ParameterError(ValueError):
    """A parameter Ollama would not understand; the message names it and says why."""


def kind_of(name: str) -> Kind:
    kind = PARAMETERS.get(name)
    if kind is None:
        close = [known for known in PARAMETERS if _similar(name, known)]
        hint = f" (did you mean {close[0]}?)" if close else \
            f" (Ollama knows: {', '.join(sorted(PARAMETERS))})"
        raise ParameterError(f"unknown parameter {name!r}{hint}")
    return kind


def parse_value(name: str, text: str) -> Any:
    """A parameter typed as text (a form field, `--param KEY=VALUE`) as the value to send."""
    kind = kind_of(name)
    text = text.strip()
    if kind == "list":
        return [text] if text else []
    if kind == "bool":
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise ParameterError(f"{name} must be true or false, not {text!r}")
    if name == "num_ctx":
        return check_value(name, parse_tokens(text))
    try:
        value: float = int(text) if kind == "int" else float(text)
    except ValueError:
        raise ParameterError(f"{name} must be {_KIND_WORDS[kind]}, not {text!r}") from None
    return check_value(name, value)


def parse_tokens(text: str) -> int:
    """A context length as people write it: 32768, 32k or 8K (k = 1,024 tokens, as the
    filter language and Ollama's own docs count them)."""
    match = re.fullmatch(r"\s*(\d{1,12})\s*([kK]?)\s*", text)
    if match is None:
        raise ParameterError(f"num_ctx must be a number of tokens like 32768 or 32k, "
                             f"not {text.strip()!r}")
    return int(match.group(1)) * (1024 if match.group(2) else 1)


def check_value(name: str, value: Any) -> Any:
    """A value already typed (from JSON) checked against the parameter's type."""
    kind = kind_of(name)
    if kind == "list":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"{name} must be a list of texts")
        if any(not v for v in value):
            raise ParameterError(f"{name} has an empty entry")
        return list(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ParameterError(f"{name} must be true or false, not {value!r}")
        return value
    if name == "num_ctx" and isinstance(value, str):  # "32k" in a JSON body, as typed
        value = parse_tokens(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{name} must be {_KIND_WORDS[kind]}, not {value!r}")
    if kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise ParameterError(f"{name} must be a whole number, not {value!r}")
        value = int(value)
        if abs(value) > MAX_INT:
            raise ParameterError(f"{name} is too large: {value}")
    elif not math.isfinite(value):
        raise ParameterError(f"{name} must be a finite number")
    if name in _POSITIVE and value <= 0:
        raise ParameterError(f"{name} must be above 0, not {value}")
    if value < 0 and name not in ("seed", "num_predict", "num_gpu", "repeat_last_n",
                                  "main_gpu", "num_keep"):
        raise ParameterError(f"{name} cannot be negative: {value}")
    return value


def check_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter checked; raises ParameterError for the first one Ollama would not
    understand."""
    return {name: check_value(name, value) for name, value in parameters.items()}


def parse_assignments(pairs: Iterable[str]) -> dict[str, Any]:
    """`KEY=VALUE` texts (`--param`) as parameters; `stop` may be given more than once."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            raise ParameterError(f"{pair!r} is not KEY=VALUE (like num_ctx=32768)")
        value = parse_value(name, text)
        if PARAMETERS[name] == "list":
            found.setdefault(name, []).extend(value)
        else:
            found[name] = value
    return found


def parameters_of_show(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """A model's parameters as /api/show writes them (`key value` lines, `stop "x"` once a
    stop word) as typed values; lines that are not known parameters are left out."""
    found: dict[str, Any] = {}
    for name, text in pairs:
        if name not in PARAMETERS:
            continue
        try:
            raw: Any = loads_bounded(text)  # a server's text: 6 KB of brackets would recurse
        except ValueError:
            raw = text
        try:
            value = check_value(name, raw)
        except ParameterError:
            continue  # a server's odd value: shown as it is elsewhere, not edited here
        if PARAMETERS[name] == "list":
            found.setdefault(name, []).extend(value)
        else:
            found[name] = value
    return found


def value_text(value: Any) -> str:
    """A value as a Modelfile's PARAMETER line writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _similar(typed: str, known: str) -> bool:
    """A likely typo: the same letters without separators, or one letter off."""
    a, b = typed.lower().replace("-", "_"), known
    if a.replace("_", "") == b.replace("_", ""):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b)) <= 1
