"""How a variant made here stands against its base (current, base updated, base missing…),
and the lines the info panel shows for it: what it was made from and with which changes,
and for a base, the variants made from it. Pure: the recipes come as the history kept them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tui.core.model_params import value_text
from tui.core.recipes import Recipe, quantize_problem
from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key, same_model

KeptRecipes = Mapping[str, tuple[str, Any]]  # model key → (name, recipe as kept)
CHANGES_SHOWN = 6  # changed fields named in the panel; the rest are counted


@dataclass(frozen=True)
class VariantState:
    """A variant made here and how it stands against its base."""

    model: str
    recipe: Recipe
    state: str  # current | base updated | base missing | variant missing | broken
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "base": self.recipe.base, "state": self.state,
                "reason": self.reason}


def find_model(models: Sequence[ModelSummary], name: str) -> ModelSummary | None:
    return next((m for m in models if same_model(m.name, name)), None)


def variant_state(name: str, recipe: Recipe, models: Sequence[ModelSummary]) -> VariantState:
    variant, base = find_model(models, name), find_model(models, recipe.base)
    if variant is None:
        return VariantState(name, recipe, "variant missing", f"{name} is no longer installed")
    if base is None:
        return VariantState(name, recipe, "base missing",
                            f"its base {recipe.base} is no longer installed: pull it to rebuild")
    problem = recipe.problem() or (quantize_problem(base.details.quantization_level,
                                                    recipe.quantize) if recipe.quantize else "")
    if problem:
        return VariantState(name, recipe, "broken", f"its recipe no longer applies: {problem}")
    if base.digest != recipe.base_digest:
        return VariantState(name, recipe, "base updated",
                            f"{recipe.base} was updated since {name} was made from it")
    return VariantState(name, recipe, "current", f"made from the current {recipe.base}")


def changes_text(recipe: Recipe) -> str:
    """What the variant changes from its base, shortly: `num_ctx 32768, system prompt`."""
    changes = [f"{key} " + " ".join(value_text(v) for v in
                                    (value if isinstance(value, list) else [value]))
               for key, value in recipe.parameters.items()]
    changes += [label for label, on in (("system prompt", recipe.system),
                                        ("template", recipe.template)) if on]
    if recipe.quantize:
        changes.append(f"quantized to {recipe.quantize}")
    if not changes:
        return "none (a copy)"
    more = len(changes) - CHANGES_SHOWN
    return ", ".join(changes[:CHANGES_SHOWN]) + (f" and {more} more" if more > 0 else "")


def variants_of(base: str, kept: KeptRecipes) -> list[str]:
    """The names of the variants made here from `base`."""
    return sorted(name for name, data in kept.values()
                  if isinstance(data, Mapping) and isinstance(data.get("base"), str)
                  and same_model(data["base"], base))


def variant_facts(model: ModelSummary, models: Sequence[ModelSummary],
                  kept: KeptRecipes) -> list[tuple[str, str]]:
    """The info panel's lines (label, text) for `model` as a variant and as a base."""
    facts: list[tuple[str, str]] = []
    own = kept.get(model_key(model.name))
    if own is not None:
        try:
            recipe = Recipe.from_json(own[1])
        except ValueError:
            facts.append(("Made from", "unknown: its recipe in the history is damaged"))
        else:
            facts += _made_from(variant_state(model.name, recipe, models))
    made = variants_of(model.name, kept)
    if made:
        older = [name for name, data in kept.values() if name in made
                 and data.get("base_digest") not in ("", None, model.digest)]
        # Every one of them older: the names are not said twice.
        which = "" if not older or set(older) == set(made) else f"{_names(older)} "
        facts.append(("Variants", ", ".join(made) + (
            f" (⬆ {which}made from an older version: R rebuilds)" if older else "")))
    return facts


def _made_from(state: VariantState) -> list[tuple[str, str]]:
    recipe = state.recipe
    digest = recipe.base_digest.removeprefix("sha256:")[:12]
    facts = [("Made from", recipe.base + (f" ({digest})" if digest else "")),
             ("Changes", changes_text(recipe))]
    if state.state == "base updated":
        facts.append(("Base", f"⬆ {recipe.base} was updated: R rebuilds this variant"))
    elif state.state in ("base missing", "broken"):
        facts.append(("Base", state.reason))
    return facts


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def update_note(bases: Sequence[str], kept: KeptRecipes) -> str:
    """For the update question: the variants made here from the models to update."""
    lines = []
    for base in bases:
        made = variants_of(base, kept)
        if made:
            were = "was" if len(made) == 1 else "were"
            lines.append(f"{_names(made)} {were} made from {base}: after the update, R on "
                         f"{base} rebuilds {'it' if len(made) == 1 else 'them'} from the new "
                         "version, keeping the name.")
    return "\n".join(lines)


def rebuild_note(base: str, kept: KeptRecipes) -> str:
    """After `base` was updated: which variants were made from the old one, and the key."""
    made = variants_of(base, kept)
    if not made:
        return ""
    were, them = ("was", "it") if len(made) == 1 else ("were", "them")
    return (f"{_names(made)} {were} made from the old {base}: R on {base} rebuilds {them} "
            "from the new one")
