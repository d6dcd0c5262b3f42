"""The pulls registry: start, cancel, retry, dismiss, summary; no Textual, no network."""

import asyncio

import pytest

from tui.core.pulls import Pulls, PullState
from tui.ollama.models import PullEvent


class Task:
    """A stand-in for the task that runs a pull: the registry only ever cancels it."""

    def __init__(self, coro) -> None:
        coro.close()  # never run: these tests drive the jobs by hand
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


async def no_op(job) -> None:
    await asyncio.sleep(0)


@pytest.fixture
def pulls() -> Pulls:
    return Pulls(no_op, Task)


def test_one_job_per_model_whatever_the_spelling(pulls: Pulls) -> None:
    job = pulls.start("llama3.2")
    assert job is not None and pulls.start("Llama3.2:latest") is None  # already running
    assert pulls.get("library/llama3.2") is job and len(pulls.jobs) == 1


def test_cancel_stops_the_task_and_retry_starts_again(pulls: Pulls) -> None:
    job = pulls.start("llama3.2")
    task = pulls._tasks["registry.ollama.ai/library/llama3.2:latest"]
    assert pulls.cancel("llama3.2") and task.cancelled and job.state is PullState.CANCELLED
    assert not pulls.cancel("llama3.2")  # nothing left to cancel
    assert pulls.retry("llama3.2") is job and job.running and job.attempts == 2


def test_a_running_pull_cannot_be_dismissed_or_retried(pulls: Pulls) -> None:
    pulls.start("llama3.2")
    assert not pulls.dismiss("llama3.2") and pulls.retry("llama3.2") is None
    pulls.get("llama3.2").fail("disk full")
    assert pulls.dismiss("llama3.2") and not pulls


def test_changed_is_taken_once(pulls: Pulls) -> None:
    assert not pulls.take_changed()
    pulls.start("llama3.2")
    assert pulls.take_changed() and not pulls.take_changed()


def test_the_summary_adds_up_the_running_pulls(pulls: Pulls) -> None:
    a, b = pulls.start("a"), pulls.start("b")
    for job, done in ((a, 250), (b, 750)):
        job.progress.feed(PullEvent.from_json({"status": "pulling x", "digest": "sha256:x",
                                               "total": 1000, "completed": done}), now=1.0)
    pulls.start("c").fail("nope")
    summary = pulls.summary()
    assert (summary.running, summary.failed, summary.completed, summary.total) == \
        (2, 1, 1000, 2000)


def test_the_status_bar_summary_reads_short() -> None:
    from tui.core.pulls import PullsSummary
    from tui.ui.widgets.status_bar import pulls_summary_text

    assert pulls_summary_text(PullsSummary()) == ""
    assert pulls_summary_text(PullsSummary(failed=2)) == "⇣ 2 failed"
    assert pulls_summary_text(PullsSummary(running=2, completed=41, total=100,
                                           speed=38e6)) == "⇣ 2 · 41% · 38.0 MB/s"
    assert pulls_summary_text(PullsSummary(running=1, pushing=1, completed=50, total=100,
                                           speed=1e6)) == "⇣ 1 ⇡ 1 · 50% · 1.0 MB/s"
    assert pulls_summary_text(PullsSummary(pushing=1)).startswith("⇡ 1 · ")


def test_a_push_is_a_job_of_its_own_beside_the_pull_of_the_same_model(pulls: Pulls) -> None:
    ran: list[str] = []

    async def push(job) -> None:
        ran.append(job.name)

    pull = pulls.start("llama3.2")
    pushed = pulls.start("llama3.2", "push", push)
    assert pushed is not None and pushed is not pull and pushed.kind == "push"
    assert pulls.get("llama3.2", "push") is pushed and pulls.get("llama3.2") is pull
    assert pulls.summary().running == 1 and pulls.summary().pushing == 1
    assert pulls.cancel("llama3.2", "push") and pull.running  # the pull goes on
    task = pulls._tasks["push:registry.ollama.ai/library/llama3.2:latest"]
    assert task.cancelled
    assert pulls.retry("llama3.2", "push") is pushed and pushed.attempts == 2
    pushed.fail("unauthorized")
    pulls.get("llama3.2").finish()
    assert pulls.clear_finished() == 2 and not pulls
