"""A variant's recipe: the base it was made from and what was changed, so it can be made
again when the base is updated; the Modelfile it is equivalent to; quantisation choices.
Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.core.model_params import ParameterError, check_parameters, value_text

# What `/api/create`'s `quantize` makes from F16/BF16/F32 weights, and roughly how many
# bits each weight takes (llama.cpp's figures for llama-like models).
QUANTIZE_TYPES = {"Q4_K_M": 4.85, "Q4_K_S": 4.58, "Q8_0": 8.5}
QUANTIZABLE = {"F16": 16, "BF16": 16, "F32": 32}


@dataclass(frozen=True)
class Recipe:
    """What a variant is made of. Empty `system`/`template`: the base's are kept."""

    base: str
    parameters: dict[str, Any] = field(default_factory=dict)
    system: str = ""
    template: str = ""
    quantize: str = ""
    base_digest: str = ""  # the base's manifest digest when the variant was made

    def request(self) -> dict[str, Any]:
        """The `/api/create` body (without the new name) that makes the variant."""
        body: dict[str, Any] = {"from": self.base}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        for key in ("system", "template"):
            if getattr(self, key):
                body[key] = getattr(self, key)
        if self.quantize:
            body["quantize"] = self.quantize
        return body

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base, "base_digest": self.base_digest,
                "parameters": dict(self.parameters), "system": self.system,
                "template": self.template, "quantize": self.quantize}

    @classmethod
    def from_json(cls, data: Any) -> Recipe:
        """A stored recipe; raises ValueError when it is not one (a damaged row)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("base"), str):
            raise ValueError("not a recipe")
        texts = {key: data.get(key) or "" for key in ("system", "template", "quantize",
                                                     "base_digest")}
        if not all(isinstance(v, str) for v in texts.values()):
            raise ValueError("not a recipe")
        parameters = data.get("parameters") or {}
        if not isinstance(parameters, Mapping):
            raise ValueError("not a recipe")
        return cls(data["base"], dict(parameters), **texts)

    def problem(self) -> str:
        """Why this recipe can no longer be used as it is ("" when it can)."""
        try:
            check_parameters(self.parameters)
        except ParameterError as exc:
            return str(exc)
        if self.quantize and self.quantize.upper() not in QUANTIZE_TYPES:
            return f"unknown quantization type {self.quantize}"
        return ""


def modelfile_text(recipe: Recipe) -> str:
    """The Modelfile `ollama create` would need to make the same variant."""
    lines = [f"FROM {recipe.base}"]
    for name, value in recipe.parameters.items():
        values = value if isinstance(value, list) else [value]
        lines += [f"PARAMETER {name} {value_text(v)}" for v in values]
    if recipe.template:
        lines.append(f'TEMPLATE """{recipe.template}"""')
    if recipe.system:
        lines.append(f'SYSTEM """{recipe.system}"""')
    text = "\n".join(lines) + "\n"
    if recipe.quantize:  # not a Modelfile line: `ollama create --quantize`
        text = f"# ollama create NAME --quantize {recipe.quantize.lower()}\n" + text
    return text


def quantize_problem(quantization: str, wanted: str) -> str:
    """Why `wanted` cannot be made from weights quantized as `quantization` ("" if it can)."""
    if wanted.upper() not in QUANTIZE_TYPES:
        return (f"unknown quantization type {wanted!r} "
                f"(one of {', '.join(QUANTIZE_TYPES)})")
    if quantization.upper() not in QUANTIZABLE:
        return (f"the weights are already quantized ({quantization or 'unknown'}): Ollama "
                "quantizes only F16, BF16 and F32 weights")
    return ""


def quantized_size(size: int, quantization: str, wanted: str,
                   parameter_count: int | None = None) -> int:
    """The expected size on disk after quantizing to `wanted`: from the parameter count
    when known, else from the size and the bits each weight takes now."""
    bits = QUANTIZE_TYPES[wanted.upper()]
    if parameter_count:
        return int(parameter_count * bits / 8)
    return int(size * bits / QUANTIZABLE.get(quantization.upper(), 16))
