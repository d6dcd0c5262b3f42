"""What this machine has measured and seen, kept between runs in a small SQLite database in
the user's data directory: benchmark results (by host and manifest digest).

SQLite (standard library) because the TUI and a CLI call may write at once: each write is
one transaction, so neither corrupts the file nor loses the other's record. A database that
cannot be opened or written is reported, never fatal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from tui.ollama.host import redact

if TYPE_CHECKING:
    import sqlite3

APP_NAME = "qgoose-tui"
SCHEMA = """
CREATE TABLE IF NOT EXISTS benchmarks (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL,      -- the server's address, without any password
    model TEXT NOT NULL,
    digest TEXT NOT NULL,    -- the manifest digest: another digest is another model
    at TEXT NOT NULL,        -- when, ISO 8601 in UTC
    kind TEXT NOT NULL,      -- generate | embed
    unit TEXT NOT NULL,      -- tokens/s | inputs/s
    speed REAL NOT NULL,     -- the median of the warm runs
    figures TEXT NOT NULL    -- the whole result as JSON, as `bench --json` prints it
);
CREATE INDEX IF NOT EXISTS benchmarks_by_host ON benchmarks (host, digest, at);
"""
KEEP_BENCHMARKS = 5000  # older results are dropped: the file stays small


def default_history_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "history.sqlite3"


@dataclass(frozen=True)
class BenchRecord:
    model: str
    digest: str
    at: datetime
    kind: str
    unit: str
    speed: float
    figures: dict[str, Any]

    @property
    def speed_text(self) -> str:
        return f"{self.speed:.1f} {self.unit}"


class History:
    def __init__(self, path: Path | None = None) -> None:
        """`path` None: kept in memory only (the demo's throwaway server)."""
        self.path = path
        self.problem = ""  # why the last read or write failed, for the user
        self._memory: sqlite3.Connection | None = None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        import sqlite3  # 2 ms: not before the first frame

        if self.path is None:
            if self._memory is None:
                self._memory = sqlite3.connect(":memory:", check_same_thread=False)
                self._memory.executescript(SCHEMA)
            with self._memory:
                yield self._memory
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A writer holding the lock for a moment makes the other wait, not fail.
        with closing(sqlite3.connect(self.path, timeout=10)) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            with connection:  # one transaction: committed whole, or rolled back
                yield connection

    def _failed(self, exc: Exception) -> None:
        self.problem = f"the history file {self.path} cannot be used: {exc}"

    def record_benchmark(self, base_url: str, model: str, digest: str, result: dict[str, Any],
                         unit: str, speed: float, at: datetime | None = None) -> bool:
        """Keep one result; False (and `problem` says why) when it could not be written."""
        import sqlite3

        when = (at or datetime.now(UTC)).isoformat(timespec="seconds")
        try:
            with self._connection() as db:
                db.execute("INSERT INTO benchmarks (host, model, digest, at, kind, unit, "
                           "speed, figures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (redact(base_url), model, digest, when, result.get("kind", ""),
                            unit, speed, json.dumps(result)))
                db.execute("DELETE FROM benchmarks WHERE id <= "
                           "(SELECT MAX(id) FROM benchmarks) - ?", (KEEP_BENCHMARKS,))
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return False
        return True

    def latest_benchmarks(self, base_url: str) -> dict[str, BenchRecord]:
        """The newest result of each digest measured on this host."""
        import sqlite3

        try:
            with self._connection() as db:
                rows = db.execute(
                    "SELECT model, digest, at, kind, unit, speed, figures FROM benchmarks "
                    "WHERE host = ? ORDER BY at, id", (redact(base_url),)).fetchall()
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return {}
        latest: dict[str, BenchRecord] = {}
        for model, digest, at, kind, unit, speed, figures in rows:
            record = _record(model, digest, at, kind, unit, speed, figures)
            if record is not None:
                latest[digest] = record  # later rows replace earlier ones
        return latest


def _record(model: Any, digest: Any, at: Any, kind: Any, unit: Any, speed: Any,
            figures: Any) -> BenchRecord | None:
    """A row as a record; a row someone else wrote badly is skipped, not fatal."""
    try:
        when = datetime.fromisoformat(at)
        data = json.loads(figures)
    except (TypeError, ValueError):
        return None
    if not isinstance(speed, int | float) or not isinstance(data, dict):
        return None
    return BenchRecord(str(model), str(digest), when, str(kind), str(unit), float(speed), data)
