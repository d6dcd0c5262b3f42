"""The last model list seen from each host, kept in the user's cache directory.

The app draws it at once on the next start (marked as not yet confirmed), so the grid is
there before the network answers. A missing or damaged file is simply no cache.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import platformdirs

from tui.ollama.host import redact
from tui.ollama.json_limits import loads_bounded
from tui.ollama.models import ModelSummary

APP_NAME = "qgoose-tui"


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "model-lists"


class ListCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_cache_dir()

    def path_for(self, base_url: str) -> Path:
        # Named by two checksums of the address without its password: no secret in a file
        # name (zlib's, not hashlib's: loading OpenSSL's hashes would slow the first frame).
        address = redact(base_url).encode()
        return self.directory / f"{zlib.crc32(address):08x}{zlib.adler32(address):08x}.json"

    def load(self, base_url: str) -> list[ModelSummary] | None:
        try:
            data = loads_bounded(self.path_for(base_url).read_bytes())
        except (OSError, ValueError):
            return None
        entries = data.get("models") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return None
        return [ModelSummary.from_json(e) for e in entries if isinstance(e, dict)]

    def save(self, base_url: str, models: list[ModelSummary]) -> None:
        """Write atomically; a cache that cannot be written is not worth an error."""
        def write(handle: TextIO) -> None:
            # One model at a time: 5,000 models never sit in memory twice.
            handle.write('{"models":[')
            for index, model in enumerate(models):
                handle.write(("," if index else "") + json.dumps(model.to_json()))
            handle.write("]}")

        _write_atomic(self.path_for(base_url), write)

    # Capabilities by manifest digest: the same digest is the same model on any host, so a
    # restart (or another host) never asks /api/show again just for the grid's badges.
    @property
    def capabilities_path(self) -> Path:
        return self.directory / "capabilities.json"

    def load_capabilities(self) -> dict[str, tuple[str, ...]]:
        try:
            data = loads_bounded(self.capabilities_path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {digest: tuple(c for c in caps if isinstance(c, str))
                for digest, caps in data.items() if isinstance(caps, list)}

    def save_capabilities(self, capabilities: dict[str, tuple[str, ...]]) -> None:
        snapshot = {digest: list(caps) for digest, caps in capabilities.items()}
        _write_atomic(self.capabilities_path, lambda handle: json.dump(snapshot, handle))


def _write_atomic(path: Path, write: Callable[[TextIO], None]) -> None:
    """Write a private temp file beside `path`, then rename it over; errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            write(handle)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
