"""The benchmark dialog (`b`): how fast is the highlighted model here? Runs and prompt are
editable; progress shows run by run; Esc cancels a run, and closes once nothing runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, ProgressBar, Static

from tui.core.format import printable
from tui.ollama import OllamaError
from tui.services.bench import DEFAULT_RUNS, MAX_RUNS, AnyBench, BenchResult, CannotBenchmark
from tui.services.history import BenchRecord
from tui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from tui.ollama.models import ModelSummary
    from tui.ui.app import QGooseApp

# (runs, prompt, progress) → the result; the session's benchmark for one model.
Runner = Callable[[int, str, Callable[[int, int], None]], Awaitable[AnyBench]]


def result_text(result: AnyBench) -> Text:
    """What a benchmark found, as lines a person reads."""
    speed, cold = result.speed, result.cold
    text = Text()
    text.append(f"{speed.median:.1f} {result.unit}", style="bold green")
    text.append(f"  median of {len(result.warm)} warm runs "
                f"({speed.low:.1f}–{speed.high:.1f})\n")
    text.append(f"Cold start   {cold.load_duration / 1e9:.2f} s to load, "
                f"{cold.total_duration / 1e9:.2f} s in all\n")
    if isinstance(result, BenchResult):
        text.append(f"Prompt       {result.prompt.median:.1f} tokens/s\n")
    text.append(f"A warm run   {result.total_seconds.median:.2f} s")
    return text


class BenchScreen(Dialog[None]):
    DEFAULT_CSS = """
    BenchScreen Horizontal { height: auto; }
    BenchScreen .label { width: 8; padding-top: 1; }
    BenchScreen #runs { width: 10; }
    BenchScreen #prompt { width: 1fr; }
    BenchScreen #progress { margin: 1 0 0 0; }
    BenchScreen #status { height: auto; min-height: 1; margin-top: 1; }
    BenchScreen #status.-error { color: $error; }
    BenchScreen #buttons { margin-top: 1; }
    BenchScreen Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel_or_close", "Cancel / close")]

    def __init__(self, model: str, kind: str, runner: Runner,
                 previous: BenchRecord | None = None) -> None:
        """`kind`: "generate" (a prompt), "embed" (fixed inputs)."""
        super().__init__()
        self.model, self.kind, self.runner, self.previous = model, kind, runner, previous
        self.running = False

    def compose_body(self) -> ComposeResult:
        yield Static(Text(f"Benchmark {printable(self.model)}"), classes="title")
        what = ("8 fixed inputs through /api/embed: inputs/s" if self.kind == "embed"
                else "one prompt through /api/generate: tokens/s, as Ollama measures them")
        yield Static(Text(f"{what}. The model is unloaded first, so the first run is a "
                          "cold start (shown apart); others may be unloaded to make room."),
                     classes="hint")
        with Horizontal():
            yield Static("Runs", classes="label")
            yield Input(str(DEFAULT_RUNS), id="runs", type="integer", max_length=2)
        with Horizontal():
            yield Static("Prompt", classes="label")
            yield Input("Write one sentence about geese.", id="prompt",
                        disabled=self.kind == "embed")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static(self._previous_text(), id="status")
        with Horizontal(id="buttons"):
            yield Button("Start", id="start", variant="primary")
            yield Button("Close", id="close")
        yield Static("Enter starts · Esc cancels a run, or closes", classes="hint")

    def _previous_text(self) -> Text:
        if self.previous is None:
            return Text("Not measured here yet.", style="dim")
        when = self.previous.at.astimezone().strftime("%Y-%m-%d %H:%M")
        return Text(f"Last time ({when}): {self.previous.speed_text}", style="dim")

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    def _status(self, text: Text | str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "-error")
        status.update(text if isinstance(text, Text) else Text(text))

    @on(Button.Pressed, "#start")
    @on(Input.Submitted)
    def start(self) -> None:
        if self.running:
            return
        text = self.query_one("#runs", Input).value.strip()
        runs = int(text) if text.isdigit() else 0
        if not 1 <= runs <= MAX_RUNS:
            self._status(f"Runs: a whole number from 1 to {MAX_RUNS}", error=True)
            return
        prompt = self.query_one("#prompt", Input).value.strip()
        if self.kind == "generate" and not prompt:
            self._status("Type a prompt to send", error=True)
            return
        self.run_benchmark(runs, prompt)

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.workers.cancel_group(self, "bench")
        self.dismiss(None)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.query_one("#start", Button).disabled = running
        self.query_one("#close", Button).label = "Cancel" if running else "Close"

    @work(exclusive=True, group="bench", exit_on_error=False)
    async def run_benchmark(self, runs: int, prompt: str) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=runs, progress=0)

        def progress(done: int, total: int) -> None:
            bar.update(progress=done)
            if done < total:
                self._status(f"Run {done + 1} of {total}" + (" (cold: loading the model)…"
                                                             if done == 0 else "…"))

        self._set_running(True)
        try:
            result = await self.runner(runs, prompt, progress)
        except (OllamaError, CannotBenchmark) as exc:
            self._status(str(exc), error=True)
            return
        finally:
            self._set_running(False)
        self._status(result_text(result))

    def action_cancel_or_close(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "bench")
            self._set_running(False)
            self._status("Cancelled: nothing was kept.", error=True)
        else:
            self.dismiss(None)


def open_bench(app: QGooseApp, model: ModelSummary) -> None:
    """The `b` flow: the dialog, its runs made by the session (the dialog's worker)."""
    session = app.session
    if model.is_remote:
        app.notify_text(f"{model.name} runs on ollama.com: its speed is not this machine's")
        return
    capabilities = session.known_capabilities(model) or ()
    kind = "embed" if "embedding" in capabilities and "completion" not in capabilities \
        else "generate"

    async def runner(runs: int, prompt: str, progress: Callable[[int, int], None],
                     ) -> AnyBench:
        from tui.ops.choosing import benchmark

        measured = await benchmark(session, model.name, runs, prompt, progress,
                                   installed=list(session.state.models))
        if measured.not_kept:
            app.notify_text(f"The result was not kept: {measured.not_kept}",
                            title="Benchmark", severity="warning")
        return measured.result

    app.push_screen(BenchScreen(model.name, kind, runner, session.benchmark_of(model)))
