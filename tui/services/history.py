"""What this machine has measured and seen, kept between runs in a small SQLite database in
the user's data directory: benchmark results (by host and manifest digest) and usage (by
host and model: Ollama records none).

SQLite (standard library) because the TUI and a CLI call may write at once: each write is
one transaction, so neither corrupts the file nor loses the other's record. A database that
cannot be opened or written is reported, never fatal.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from tui.ollama.host import redact
from tui.ollama.json_limits import loads_bounded

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
CREATE TABLE IF NOT EXISTS usage (
    host TEXT NOT NULL,
    model TEXT NOT NULL,           -- the model key (full name, lower case)
    name TEXT NOT NULL,            -- as shown
    first_seen TEXT NOT NULL,
    last_loaded TEXT,              -- seen in /api/ps, loaded or benchmarked here
    times_loaded INTEGER NOT NULL DEFAULT 0,
    last_current TEXT,
    times_current INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (host, model)
);
CREATE TABLE IF NOT EXISTS transfers (
    source TEXT NOT NULL,          -- the source host's address (or the bundle's file)
    source_digest TEXT NOT NULL,   -- the manifest digest there (64 hex)
    target TEXT NOT NULL,          -- the target host's address
    target_digest TEXT NOT NULL,   -- the one it got there (another if the target rewrote it)
    model TEXT NOT NULL,           -- the name it was created under
    at TEXT NOT NULL,
    PRIMARY KEY (source, source_digest, target, target_digest)
);
CREATE TABLE IF NOT EXISTS recipes (
    host TEXT NOT NULL,            -- the server's address, without any password
    model TEXT NOT NULL,           -- the variant's key (full name, lower case)
    name TEXT NOT NULL,            -- as shown
    recipe TEXT NOT NULL,          -- base, base digest and changes, as JSON (core.recipes)
    at TEXT NOT NULL,
    PRIMARY KEY (host, model)
);
"""
# Seen loaded again within this long is the same use (Ollama's default keep-alive).
SAME_USE = timedelta(minutes=5)
KEEP_BENCHMARKS = 5000  # older results are dropped: the file stays small
KEEP_TRANSFERS = 5000
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


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


@dataclass(frozen=True)
class Usage:
    name: str
    first_seen: datetime
    last_loaded: datetime | None = None
    times_loaded: int = 0
    last_current: datetime | None = None
    times_current: int = 0

    @property
    def last_used(self) -> datetime | None:
        """When it was last loaded or made the current model (None: never here)."""
        times = [t for t in (self.last_loaded, self.last_current) if t is not None]
        return max(times) if times else None

    def to_json(self) -> dict[str, Any]:
        def when(moment: datetime | None) -> str | None:
            return moment.isoformat(timespec="seconds") if moment else None
        return {"name": self.name, "first_seen": when(self.first_seen),
                "last_used": when(self.last_used), "last_loaded": when(self.last_loaded),
                "times_loaded": self.times_loaded, "last_current": when(self.last_current),
                "times_current": self.times_current}


@dataclass(frozen=True)
class TransferRecord:
    """A model sent from one host to another, and the digest it got there."""

    source: str
    source_digest: str
    target: str
    target_digest: str
    model: str
    at: datetime


class HistoryUnavailable(Exception):
    """The history file exists but cannot be read; the message says which and why."""


