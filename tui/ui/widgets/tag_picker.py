"""The pull dialog's tag picker: for a library model the app knows, each tag's download
size, quantisation and verdict at `fit_context`, read from the registry (a few tags at a
time, each row as its facts arrive). Choosing a tag fills the name; nothing is pulled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.core.format import printable
from tui.core.library_tags import library_model, tag_names
from tui.core.memory import UnknownEstimate, Verdict
from tui.ollama.errors import OllamaError

if TYPE_CHECKING:
    from textual.worker import Worker

    from tui.core.vram import Vram
    from tui.services.registry_facts import RegistryFacts

AT_ONCE = 8  # tags read from the registry at the same time (as the update check)
DEBOUNCE = 0.3  # seconds of no typing before the registry is asked
_STYLES = {"fits": "green", "partly on CPU": "yellow", "does not fit": "red"}


def known_tags(text: str) -> list[str] | None:
    """The tags of the library model `text` names, when the app knows them."""
    model = library_model(text)
    return tag_names(model) if model else None


class TagPicker(OptionList):
    """Hidden until the name typed is a library model with known tags."""

    DEFAULT_CSS = "TagPicker { height: auto; max-height: 8; display: none; }"

    class Chosen(Message):
        """A tag was chosen: its name, and (when read) the dialog's fit line and verdict."""

        def __init__(self, name: str, fit_line: str, said: Verdict | None) -> None:
            super().__init__()
            self.name = name
            self.fit_line = fit_line
            self.said = said

    def __init__(self, facts: Callable[[str], Awaitable[RegistryFacts]], context: int,
                 kv_cache_type: str, vram: Vram | None,
                 tags_of: Callable[[str], list[str] | None] = known_tags,
                 *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.facts = facts
        self.context = context
        self.kv_cache_type = kv_cache_type
        self.vram = vram
        self.tags_of = tags_of
        self._shown: tuple[str, ...] = ()
        # name → (row text, verdict at fit_context, the dialog's fit line)
        self.rows: dict[str, tuple[str, Verdict | None, str]] = {}

    def show_for(self, text: str) -> None:
        """List the tags of the model `text` names (a tag of it, too); hide otherwise."""
        names = tuple(self.tags_of(text.strip()) or ()) if text.strip() else ()
        # Every keystroke restarts the wait: the registry is asked once typing pauses (a
        # read already under way goes on, shared, in the reader).
        self.workers.cancel_group(self, "tags")
        if names != self._shown:
            self._shown = names
            self.clear_options()
            self.display = bool(names)
            self.add_options([Option(self._prompt(name), id=name) for name in names])
        missing = [name for name in names if name not in self.rows]
        if missing:
            async def read() -> None:
                await self._read(missing)

            # A function, not a coroutine: a read typed over before it starts (the worker
            # cancelled unstarted) never makes a coroutine left unawaited.
            # (Typed: mypy cannot tell a worker's result from a function by itself.)
            _: Worker[None] = self.run_worker(read, group="tags", exclusive=True,
                                              exit_on_error=False)

    def _prompt(self, name: str) -> Text:
        label = Text(f"{name.split(':', 1)[1]:<10}", style="bold", no_wrap=True,
                     overflow="ellipsis")
        words, said, _ = self.rows.get(name, ("    reading the registry…", None, ""))
        label.append(f" {printable(words)}", style=_STYLES.get(said or "", "dim"))
        return label

    async def _read(self, names: list[str]) -> None:
        await asyncio.sleep(DEBOUNCE)  # typing on: this worker is cancelled meanwhile
        gate = asyncio.Semaphore(AT_ONCE)

        async def one(name: str) -> None:
            async with gate:
                self.rows[name] = await self._row(name)
            with contextlib.suppress(OptionDoesNotExist):  # another model's tags by now
                self.replace_option_prompt(name, self._prompt(name))

        await asyncio.gather(*(one(name) for name in names))

    async def _row(self, name: str) -> tuple[str, Verdict | None, str]:
        from tui.services.registry_facts import (
            RegistryFactsError,
            fit_contexts,
            fit_words,
            tag_words,
        )

        try:
            facts = await self.facts(name)
            words, said = tag_words(facts, self.context, self.kv_cache_type, self.vram)
            contexts = fit_contexts(self.context, facts.model().context_length)
            line, _ = fit_words(facts, contexts, self.kv_cache_type, self.vram)
        except (RegistryFactsError, OllamaError, UnknownEstimate) as exc:
            return f"size unknown: {exc}", None, ""
        return words, said, line

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # the dialog pulls what its own list selects: a tag only fills the name
        name = event.option.id or ""
        _, said, line = self.rows.get(name, ("", None, ""))
        self.post_message(self.Chosen(name, line, said))
