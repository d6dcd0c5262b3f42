"""Short capability badges for the grid: 👀 vision, 🔧 tools, 💭 thinking, ⧉ embedding,
⇥ insert, ☁ cloud, with plain letters where the terminal cannot be trusted with symbols."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection

from tui.core.model_columns import Column
from tui.ollama.models import ModelSummary

# (capability, symbol, letter), in the order shown.
BADGES = (("vision", "👀", "V"), ("tools", "🔧", "T"), ("thinking", "💭", "R"),
          ("embedding", "⧉", "E"), ("insert", "⇥", "I"))
CLOUD = ("☁", "C")


def plain_terminal(env: dict[str, str] | None = None) -> bool:
    """A console or a non-UTF-8 locale: symbols would be boxes or misalign the grid."""
    env = dict(os.environ) if env is None else env
    locale = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    utf8 = "utf-8" in locale.casefold() or "utf8" in locale.casefold() or not locale
    return env.get("TERM", "") in ("linux", "vt100", "vt220", "dumb") or not utf8


def badges(capabilities: Collection[str], remote: bool, plain: bool = False) -> str:
    marks = [letter if plain else symbol for name, symbol, letter in BADGES
             if name in capabilities]
    if remote:
        marks.append(CLOUD[1] if plain else CLOUD[0])
    return "".join(marks)  # emoji are two cells wide: no space needed between them


def caps_column(capabilities_of: Callable[[ModelSummary], Collection[str] | None],
                plain: bool) -> Column:
    """Badges from what is known so far; empty until a model's capabilities arrive."""

    def text(model: ModelSummary) -> str:
        return badges(capabilities_of(model) or (), model.is_remote, plain)

    return Column("caps", "Caps", text, lambda m: len(capabilities_of(m) or ()), "left", True,
                  squeeze=2)
