"""The filter box of the Models and Hosts views, with the line under it that says which
terms it could not read. The view parses the text (it knows the facts to answer it with)
and hands the problems back as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static


class FilterBar(Vertical):
    DEFAULT_CSS = """
    FilterBar { height: auto; }
    /* Class selectors: more specific than Input's own :focus rule, which adds a border. */
    FilterBar > Input.filter-input { height: 1; border: none; padding: 0 1; background: $boost; }
    FilterBar > Input.filter-input:focus { border: none; background: $primary 20%; }
    FilterBar > .problem { height: auto; color: $error; padding: 0 1; display: none; }
    FilterBar > .problem.-shown { display: block; }
    """

    problems: reactive[tuple[str, ...]] = reactive(())
    """What the view could not read in the text: shown under the box, never fatal."""

    @dataclass
    class Changed(Message):
        bar: FilterBar
        text: str

        @property
        def control(self) -> FilterBar:
            return self.bar

    @dataclass
    class Submitted(Message):
        bar: FilterBar

        @property
        def control(self) -> FilterBar:
            return self.bar

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.input = Input(placeholder=placeholder, select_on_focus=False,
                           classes="filter-input")
        self.problem_line = Static(classes="problem")

    def compose(self) -> ComposeResult:
        yield self.input
        yield self.problem_line

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def watch_problems(self, problems: tuple[str, ...]) -> None:
        self.problem_line.update(Text("; ".join(problems)))
        self.problem_line.set_class(bool(problems), "-shown")

    def focus_input(self) -> None:
        # At once (not deferred), so the next key read lands in the box.
        self.screen.set_focus(self.input)

    def clear(self) -> None:
        self.input.value = ""
        self.problems = ()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))
