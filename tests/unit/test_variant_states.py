"""What the info panel and the update notices say of variants made here: pure, from the
recipes as the history keeps them."""

from dataclasses import replace

from tui.core.recipes import Recipe
from tui.core.variant_states import rebuild_note, update_note, variant_facts
from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key

BASE = ModelSummary(name="llama3.2:latest", size=1, digest="a" * 64)
VARIANT = ModelSummary(name="llama3.2-32k:latest", size=1, digest="b" * 64)


def kept(*recipes: tuple[str, Recipe]) -> dict[str, tuple[str, object]]:
    return {model_key(name): (name, recipe.to_json()) for name, recipe in recipes}


def test_a_variant_says_its_base_and_changes_and_when_the_base_moved_on() -> None:
    recipe = Recipe("llama3.2:latest", {"num_ctx": 32768, "temperature": 0.2},
                    system="Terse.", base_digest="a" * 64)
    recipes = kept((VARIANT.name, recipe))
    assert variant_facts(VARIANT, [BASE, VARIANT], recipes) == [
        ("Made from", "llama3.2:latest (aaaaaaaaaaaa)"),
        ("Changes", "num_ctx 32768, temperature 0.2, system prompt")]
    assert variant_facts(BASE, [BASE, VARIANT], recipes) == [
        ("Variants", "llama3.2-32k:latest")]
    updated = ModelSummary(name="llama3.2:latest", size=1, digest="c" * 64)
    assert variant_facts(VARIANT, [updated, VARIANT], recipes)[-1] == \
        ("Base", "⬆ llama3.2:latest was updated: R rebuilds this variant")
    assert variant_facts(updated, [updated, VARIANT], recipes) == [
        ("Variants", "llama3.2-32k:latest (⬆ made from an older version: R rebuilds)")]
    current = replace(recipe, base_digest="c" * 64)  # made since: only the other is named
    both = {**recipes, **kept(("llama3.2-terse:latest", current))}
    assert variant_facts(updated, [updated, VARIANT], both) == [
        ("Variants", "llama3.2-32k:latest, llama3.2-terse:latest (⬆ llama3.2-32k:latest "
                     "made from an older version: R rebuilds)")]
    assert variant_facts(VARIANT, [VARIANT], recipes)[-1] == \
        ("Base", "its base llama3.2:latest is no longer installed: pull it to rebuild")


def test_a_damaged_recipe_and_a_plain_model() -> None:
    damaged = {model_key(VARIANT.name): (VARIANT.name, {"x": 1})}
    assert variant_facts(VARIANT, [VARIANT], damaged) == \
        [("Made from", "unknown: its recipe in the history is damaged")]
    assert variant_facts(BASE, [BASE], {}) == []


def test_the_update_notes_name_every_variant_of_the_base() -> None:
    recipes = kept(("a:latest", Recipe("llama3.2:latest")), ("b:latest", Recipe("llama3.2")),
                   ("c:latest", Recipe("qwen3:8b")))
    assert rebuild_note("llama3.2:latest", recipes) == (
        "a:latest and b:latest were made from the old llama3.2:latest: R on llama3.2:latest "
        "rebuilds them from the new one")
    assert update_note(["qwen3:8b", "phi4:14b"], recipes) == (
        "c:latest was made from qwen3:8b: after the update, R on qwen3:8b rebuilds it from "
        "the new version, keeping the name.")
    assert rebuild_note("phi4:14b", recipes) == "" and update_note(["phi4:14b"], recipes) == ""
