"""ServerState: what the app knows of one server, and when it asks again."""

import pytest

from tui.core.server_state import BACKOFF_MAX, ServerState, models_signature
from tui.ollama.models import ModelSummary, RunningModel


def model(name: str, size: int = 1, digest: str = "d") -> ModelSummary:
    return ModelSummary(name=name, size=size, digest=digest)


def test_a_success_says_whether_the_list_changed_and_schedules_the_next_check() -> None:
    state = ServerState()
    assert state.record_success([model("a:latest")], [], now=100.0, interval=5.0)
    assert state.online is True and state.next_check == 105.0
    assert not state.record_success([model("a:latest")], [], now=105.0, interval=5.0)
    assert state.record_success([model("a:latest", digest="e")], [], now=110.0, interval=5.0)


def test_a_model_loaded_or_unloaded_counts_as_a_change() -> None:
    state = ServerState()
    state.record_success([model("a:latest")], [], 0.0, 5.0)
    assert state.record_success([model("a:latest")], [RunningModel(name="a:latest")], 5.0, 5.0)


@pytest.mark.parametrize(("failures", "delay"), [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0),
                                                 (5, BACKOFF_MAX), (50, BACKOFF_MAX)])
def test_failures_back_off_exponentially_up_to_a_cap(failures: int, delay: float) -> None:
    state = ServerState()
    for n in range(failures):
        state.record_failure("refused", now=float(n))
    assert state.retry_delay == delay
    assert state.next_check == failures - 1 + delay


def test_offline_since_is_the_first_failure_and_a_success_resets_it() -> None:
    state = ServerState(models=[model("a:latest")])
    state.record_failure("refused", now=10.0)
    state.record_failure("refused", now=12.0)
    assert state.offline_since == 10.0 and state.models  # the last list is kept
    state.record_success([], [], now=20.0, interval=5.0)
    assert state.offline_since is None and state.failures == 0 and state.error == ""


def test_due_follows_the_schedule() -> None:
    state = ServerState()
    assert state.due(0.0)  # never asked yet
    state.record_success([], [], now=0.0, interval=5.0)
    assert not state.due(4.9) and state.due(5.0)


def test_names_are_found_by_the_one_identity_rule() -> None:
    state = ServerState(models=[model("llama3.2:latest")],
                        running=[RunningModel(name="llama3.2:latest")])
    assert state.find("Llama3.2") is not None
    assert state.find("registry.ollama.ai/library/llama3.2:latest") is not None
    assert state.running_entry("llama3.2") is not None
    assert state.find("llama3.2:1b") is None


def test_forgetting_a_deleted_model_keeps_the_signature_in_step() -> None:
    state = ServerState()
    state.record_success([model("a:latest"), model("b:latest")], [], 0.0, 5.0)
    state.forget("A")
    assert [m.name for m in state.models] == ["b:latest"]
    assert state.signature == models_signature(state.models)
    assert not state.record_success([model("b:latest")], [], 5.0, 5.0)  # no false change


def test_a_cached_list_is_marked_until_the_server_confirms_it() -> None:
    state = ServerState()
    state.show_cached([model("a:latest", size=10)])
    assert state.from_cache and state.disk_used == 10
    state.record_success([model("a:latest", size=10)], [], 0.0, 5.0)
    assert not state.from_cache


def test_an_answer_with_an_error_is_not_offline_and_lists_nothing() -> None:
    state = ServerState()
    state.record_failure("HTTP 500: the disk is on fire", now=0.0, answering=True)
    assert state.online is False and state.answering and not state.listed
    state.record_success([], [], now=1.0, interval=5.0)
    assert state.listed and not state.answering
    state.record_failure("connection refused", now=2.0)
    assert not state.answering and state.listed