def _cannot_open(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite could not open the file or its `-shm` (as in a read-only folder)."""
    import sqlite3

    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code
    return code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY)


class History:
    def __init__(self, path: Path | None = None) -> None:
        """`path` None: kept in memory only (the demo's throwaway server)."""
        self.path = path
        self.problem = ""  # why the last read or write failed, for the user
        self._memory: sqlite3.Connection | None = None
        # The in-memory database is one connection: one thread at a time (the demo's hosts
        # write at once from worker threads).
        self._memory_lock = threading.Lock()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        import sqlite3  # 2 ms: not before the first frame

        if self.path is None:
            with self._memory_lock:
                if self._memory is None:
                    self._memory = sqlite3.connect(":memory:", check_same_thread=False)
                    self._memory.executescript(SCHEMA)
                with self._memory:
                    yield self._memory
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A writer holding the lock for a moment makes the other wait, not fail.
        with closing(sqlite3.connect(self.path, timeout=10)) as connection:
            # WAL lets the TUI read while a CLI call writes. Switching to it can meet a
            # lock (two first connections at once): the default journal works too.
            with suppress(sqlite3.OperationalError):
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA cache_size = -256")  # KiB: small writes, few reads
            connection.executescript(SCHEMA)
            with connection:  # one transaction: committed whole, or rolled back
                yield connection

    def _read(self, sql: str, *params: object) -> list[Any]:
        """The rows of a query; none (and `problem` says why) when the file cannot be read."""
        try:
            return self._rows(sql, params)
        except HistoryUnavailable as exc:
            self.problem = str(exc)
            return []

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[Any]:
        """The rows of a query. A read creates, migrates and writes nothing: no file yet,
        or no table yet, is nothing recorded. Raises HistoryUnavailable."""
        import sqlite3

        if self.path is None:
            with self._connection() as db:
                return db.execute(sql, params).fetchall()
        try:
            is_folder = self.path.is_dir()
        except OSError as exc:
            raise HistoryUnavailable(f"the history file {self.path} cannot be read: "
                                     f"{exc.strerror}") from exc
        if is_folder:  # SQLite would only say "disk I/O error"
            raise HistoryUnavailable(f"the history file {self.path} cannot be read: it is "
                                     "a directory")
        if not self.path.exists():
            return []
        uri = self.path.absolute().as_uri()
        # Read-only, so a read-only data dir or a full disk can still be read. In WAL mode
        # even a reader needs the `-shm` file: where it cannot be made (a read-only
        # folder), the file is read as it stands (immutable), without the journal.
        for options in ("mode=ro", "mode=ro&immutable=1"):
            try:
                with closing(sqlite3.connect(f"{uri}?{options}", uri=True,
                                             timeout=10)) as db:
                    return db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if str(exc).startswith("no such table"):
                    return []  # made, but nothing written yet
                error: sqlite3.Error = exc
                if not _cannot_open(exc):
                    break
            except sqlite3.Error as exc:  # not a database, damaged…
                error = exc
                break
        raise HistoryUnavailable(f"the history file {self.path} cannot be read: {error}")

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
        rows = self._read("SELECT model, digest, at, kind, unit, speed, figures FROM "
                          "benchmarks WHERE host = ? ORDER BY at, id", redact(base_url))
        latest: dict[str, BenchRecord] = {}
        for model, digest, at, kind, unit, speed, figures in rows:
            record = _record(model, digest, at, kind, unit, speed, figures)
            if record is not None:
                latest[digest] = record  # later rows replace earlier ones
        return latest

    # -- transfers ---------------------------------------------------------------------
    def record_transfer(self, source: str, source_digest: str, target_url: str,
                        target_digest: str, model: str, at: datetime | None = None) -> bool:
        """Keep that `model` (source_digest on `source`, a host's address or a bundle's
        file) became target_digest on the target; False (and `problem` says why) when it
        could not be written."""
        import sqlite3

        when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        try:
            with self._connection() as db:
                db.execute("INSERT OR REPLACE INTO transfers (source, source_digest, target, "
                           "target_digest, model, at) VALUES (?, ?, ?, ?, ?, ?)",
                           (redact(source), _bare(source_digest), redact(target_url),
                            _bare(target_digest), model, when))
                db.execute("DELETE FROM transfers WHERE rowid NOT IN (SELECT rowid FROM "
                           "transfers ORDER BY at DESC LIMIT ?)", (KEEP_TRANSFERS,))
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return False
        return True

    def transfers(self) -> list[TransferRecord]:
        """Every transfer kept, oldest first; none (and `problem` says why) when the file
        cannot be read. Rows whose digests are not digests are skipped."""
        rows = self._read("SELECT source, source_digest, target, target_digest, model, at "
                          "FROM transfers ORDER BY at")
        found = []
        for source, source_digest, target, target_digest, model, at in rows:
            when = _time(at)
            if when is None or not all(isinstance(d, str) and _HEX_DIGEST.fullmatch(d)
                                       for d in (source_digest, target_digest)):
                continue  # a row someone else wrote badly
            found.append(TransferRecord(str(source), source_digest, str(target),
                                        target_digest, str(model), when))
        return found

    # -- recipes -----------------------------------------------------------------------
    def record_recipe(self, base_url: str, name: str, recipe: dict[str, Any]) -> bool:
        """Keep how the variant `name` was made on this host (replacing what was kept of an
        earlier model of that name); False (and `problem` says why) if not written."""
        import sqlite3

        from tui.ollama.names import model_key

        when = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with self._connection() as db:
                db.execute("INSERT OR REPLACE INTO recipes (host, model, name, recipe, at) "
                           "VALUES (?, ?, ?, ?, ?)", (redact(base_url), model_key(name), name,
                                                      json.dumps(recipe), when))
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return False
        return True

    def recipes(self, base_url: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Model key → (name, recipe as kept) of the variants made on this host; none (and
        `problem` says why) when the file cannot be read. Damaged rows are skipped."""
        found = {}
        for key, name, text in self._read("SELECT model, name, recipe FROM recipes WHERE "
                                          "host = ? ORDER BY at", redact(base_url)):
            try:
                data = loads_bounded(text)
            except (TypeError, ValueError):
                continue
            if isinstance(key, str) and isinstance(data, dict):
                found[key] = (str(name), data)
        return found

    # -- usage -------------------------------------------------------------------------
    def _upsert(self, base_url: str, names: list[str], at: datetime | None,
                change: str) -> bool:
        """Add the models not yet known (first seen now), then apply `change` (SQL SET
        text with :at and :same) to each; one transaction."""
        import sqlite3

        from tui.ollama.names import model_key

        when = (at or datetime.now(UTC)).astimezone(UTC)  # one zone: the text compares
        common = {"host": redact(base_url), "at": when.isoformat(timespec="seconds"),
                  "same": (when - SAME_USE).isoformat(timespec="seconds")}

        def rows() -> Iterator[dict[str, str]]:
            # Made one at a time: thousands of first sightings never exist as one list.
            return ({**common, "model": model_key(n), "name": n} for n in names)

        try:
            with self._connection() as db:
                db.executemany("INSERT OR IGNORE INTO usage (host, model, name, first_seen) "
                               "VALUES (:host, :model, :name, :at)", rows())
                if change:
                    db.executemany(f"UPDATE usage SET {change} "  # noqa: S608 - our own text
                                   "WHERE host = :host AND model = :model", rows())
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return False
        return True

    def record_seen(self, base_url: str, names: list[str]) -> bool:
        return self._upsert(base_url, names, None, "")

    def record_loaded(self, base_url: str, names: list[str],
                      at: datetime | None = None) -> bool:
        """Seen loaded (in /api/ps, or loaded or benchmarked here). Sightings closer than
        SAME_USE to the last one are the same use: counted once."""
        return self._upsert(base_url, names, at,
                            "times_loaded = times_loaded + (CASE WHEN last_loaded IS NULL "
                            "OR last_loaded < :same THEN 1 ELSE 0 END), "
                            "last_loaded = MAX(COALESCE(last_loaded, ''), :at)")

    def record_current(self, base_url: str, name: str, at: datetime | None = None) -> bool:
        return self._upsert(base_url, [name], at, "times_current = times_current + 1, "
                            "last_current = MAX(COALESCE(last_current, ''), :at)")

    def usage(self, base_url: str) -> dict[str, Usage]:
        """Model key → what was recorded of it on this host; none (and `problem` says why)
        when the file cannot be read."""
        try:
            return self.read_usage(base_url)
        except HistoryUnavailable as exc:
            self.problem = str(exc)
            return {}

    def read_usage(self, base_url: str) -> dict[str, Usage]:
        """Model key → what was recorded of it on this host. Raises HistoryUnavailable."""
        rows = self._rows("SELECT model, name, first_seen, last_loaded, times_loaded, "
                          "last_current, times_current FROM usage WHERE host = ?",
                          (redact(base_url),))
        found = {}
        for key, name, first, loaded, times_loaded, current, times_current in rows:
            first_seen = _time(first)
            if first_seen is None or not isinstance(key, str):
                continue  # a row someone else wrote badly
            found[key] = Usage(str(name), first_seen, _time(loaded),
                               times_loaded if isinstance(times_loaded, int) else 0,
                               _time(current),
                               times_current if isinstance(times_current, int) else 0)
        return found

def _bare(digest: str) -> str:
    """A manifest digest as /api/tags gives it: 64 hex, without `sha256:`."""
    return digest.removeprefix("sha256:").lower()


def _time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _record(model: Any, digest: Any, at: Any, kind: Any, unit: Any, speed: Any,
            figures: Any) -> BenchRecord | None:
    """A row as a record; a row someone else wrote badly is skipped, not fatal."""
    try:
        when = datetime.fromisoformat(at)
        data = loads_bounded(figures)
    except (TypeError, ValueError):
        return None
    if not isinstance(speed, int | float) or not isinstance(data, dict):
        return None
    return BenchRecord(str(model), str(digest), when, str(kind), str(unit), float(speed), data)
