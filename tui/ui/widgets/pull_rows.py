"""How one pull or push reads on a row (icon, name, phase, bar, figures), for the list and
the strip. A push is marked ⇡ and its phases are named as uploads."""

from __future__ import annotations

from rich.console import RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from tui.core.format import human_duration, human_rate, human_size, printable
from tui.core.pulls import PullJob, PullState
from tui.ollama.progress import Phase

ICONS = {PullState.RUNNING: "⇣", PullState.DONE: "✓", PullState.FAILED: "✗",
         PullState.CANCELLED: "■"}
# A push's phases as Ollama's push goes through them; its other states said as a push's.
PUSH_PHASES = {Phase.STARTING: "starting push", Phase.DOWNLOADING: "uploading",
               Phase.WRITING: "pushing manifest"}
PUSH_STATES = {PullState.DONE: "pushed", PullState.FAILED: "push failed",
               PullState.CANCELLED: "push cancelled"}
STYLES = {PullState.RUNNING: "cyan", PullState.DONE: "green", PullState.FAILED: "red",
          PullState.CANCELLED: "yellow"}


def pull_table() -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    for column in ("icon", "name", "phase", "bar", "figures"):
        table.add_column(column, no_wrap=True, ratio=2 if column == "bar" else None)
    return table


def job_cells(job: PullJob) -> list[RenderableType]:
    p = job.progress
    push = job.kind == "push"
    icon = Text("⇡" if push and job.running else ICONS[job.state], style=STYLES[job.state])
    name = Text(printable(job.name), style="bold")
    if job.state is PullState.FAILED:
        return [icon, name, Text(PUSH_STATES[job.state] if push else "failed", style="red"),
                Text(printable(job.error), style="red", overflow="ellipsis"),
                Text("t retry · x dismiss", style="dim")]
    phase = job.state.value if job.state is not PullState.RUNNING else p.phase.value
    if push:
        phase = PUSH_PHASES.get(p.phase, phase) if job.running else PUSH_STATES[job.state]
    bar = ProgressBar(total=max(p.total, 1), completed=p.completed if p.total else 0,
                      pulse=job.running and not p.total)
    figures = f"{p.fraction * 100:3.0f}%  {human_size(p.completed)}/{human_size(p.total)}"
    if job.running and p.phase is Phase.DOWNLOADING:
        figures += f"  {human_rate(p.speed)}  ETA {human_duration(p.eta)}"
    elif job.state is PullState.CANCELLED:
        figures += "  t pushes again" if push else "  t resumes"
    return [icon, name, Text(phase, style=STYLES[job.state]), bar, Text(figures)]


def layer_cells(job: PullJob) -> list[list[RenderableType]]:
    """One row per layer of a pull, for the expanded view."""
    return [["", Text(f"  {layer.short_digest}", style="dim"),
             Text(human_size(layer.total), style="dim"),
             ProgressBar(total=max(layer.total, 1), completed=layer.completed),
             Text(f"{layer.fraction * 100:3.0f}%", style="dim")]
            for layer in job.progress.layers.values()]
