"""The one-shot prompt (`t`): send one prompt to the highlighted model and watch the answer
stream in, thinking shown apart, tokens/s at the end. A "does it work" check, not a chat:
each prompt starts afresh. The model's words are shown literally, never as markup."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from tui.core.format import printable
from tui.ollama import OllamaError
from tui.ollama.generation import GenerateResult
from tui.services.bench import rate
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.safe_text import server_text

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ui.app import QGooseApp

Stream = Callable[[str], AsyncIterator[GenerateResult]]
REDRAW_SECONDS = 0.05  # a fast model writes hundreds of tokens a second: redraw at 20 Hz


class PromptScreen(Dialog[None]):
    DEFAULT_CSS = """
    PromptScreen #answer-box { height: 1fr; border: round $primary 40%; padding: 0 1; }
    PromptScreen #answer-box > Static { width: 1fr; }
    PromptScreen #thinking { color: $text-muted; text-style: italic; display: none; }
    PromptScreen #thinking.-shown { display: block; margin-bottom: 1; }
    PromptScreen #status { height: auto; color: $text-muted; }
    PromptScreen #status.-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "stop_or_close", "Stop / close")]

    def __init__(self, model: str, stream: Stream) -> None:
        super().__init__()
        self.model, self.stream = model, stream
        self.streaming = False
        self.thinking_text = self.answer_text = ""

    def compose_body(self) -> ComposeResult:
        yield Static(Text(f"Ask {printable(self.model)} once (not a chat: each prompt "
                          "starts afresh)"), classes="title")
        yield Input(placeholder="Type a prompt, Enter sends", id="prompt")
        with VerticalScroll(id="answer-box"):
            yield Static(id="thinking")
            yield Static(id="answer")
        yield Static("Enter sends · Esc stops the answer, or closes", id="status")

    def on_mount(self) -> None:
        self.query_one("#prompt", Input).focus()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "-error")
        status.update(Text(text))

    @on(Input.Submitted, "#prompt")
    def send(self, event: Input.Submitted) -> None:
        prompt = event.value.strip()
        if not prompt:
            self._status("Type a prompt first", error=True)
        elif not self.streaming:
            self.ask(prompt)

    def _draw(self) -> None:
        thinking = self.query_one("#thinking", Static)
        thinking.set_class(bool(self.thinking_text), "-shown")
        thinking.update(server_text("Thinking: " + self.thinking_text.strip(), multiline=True))
        self.query_one("#answer", Static).update(server_text(self.answer_text, multiline=True))
        self.query_one("#answer-box", VerticalScroll).scroll_end(animate=False)

    @work(exclusive=True, group="prompt", exit_on_error=False)
    async def ask(self, prompt: str) -> None:
        self.thinking_text = self.answer_text = ""
        self._draw()
        self.streaming = True
        self._status("Waiting for the first words (a cold model loads first)… Esc stops")
        drawn, final = 0.0, None
        try:
            async for piece in self.stream(prompt):
                self.thinking_text += piece.thinking
                self.answer_text += piece.response
                final = piece if piece.done else final
                if time.monotonic() - drawn >= REDRAW_SECONDS:
                    self._draw()
                    drawn = time.monotonic()
        except OllamaError as exc:
            self._draw()
            self._status(str(exc), error=True)
            return
        finally:
            self.streaming = False
        self._draw()
        if final is not None:
            self._status(f"{final.eval_count} tokens at "
                         f"{rate(final.eval_count, final.eval_duration):.1f} tokens/s, "
                         f"{final.total_duration / 1e9:.2f} s in all "
                         f"(loading {final.load_duration / 1e9:.2f} s)")

    def action_stop_or_close(self) -> None:
        if self.streaming:
            self.workers.cancel_group(self, "prompt")
            self.streaming = False
            self._draw()
            self._status("Stopped: what came so far is shown.", error=True)
        else:
            self.dismiss(None)


def open_prompt(app: QGooseApp, model: ModelSummary) -> None:
    """The `t` flow: the dialog, its answers streamed from the model (the dialog's worker)."""
    capabilities = app.session.known_capabilities(model) or ()
    if "embedding" in capabilities and "completion" not in capabilities:
        app.notify_text(f"{model.name} is an embedding model: it turns text into vectors, "
                        "it does not answer (b measures its speed)")
        return
    session = app.session
    app.push_screen(PromptScreen(model.name,
                                 lambda prompt: session.generate_stream(model.name, prompt)))
