"""The pull dialog (`p`): popular models, or any name, validated as you type; for a valid
name, its download size and whether it fits this host, from its registry (a worker that
the next keystroke cancels). Pulling what does not fit asks first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.format import human_size, printable
from tui.core.memory import UnknownEstimate, Verdict
from tui.core.popular import PopularModel
from tui.ollama.errors import OllamaError
from tui.ollama.names import model_key, normalize, same_model
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.model_name_input import ModelNameInput
from tui.ui.widgets.tag_picker import TagPicker

if TYPE_CHECKING:
    from textual.worker import Worker

    from tui.core.vram import Vram
    from tui.ollama.recommendations import Recommendation
    from tui.services.registry_facts import RegistryFacts
    from tui.ui.app import QGooseApp

DEBOUNCE = 0.3  # seconds of no typing before the registry is asked


class FitCheck:
    """How to tell whether a name fits before pulling it: the registry's facts, and this
    host's settings."""

    def __init__(self, facts: Callable[[str], Awaitable[RegistryFacts]], context: int,
                 kv_cache_type: str, vram: Vram | None,
                 recommended: Callable[[], Awaitable[list[Recommendation]]] | None = None,
                 ) -> None:
        self.facts = facts
        self.context = context
        self.kv_cache_type = kv_cache_type
        self.vram = vram
        self.recommended = recommended  # the server's picks, where it has any


