"""The history database: benchmark results and usage, kept between runs, safe with two
writers at once, and never fatal when the file is unusable."""

import os
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.services.history import History, HistoryUnavailable

HOST = "http://gpu1:11434"


def test_loads_close_together_are_one_use(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    for minutes in (0, 1, 2, 3):  # polled every minute while loaded: one use
        history.record_loaded(HOST, ["llama3.2:latest"], start + timedelta(minutes=minutes))
    history.record_loaded(HOST, ["llama3.2:latest"], start + timedelta(hours=2))
    usage = history.usage(HOST)["registry.ollama.ai/library/llama3.2:latest"]
    assert usage.times_loaded == 2 and usage.last_loaded == start + timedelta(hours=2)
    assert usage.first_seen == start and usage.times_current == 0
    assert History(tmp_path / "h.sqlite3").usage("http://other:11434") == {}  # per host


def test_current_and_last_used(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    day = datetime(2026, 11, 1, tzinfo=UTC)
    history.record_seen(HOST, ["a:latest", "b:latest"])
    history.record_current(HOST, "a:latest", day)
    history.record_loaded(HOST, ["a:latest"], day - timedelta(days=3))
    usage = history.usage(HOST)
    assert usage["registry.ollama.ai/library/a:latest"].last_used == day
    assert usage["registry.ollama.ai/library/b:latest"].last_used is None


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"

    def writer() -> None:
        history = History(path)  # its own connections, as the TUI and a CLI call have
        for _ in range(50):
            assert history.record_current(HOST, "goose:latest"), history.problem

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert History(path).usage(HOST)["registry.ollama.ai/library/goose:latest"] \
        .times_current == 200


def test_an_unusable_file_is_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    history = History(path)
    assert history.record_current(HOST, "a") is False
    assert "cannot be used" in history.problem and history.usage(HOST) == {}
    assert history.latest_benchmarks(HOST) == {}


def test_in_memory_for_the_demo() -> None:
    history = History(None)
    history.record_loaded(HOST, ["a:latest"])
    assert list(history.usage(HOST)) == ["registry.ollama.ai/library/a:latest"]


def test_the_in_memory_history_takes_writers_from_many_threads() -> None:
    history = History(None)

    def writer(host: str) -> None:
        for _ in range(30):
            assert history.record_loaded(host, ["a:latest"]) and history.usage(host)

    threads = [threading.Thread(target=writer, args=(f"http://h{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert history.problem == ""


def test_a_read_creates_nothing(tmp_path: Path) -> None:
    # Reading once made the data folder and an empty database (and wrote its schema).
    path = tmp_path / "data" / "h.sqlite3"
    history = History(path)
    assert history.read_usage(HOST) == {} and history.latest_benchmarks(HOST) == {}
    assert not (tmp_path / "data").exists() and history.problem == ""


def test_a_read_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"")  # a database with no table yet: nothing recorded
    assert History(path).read_usage(HOST) == {}
    assert path.read_bytes() == b""
    History(path).record_current(HOST, "a:latest")
    before = path.read_bytes()
    assert list(History(path).read_usage(HOST)) == ["registry.ollama.ai/library/a:latest"]
    assert path.read_bytes() == before


@pytest.mark.parametrize("damage", ["not a database", "a directory"])
def test_a_history_that_cannot_be_read_says_why(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "h.sqlite3"
    if damage == "a directory":
        path.mkdir()
    else:
        path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryUnavailable, match=f"the history file {path} cannot be read: "
                       f"{'it is a directory' if damage == 'a directory' else 'file is not'}"):
        History(path).read_usage(HOST)
    history = History(path)
    assert history.usage(HOST) == {} and "cannot be read" in history.problem


def _without_write_permission() -> list[str] | None:
    """A command prefix under which this folder's permissions hold (root ignores them,
    unless setpriv drops the capabilities that let it); None when there is none."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return None if setpriv is None else \
        [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def test_a_history_in_a_read_only_folder_is_still_read(tmp_path: Path) -> None:
    # The reads made the schema and switched to WAL first: writes, refused, so every model
    # showed "never".
    prefix = _without_write_permission()
    if prefix is None:
        pytest.skip("running as root without setpriv: folder permissions do not apply")
    folder = tmp_path / "data"
    folder.mkdir()
    History(folder / "h.sqlite3").record_current(HOST, "a:latest")
    folder.chmod(0o555)
    try:
        read = subprocess.run(
            [*prefix, sys.executable, "-c",
             "import sys; from pathlib import Path; from tui.services.history import History; "
             "print(list(History(Path(sys.argv[1])).read_usage(sys.argv[2])))",
             str(folder / "h.sqlite3"), HOST], capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "['registry.ollama.ai/library/a:latest']"


def test_transfers_are_remembered_and_join_versions(tmp_path: Path) -> None:
    import sqlite3

    from tui.services.fleet import remembered_versions

    path = tmp_path / "h.sqlite3"
    a, b, c = "a" * 64, "b" * 64, "c" * 64
    assert History(path).transfers() == []  # nothing yet, and nothing created by the read
    assert not path.exists()
    history = History(path)
    assert history.record_transfer("http://u:pw@gpu1:11434", f"sha256:{a}",
                                   "http://gpu2:11434", b, "tiny:1m")
    assert history.record_transfer("http://gpu2:11434", b, "http://gpu3:11434", c, "tiny:1m")
    with sqlite3.connect(path) as db:  # a row someone else wrote badly is skipped
        db.execute("INSERT INTO transfers VALUES ('x', 'not a digest', 'y', ?, 'm', "
                   "'2026-01-01T00:00:00+00:00')", (a,))
    kept = History(path).transfers()
    assert [(t.source, t.source_digest, t.target_digest) for t in kept] == [
        ("http://u:***@gpu1:11434", a, b), ("http://gpu2:11434", b, c)]
    same = remembered_versions(History(path))
    assert same.same(a, c) and same.same(f"sha256:{b}", a) and not same.same(a, "d" * 64)
    assert same.copies_of(a) == {b, c}
