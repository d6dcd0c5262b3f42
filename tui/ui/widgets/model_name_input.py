"""The text box for a model's name (pull, copy, rename; next, create): checked as typed
against Ollama's name grammar (tui/ollama/names.py), with Textual's validators, so the box
turns red while the name cannot be used. A dialog adds its own checks (not taken, not the
same name) as more validators; the first failure's words are the ones to show."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from tui.ollama.names import normalize, validation_error


class NameRule(Validator):
    """A check given as "why not" words: "" when `text` passes."""

    def __init__(self, problem: Callable[[str], str]) -> None:
        super().__init__()
        self.problem = problem

    def validate(self, value: str) -> ValidationResult:
        problem = self.problem(value)
        return self.failure(problem, value) if problem else self.success()


class ModelNameInput(Input):
    def __init__(self, value: str = "", *, rules: Sequence[Callable[[str], str]] = (),
                 empty: str = "type a name", valid_empty: bool = False,
                 placeholder: str = "", id: str | None = None) -> None:
        """`rules`: the dialog's own checks, asked after the grammar, in order; `empty`:
        what an empty box is told, unless `valid_empty` (nothing typed yet is no fault)."""
        self.empty = empty
        super().__init__(value, placeholder=placeholder, id=id, select_on_focus=False,
                         validators=[NameRule(self.grammar_problem), *map(NameRule, rules)],
                         validate_on=("changed", "submitted"), valid_empty=valid_empty)

    def grammar_problem(self, text: str) -> str:
        """Why `text` is no model name by Ollama's grammar ("" when it is one)."""
        if not text.strip():
            return self.empty
        return validation_error(text.strip()) or ""

    @property
    def model_name(self) -> str:
        """The name typed, as Ollama will store it."""
        return normalize(self.value.strip())

    def problem(self) -> str:
        """Why the name typed cannot be used ("" when it can), checking it again."""
        result = self.validate(self.value)
        return result.failure_descriptions[0] if result and not result.is_valid else ""
