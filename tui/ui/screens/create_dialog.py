"""The variant form (`v`): a new model from the highlighted one, with another context length,
system prompt, sampling parameters, stop sequences, prompt template or quantized weights.
Every field is checked as typed, the equivalent Modelfile is previewed, and creating shows
Ollama's statuses; its errors are shown as Ollama wrote them. Dismissed with the new
model's name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Collapsible, Input, Label, Select, Static, TextArea

from tui.core.format import human_size, printable
from tui.core.memory import UnknownEstimate, estimate_memory
from tui.core.model_params import ParameterError, parameters_of_show, parse_value, value_text
from tui.core.recipes import QUANTIZABLE, QUANTIZE_TYPES, Recipe, modelfile_text, quantized_size
from tui.core.vram import Vram
from tui.ollama.models import ModelInfo, ModelSummary, PullEvent
from tui.ollama.names import same_model
from tui.ops.variants import NameTaken
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.model_name_input import ModelNameInput

# The fields the form shows, with their labels; the rest are "other parameters".
SAMPLING = (("temperature", "Temperature"), ("top_p", "Top P"), ("top_k", "Top K"),
            ("repeat_penalty", "Repeat penalty"))
Creator = Callable[[str, Recipe, bool, Callable[[PullEvent], None]], Awaitable[str]]


@dataclass(frozen=True)
class MemorySettings:
    context: int  # the context the fit is shown at when the base sets none
    kv_cache_type: str
    vram: Vram | None  # configured, or seen in use on the host


class CreateDialog(Dialog[str | None]):
    """Dismissed with the new model's name, or None when cancelled. Its frame's size is in
    app.tcss; Esc cancels (Dialog), Ctrl+S creates."""

    SCROLLS = True
    DEFAULT_CSS = """
    CreateDialog Label { margin-top: 1; }
    CreateDialog #fit, CreateDialog #quantize-fit { color: $text-muted; height: auto; }
    CreateDialog TextArea { height: 4; }
    CreateDialog #template-fold { margin-top: 1; }
    CreateDialog #template { height: 12; }
    CreateDialog #sampling { height: auto; }
    CreateDialog #sampling Vertical { width: 1fr; height: auto; }
    CreateDialog #preview { background: $boost; padding: 0 1; height: auto; }
    CreateDialog #statuses { height: auto; color: $text-muted; }
    CreateDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    CreateDialog Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "create", "Create")]

    def __init__(self, base: ModelSummary, info: ModelInfo, installed: list[str],
                 memory: MemorySettings, create: Creator) -> None:
        super().__init__()
        self.base, self.info, self.installed = base, info, installed
        self.memory, self.creator = memory, create
        self.base_values = parameters_of_show(info.parameter_lines())
        self.template_shown = info.template
        self.busy = False

    def compose_body(self) -> ComposeResult:
        values = self.base_values
        # The Create button is below the fold at 80×24: its key is said where one starts.
        yield Static(Text.assemble(f"New variant of {printable(self.base.name)}",
                                   ("  Ctrl+S creates · Esc cancels", "dim")), classes="title")
        yield Label("Name")
        yield ModelNameInput(f"{self.base.name.split(':')[0]}-custom", rules=[self._not_base],
                             empty="the new model needs a name", id="name")
        yield Static("", id="name-problem", classes="problem")
        yield Label("Context length (num_ctx, tokens: 32768 or 32k)")
        yield Input(value=str(values.get("num_ctx", "")), id="num_ctx",
                    placeholder=f"the server's default ({self.memory.context:,} shown)")
        yield Static("", id="fit")
        yield Label("System prompt")
        yield TextArea(self.info.system, id="system")
        with Horizontal(id="sampling"):
            for key, label in SAMPLING:
                with Vertical():
                    yield Label(label)
                    yield Input(value=_text(values.get(key)), id=key, placeholder="base's")
        yield Label("Stop sequences (one a line)")
        yield TextArea("\n".join(values.get("stop", [])), id="stop")
        yield Label("Other parameters (name value, one a line: seed 42)")
        yield TextArea("", id="other")
        # Templates are long and rarely changed: folded, the base's filled in.
        with Collapsible(title="Prompt template (the base's; empty keeps it)",
                         id="template-fold"):
            yield TextArea(self.info.template, id="template")
        if self.base.details.quantization_level.upper() in QUANTIZABLE:
            yield Label(f"Weights ({self.base.details.quantization_level})")
            yield Select([(f"quantize to {q}", q) for q in QUANTIZE_TYPES],
                         prompt="keep them as they are", id="quantize")
            yield Static("", id="quantize-fit")
        yield Static("", id="problems", classes="problem")
        yield Label("Equivalent Modelfile")
        yield Static("", id="preview")
        yield Static("", id="statuses")
        with Horizontal(id="buttons"):
            yield Button("Cancel (Esc)", id="cancel")
            yield Button("Create (Ctrl+S)", id="create", variant="primary")

    def on_mount(self) -> None:
        # As the box holds it (its line endings), so an untouched template is not sent.
        self.template_shown = self.query_one("#template", TextArea).text
        name = self.query_one("#name", ModelNameInput)
        name.focus()
        name.select_all()  # the suggestion is replaced by typing, kept by moving first
        self._refresh()

    # -- checking as typed -------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._refresh()

    def _refresh(self) -> tuple[str | None, Recipe | None]:
        """Every check and the preview again; the name and recipe when both are right."""
        name = self._check_name()
        recipe, problems = self.recipe()
        self._show_fit(recipe)
        label = self.query_one("#problems", Static)
        label.update(Text("\n".join(problems)))
        label.display = bool(problems)
        self.query_one("#preview", Static).update(Text(modelfile_text(recipe)))
        return name, (None if problems else recipe)

    def _not_base(self, text: str) -> str:
        return ("that is the base's name: the variant needs its own"
                if same_model(text.strip(), self.base.name) else "")

    def _check_name(self) -> str | None:
        """Say whether the name typed can be used (a taken one is a warning: creating asks
        before replacing it); the name as Ollama stores it when it can."""
        box = self.query_one("#name", ModelNameInput)
        label = self.query_one("#name-problem", Static)
        problem = box.problem()
        taken = None if problem else \
            next((n for n in self.installed if same_model(n, box.model_name)), None)
        label.set_class(not problem and taken is None, "-ok")
        label.set_class(taken is not None, "-warn")
        label.update(Text(problem or (f"{taken} exists: creating asks before replacing it"
                                      if taken else f"✓ {box.model_name}")))
        return None if problem else box.model_name

    def recipe(self) -> tuple[Recipe, list[str]]:
        """The recipe the form asks for (only what differs from the base), and what is
        wrong in it."""
        problems: list[str] = []
        edited: dict[str, Any] = {}

        def take(key: str, text: str, where: str = "") -> None:
            try:
                edited[key] = parse_value(key, text)
            except ParameterError as exc:
                problems.append(where + str(exc))

        for key in ("num_ctx", *(k for k, _ in SAMPLING)):
            text = self.query_one(f"#{key}", Input).value.strip()
            if text:
                take(key, text)
        stops = [line for line in self.query_one("#stop", TextArea).text.splitlines() if line]
        if stops != self.base_values.get("stop", []):
            edited["stop"] = stops
        for number, line in enumerate(self.query_one("#other", TextArea).text.splitlines(), 1):
            key, _, text = line.strip().partition(" ")
            where = f"line {number} of the other parameters: "
            if not key:
                continue
            if key in edited or key in ("num_ctx", "stop", *(k for k, _ in SAMPLING)):
                problems.append(f"{where}{key} has its own field above")
            elif not text.strip():
                problems.append(f"{where}{key} needs a value")
            else:
                take(key, text, where)
        changes = {k: v for k, v in edited.items() if self.base_values.get(k) != v}
        system = self.query_one("#system", TextArea).text
        template = self.query_one("#template", TextArea).text
        quantize = self._quantize()
        recipe = Recipe(self.base.name, changes,
                        system if system.strip() and system != self.info.system else "",
                        template if template.strip() and template != self.template_shown
                        else "", quantize=quantize)
        return recipe, problems

    def _quantize(self) -> str:
        found = self.query("#quantize")
        if not found:
            return ""
        value = self.query_one("#quantize", Select).value
        return value if isinstance(value, str) else ""

    def _show_fit(self, recipe: Recipe) -> None:
        context = recipe.parameters.get("num_ctx") or self.base_values.get("num_ctx") \
            or self.memory.context
        size = self.base.size
        if recipe.quantize:
            size = quantized_size(size, self.base.details.quantization_level,
                                  recipe.quantize, self.info.parameter_count)
        self.query_one("#fit", Static).update(Text(self._fit_text(size, context)))
        if self.query("#quantize-fit"):
            line = f"expected size {human_size(size)}" if recipe.quantize else \
                f"now {human_size(self.base.size)}"
            self.query_one("#quantize-fit", Static).update(Text(line))

    def _fit_text(self, size: int, context: int) -> str:
        try:
            total = estimate_memory(self.info, size, context, self.memory.kv_cache_type).total
        except UnknownEstimate as exc:
            return f"memory: {exc}"
        line = f"≈ {human_size(total)} in memory at {context:,} tokens"
        vram = self.memory.vram
        said = vram.verdict(total) if vram else None
        if vram and said:
            line += f": {said} ({vram.words} GPU)" if vram.source == "config" else \
                f": {said} (GPU {vram.words})"
        elif vram:
            line += f" ({vram.hint})"
        return line

    # -- creating ----------------------------------------------------------------------
    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        if self.busy:
            return
        name, recipe = self._refresh()
        if name is None or recipe is None:
            self.app.bell()
            return
        taken = next((n for n in self.installed if same_model(n, name)), None)
        if taken is None:
            self.run_create(name, recipe, False)
            return
        from tui.ui.screens.confirm import ConfirmScreen  # only when it is needed

        question = Text.assemble("Replace ", (printable(taken), "bold"), " with the variant?")

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_create(name, recipe, True)

        self.app.push_screen(ConfirmScreen("Replace model", question,
                                           f"{printable(taken)} as it is now will be gone.",
                                           "Replace"), answered)

    @work(exclusive=True, group="create", exit_on_error=False)
    async def run_create(self, name: str, recipe: Recipe, replace: bool) -> None:
        statuses = self.query_one("#statuses", Static)
        self.busy = True
        seen: list[str] = []

        def show(event: PullEvent) -> None:
            line = event.status
            if event.total and event.completed is not None:
                line += f" {event.completed / event.total:.0%}"
            if seen and seen[-1].split(" ")[0] == line.split(" ")[0] and event.total:
                seen[-1] = line  # a counted phase updates its own line
            else:
                seen.append(line)
            statuses.update(Text("\n".join(seen[-6:])))

        try:
            made = await self.creator(name, recipe, replace, show)
        except NameTaken as exc:  # made elsewhere while the form was open
            self.busy = False
            self.installed.append(exc.model)
            self._check_name()
            statuses.update(Text(f"{exc.model} was made meanwhile: Create again asks before "
                                 "replacing it", style="bold red"))
            return
        except Exception as exc:  # noqa: BLE001 - every failure is shown, as written
            self.busy = False
            statuses.update(Text(f"Failed: {exc}", style="bold red"))
            return
        self.dismiss(made)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "create")
        super().action_cancel()


def _text(value: Any) -> str:
    return "" if value is None else value_text(value)