class PullDialog(Dialog[str | None]):
    """Dismissed with the normalised name to pull, or None when cancelled."""

    DEFAULT_CSS = """
    PullDialog #name { margin-top: 1; }
    PullDialog #fit { color: $text-muted; height: auto; }
    PullDialog #fit.-fits { color: $success; }
    PullDialog #fit.-partly { color: $warning; }
    PullDialog #fit.-too-big { color: $error; }
    PullDialog OptionList { height: auto; max-height: 12; }
    """

    def __init__(self, popular: list[PopularModel], installed: list[str],
                 fit: FitCheck | None = None) -> None:
        super().__init__()
        self.popular = popular
        self.installed = installed
        self.fit = fit
        self._verdicts: dict[str, tuple[Verdict | None, str]] = {}  # by model key

    def compose_body(self) -> ComposeResult:
        yield Static("Pull a model", classes="title")
        yield ModelNameInput(placeholder="any name: qwen2.5:14b, hf.co/org/repo:Q4_K_M, …",
                             valid_empty=True, id="name")
        yield Static("", id="problem", classes="problem")
        yield Static("", id="fit")
        if self.fit is not None:
            fit = self.fit
            yield TagPicker(fit.facts, fit.context, fit.kv_cache_type, fit.vram, id="tags")
        yield Static("Popular models (Enter pulls; ✓ installed: pulling updates it):",
                     classes="hint")
        yield OptionList(*(Option(self._label(m), id=m.name) for m in self.popular),
                         id="popular")
        yield Static("Tab switches between the name and the list · Esc cancels",
                     classes="hint")

    def _is_installed(self, name: str) -> bool:
        return any(same_model(name, installed) for installed in self.installed)

    def _label(self, model: PopularModel) -> Text:
        label = Text(f"{model.name:<18}", style="bold", no_wrap=True, overflow="ellipsis")
        label.append(f" {model.about[:25]:<25}")
        label.append(f" {human_size(model.size) if model.size else '':>7}", style="dim")
        if self._is_installed(model.name):
            label.append("  ✓ installed", style="green")
        return label

    def on_mount(self) -> None:
        self.query_one("#name", ModelNameInput).focus()
        if self.fit is not None and self.fit.recommended is not None:
            self.run_worker(self._recommend(self.fit.recommended), exit_on_error=False)

    async def _recommend(self, recommended: Callable[[], Awaitable[list[Recommendation]]],
                         ) -> None:
        from tui.ui.widgets.recommended import offer

        assert self.fit is not None
        offer(self.query_one("#popular", OptionList), await recommended(), self.fit.vram)

    def on_tag_picker_chosen(self, event: TagPicker.Chosen) -> None:
        """A tag fills the name, its verdict already known (so a pull of it asks first)."""
        if event.fit_line:
            self._verdicts[model_key(event.name)] = (event.said, event.fit_line)
        name = self.query_one("#name", ModelNameInput)
        name.value = event.name
        name.cursor_position = len(event.name)
        name.focus()

    @on(Input.Changed, "#name")
    def _name_changed(self) -> None:
        problem = self.query_one("#problem", Static)
        self.workers.cancel_group(self, "fit")
        self._show_fit("", None)
        box = self.query_one("#name", ModelNameInput)
        if self.fit is not None:
            self.query_one(TagPicker).show_for(box.value.strip())
        if not box.value.strip():
            problem.update("")
            return
        # The box's text now, not the event's: keys typed fast (or a paste) queue several
        # changes, and an older one's verdict said nothing of the text that followed it.
        why = box.problem()
        if why:
            problem.set_class(False, "-ok")
            problem.update(Text(why))
            return
        problem.set_class(True, "-ok")
        name = box.model_name
        note = " (installed — pull to update)" if self._is_installed(name) else ""
        problem.update(Text(f"✓ will pull {name}{note}"))
        if self.fit is not None:
            known = self._verdicts.get(model_key(name))
            if known is not None:
                self._show_fit(known[1], known[0])
            else:
                self._show_fit("checking the registry…", None)
                async def check() -> None:
                    await self._check(name)

                # A function, not a coroutine: a check typed over before it starts (the
                # worker cancelled unstarted) never makes a coroutine left unawaited.
                # (Typed: mypy cannot tell a worker's result from a function by itself.)
                _: Worker[None] = self.run_worker(check, group="fit", exclusive=True,
                                                  exit_on_error=False)

    async def _check(self, name: str) -> None:
        from tui.services.registry_facts import RegistryFactsError, fit_contexts, fit_words

        assert self.fit is not None
        await asyncio.sleep(DEBOUNCE)  # typing on: this worker is cancelled meanwhile
        fit = self.fit
        try:
            facts = await fit.facts(name)
            contexts = fit_contexts(fit.context, facts.model().context_length)
            words, said = fit_words(facts, contexts, fit.kv_cache_type, fit.vram)
        except (RegistryFactsError, OllamaError, UnknownEstimate) as exc:
            words, said = f"size unknown: {exc}", None
        self._verdicts[model_key(name)] = (said, words)
        self._show_fit(words, said)

    def _show_fit(self, words: str, said: Verdict | None) -> None:
        shown = self.query_one("#fit", Static)
        for verdict, style in (("fits", "-fits"), ("partly on CPU", "-partly"),
                               ("does not fit", "-too-big")):
            shown.set_class(said == verdict, style)
        shown.update(Text(printable(words)))

    @on(Input.Submitted, "#name")
    def _name_submitted(self) -> None:
        box = self.query_one("#name", ModelNameInput)
        if not box.value.strip():
            self.query_one("#popular", OptionList).focus()
            return
        reason = box.problem()
        if reason:
            self.query_one("#problem", Static).update(Text(reason))
            return
        self._pull(box.model_name)

    def _pull(self, name: str) -> None:
        """Pull `name`; when it is known not to fit this host, only once the user agrees."""
        said, words = self._verdicts.get(model_key(name), (None, ""))
        if said != "does not fit":
            self.dismiss(name)
            return
        from tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(name)

        self.app.push_screen(ConfirmScreen(
            f"Pull {name}?", Text(f"{name} does not fit this host's GPU: {printable(words)}"),
            "It would run mostly on the CPU, very slowly.", yes_label="Pull anyway",
            danger=False), answered)

    @on(OptionList.OptionSelected, "#popular")
    def _popular_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._pull(normalize(event.option.id))


def ask_and_pull(app: QGooseApp) -> None:
    """The `p` flow: choose or type a name, then the pull (the app runs it: it outlives
    every view)."""
    from tui.core.popular import popular_models

    session, settings = app.session, app.settings
    installed = [m.name for m in session.state.models]
    fit = FitCheck(session.registry_facts, settings.fit_context, settings.kv_cache_type,
                   app.gpu_memory, session.model_recommendations)

    def chosen(name: str | None) -> None:
        if name:
            app.start_pull(name)

    app.push_screen(PullDialog(popular_models(settings.popular_models), installed, fit),
                    chosen)
